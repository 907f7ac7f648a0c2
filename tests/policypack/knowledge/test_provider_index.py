"""The shipped provider index: it loads from the installed package, and its pulumi-aws entry is
what the generator reads from the installed pulumi-aws SDK, for every resource class.

Regenerate it with ``make provider-index`` (scripts/generate_provider_index.py).
"""

from __future__ import annotations

import fnmatch
import gzip
import json
import re
from pathlib import Path

import pytest

from policypack.knowledge.providers import index_builder, shipped_index

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[3]
pulumi_aws = pytest.importorskip("pulumi_aws")


def _shipped_entry(package: str) -> dict:
    return json.loads(gzip.decompress((shipped_index.DATA_DIRECTORY / shipped_index.entry_file(package)).read_bytes()))


def test_the_shipped_aws_entry_matches_the_installed_sdk() -> None:
    site = Path(pulumi_aws.__file__).resolve().parent.parent
    regenerated = index_builder.build_entry(index_builder.DirectoryTree(site), "pulumi_aws", schemas=True)
    shipped = _shipped_entry("pulumi_aws")
    assert shipped["version"] == regenerated["version"], (
        f"the shipped index describes pulumi-aws {shipped['version']}, {regenerated['version']} is installed: "
        "run `make provider-index` and pin the same version in pyproject.toml's test extra")
    current = {path: row for path, row in shipped["classes"].items() if len(row) == 6}  # not older-major-only
    assert set(current) == set(regenerated["classes"])
    for path, row in regenerated["classes"].items():
        # token, kind, arguments and deprecations; removals come from the older wheels the generator reads
        assert current[path][:4] == row[:4], path
    assert len(current) > 1500


def test_the_index_loads_through_importlib_resources_and_is_listed() -> None:
    listed = shipped_index.manifest()["packages"]
    assert {"pulumi_aws", "pulumi_awsx", "pulumi_aws_native", "pulumi_docker", "pulumi_random", "pulumi_tls",
            "pulumi_kubernetes", "pulumi_gcp", "pulumi_azure_native"} <= set(listed)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", shipped_index.manifest()["generated"])
    for name, facts in listed.items():
        entry = shipped_index.package(name)
        assert entry is not None and entry.version == facts["version"] and len(entry.rows) == facts["classes"]


def test_the_data_files_are_package_data() -> None:
    """Every file under data/ is matched by pyproject's package-data, so wheels carry it."""
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "policypack.knowledge.providers"]
    files = sorted(path.relative_to(shipped_index.DATA_DIRECTORY.parent).as_posix()
                   for path in shipped_index.DATA_DIRECTORY.iterdir())
    assert files and all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns) for name in files)


def test_removals_and_additions_between_majors() -> None:
    aws = shipped_index.package("pulumi_aws")
    assert aws is not None and 6 in aws.older and aws.major == 7
    deployment = aws.facts("pulumi_aws.apigateway.Deployment")
    assert deployment is not None and deployment.schema is not None
    assert "stage_name" not in deployment.schema.arguments
    assert deployment.schema.removed["stage_name"].major == 7
    assert "apigateway.Stage" in deployment.schema.removed["stage_name"].message
    in_six = aws.facts("pulumi_aws.apigateway.Deployment", 6)
    assert in_six is not None and in_six.schema is not None
    assert "stage_name" in in_six.schema.arguments and "region" not in in_six.schema.arguments
    assert aws.facts("pulumi_aws.apigateway.Deployment", 5).schema is None  # a major the index doesn't describe


def test_a_damaged_entry_is_no_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shipped_index, "_data", lambda name: b"not gzip" if name.endswith(".gz") else
                        json.dumps({"packages": {"pulumi_broken": {}}}).encode())
    shipped_index.manifest.cache_clear()
    shipped_index.package.cache_clear()
    try:
        assert shipped_index.package("pulumi_broken") is None
    finally:
        shipped_index.manifest.cache_clear()
        shipped_index.package.cache_clear()
