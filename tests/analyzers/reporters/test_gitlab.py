import json
from pathlib import Path

from analyzers.reporters import renderer


def test_code_quality_report(make_report, tmp_path: Path) -> None:
    issues = json.loads(renderer("gitlab")(make_report()))
    assert [issue["severity"] for issue in issues] == ["critical", "minor", "info"]
    first = issues[0]
    assert first["check_name"] == "SG201 rds-parameter-group-family-mismatch"
    assert first["description"].startswith("[SG201] Instance 'db'")
    assert first["location"] == {"path": "infra/db.py", "lines": {"begin": 4, "end": 13}}
    assert len({issue["fingerprint"] for issue in issues}) == 3


def test_paths_are_relative_to_the_repository_root(make_report, tmp_path: Path) -> None:
    sub = tmp_path / "deploy"
    sub.mkdir()
    issues = json.loads(renderer("gitlab")(make_report(cwd=sub, source_root=tmp_path)))
    assert issues[0]["location"]["path"] == "deploy/infra/db.py"
