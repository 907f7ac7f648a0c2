"""Installed SDKs are read from the interpreter's own sys.path, never from the linted project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzers.project import analyze, project_environment, summarize_file
from analyzers.providers import ProviderKnowledge, installed
from tests.support.fake_sdk import FakeClass, write_sdk

PROGRAM = "import pulumi_aws as aws\n\naws.s3.Bucket('logs')\n"


def _fake_venv(project: Path) -> Path:
    """A committed venv whose fake pulumi_aws registers no real resource (to make them vanish)."""
    site = project / "venv" / "lib" / "python3.11" / "site-packages"
    write_sdk(site, "pulumi_aws", "7.99.0", [FakeClass("s3", "Decoy", "aws:s3/decoy:Decoy")])
    return site


def test_search_path_skips_the_cwd_relative_entries_and_the_project(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "repo"
    inside = _fake_venv(project)
    above = tmp_path
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for entry in ("", ".", str(inside), str(above), str(elsewhere)):
        monkeypatch.syspath_prepend(entry)
    path = installed.search_path([project])
    assert Path(os.path.realpath(inside)) not in path  # inside the project
    assert Path(os.path.realpath(above)) not in path  # above it: reaches into it
    assert Path(os.path.realpath(elsewhere)) not in path  # the CWD
    assert Path(os.path.realpath(inside)) in installed.search_path([])  # what the exclusion is for


def test_a_committed_fake_sdk_cannot_hide_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "repo"
    monkeypatch.syspath_prepend(str(_fake_venv(project)))  # e.g. PYTHONPATH=venv/... in a CI job
    (project / "Pulumi.yaml").write_text("name: repo\nruntime: python\n")
    summary = summarize_file("__main__.py", PROGRAM.encode())
    findings = analyze([summary], environment=project_environment(project))
    assert [f.subject for f in findings if f.code == "SG101"] == ["logs"]
    # what the exclusion prevents: read from there, the fake would hide the bucket
    fooled = analyze([summary], environment=ProviderKnowledge(search_path=installed.search_path([])))
    assert [f.subject for f in fooled if f.code == "SG101"] == []


def test_the_interpreters_own_site_packages_are_read() -> None:
    pulumi_aws = pytest.importorskip("pulumi_aws")
    site = Path(os.path.realpath(Path(pulumi_aws.__file__).parent.parent))
    found = installed.find("pulumi_aws", installed.search_path([site / "pulumi_aws"]))
    assert found is not None and found.root == site  # an own-installation entry is trusted
    assert found.registers_resources()
