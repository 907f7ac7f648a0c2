"""The pack writes every violation of an analysis to a JSON file (STACKGUARD_RESULTS or pack config)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from policypack.crossguard.local import analyze_stack
from policypack.crossguard.results import ENV, FORMAT, POLICY_NAME
from tests.policypack.crossguard.test_local import family_mismatch_stack
from tests.support.graphs import STACK_URN


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setenv("STACKGUARD_STRICT", "1")
    monkeypatch.delenv(ENV, raising=False)


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_reported_violation_is_written_with_its_resource(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "results.json"
    monkeypatch.setenv(ENV, str(out))
    reported = analyze_stack(family_mismatch_stack("17.5"))
    written = read(out)
    assert (written["tool"], written["format"], written["formatVersion"]) == ("stackguard", FORMAT, 1)
    assert [(v["code"], v["policy"], v["urn"], v["enforcement"], v["message"]) for v in written["violations"]] == [
        (r.code, r.policy, r.urn, r.enforcement, r.message) for r in reported]
    sg201 = next(v for v in written["violations"] if v["code"] == "SG201")
    assert sg201["type"] == "aws:rds/instance:Instance" and sg201["name"] == "db"
    assert sg201["parent"] == STACK_URN
    assert sg201["enforcement"] == "mandatory" and sg201["message"].startswith("[SG201] ")
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_the_pack_config_key_names_the_file_and_wins(tmp_path: Path, monkeypatch) -> None:
    configured, environment = tmp_path / "configured.json", tmp_path / "env.json"
    monkeypatch.setenv(ENV, str(environment))
    analyze_stack(family_mismatch_stack("17.5"), {POLICY_NAME: {"file": str(configured)},
                                                 "rds-parameter-group-family-mismatch": "advisory"})
    assert not environment.exists()
    assert {v["code"]: v["enforcement"] for v in read(configured)["violations"]}["SG201"] == "advisory"


def test_each_analysis_replaces_the_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "results.json"
    monkeypatch.setenv(ENV, str(out))
    analyze_stack(family_mismatch_stack("17.5"))
    assert any(v["code"] == "SG201" for v in read(out)["violations"])
    analyze_stack(family_mismatch_stack("17.5"), {"all": "disabled"})
    assert read(out)["violations"] == []


def test_a_path_that_cannot_be_written_is_logged_never_fatal(tmp_path: Path, monkeypatch, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="stackguard")
    for path, logged in ((tmp_path / "missing-dir" / "r.json", "cannot write results file"),
                         ("relative.json", "is not an absolute path")):
        monkeypatch.setenv(ENV, str(path))
        assert any(r.code == "SG201" for r in analyze_stack(family_mismatch_stack("17.5")))
        assert logged in caplog.text
    assert not Path("relative.json").exists()
