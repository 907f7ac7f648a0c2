"""``stackguard lint --fix / --diff / --unsafe-fixes / --show-fixes`` with the real front end."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from analyzers import cli

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
LINT_SCHEMA = json.loads((FIXTURES / "schemas" / "stackguard-lint.schema.json").read_text())
SARIF_SCHEMA = json.loads((FIXTURES / "schemas" / "sarif-2.1.0.json").read_text())


@pytest.fixture
def faulty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # a repository root: config lookup stops here
    project = tmp_path / "stack"
    shutil.copytree(FIXTURES / "faulty_stack", project, ignore=shutil.ignore_patterns("expected.json"))
    monkeypatch.chdir(project)
    return project


def lint(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["lint", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


def codes(capsys) -> set[str]:
    _, out, _ = lint(capsys, "--format", "json", ".")
    return {finding["code"] for finding in json.loads(out)["findings"]}


def test_fix_applies_the_safe_fix_and_reports_what_is_left(faulty: Path, capsys) -> None:
    code, out, err = lint(capsys, "--fix", ".")
    assert code == 1 and "fixed 1 finding(s) in 1 file(s)" in err
    assert 'family="postgres17"' in (faulty / "__main__.py").read_text()
    assert "SG201" not in out
    assert "SG302 [error] [unsafe-fix] RestApi" in out and "SG101 [warning] aws:ec2/vpc:Vpc" in out
    assert "[unsafe-fix] 3 more with --fix --unsafe-fixes." in out
    assert codes(capsys) == {"SG101", "SG301", "SG302", "SG303"}


def test_unsafe_fixes_leave_only_sg101(faulty: Path, capsys) -> None:
    code, _, err = lint(capsys, "--fix", "--unsafe-fixes", ".")
    assert code == 1 and "fixed 4 finding(s)" in err
    assert codes(capsys) == {"SG101"}
    assert lint(capsys, "--diff", "--unsafe-fixes", ".")[:2] == (0, "")  # nothing left to fix


def test_diff_changes_nothing_and_applies_with_patch(faulty: Path, tmp_path: Path, capsys) -> None:
    original = (faulty / "__main__.py").read_text()
    code, diff, err = lint(capsys, "--diff", "--unsafe-fixes", ".")
    assert code == 1 and diff.startswith("--- a/__main__.py\n+++ b/__main__.py\n") and "would fix 4" in err
    assert (faulty / "__main__.py").read_text() == original
    copy = tmp_path / "patched"
    shutil.copytree(faulty, copy)
    for command in (["git", "apply", "--check", "-p1"], ["patch", "-p1", "--quiet"]):
        done = subprocess.run(command, input=diff, cwd=copy, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    lint(capsys, "--fix", "--unsafe-fixes", ".")
    assert (copy / "__main__.py").read_text() == (faulty / "__main__.py").read_text()


def test_selection_noqa_and_fixable_settings_decide_what_is_fixed(faulty: Path, capsys) -> None:
    main = faulty / "__main__.py"
    original = main.read_text()
    assert lint(capsys, "--diff", "--unsafe-fixes", "--select", "SG3", ".")[1].count("family=") == 0
    assert lint(capsys, "--diff", "--ignore", "SG201", ".")[:2] == (0, "")
    (faulty / "pyproject.toml").write_text('[tool.stackguard]\nunfixable = ["SG201"]\n')
    assert lint(capsys, "--diff", ".")[:2] == (0, "")
    (faulty / "pyproject.toml").write_text('[tool.stackguard]\nfixable = ["SG2"]\n')
    assert "postgres17" in lint(capsys, "--diff", "--unsafe-fixes", ".")[1]
    assert "Permission" not in lint(capsys, "--diff", "--unsafe-fixes", ".")[1]
    (faulty / "pyproject.toml").unlink()
    main.write_text(original.replace('        engine_version="17.5",', '        engine_version="17.5",  # noqa: SG201'))
    assert lint(capsys, "--diff", ".")[:2] == (0, "")


def test_show_fixes_in_json_and_sarif(faulty: Path, capsys) -> None:
    _, out, _ = lint(capsys, "--show-fixes", "--format", "json", ".")
    document = json.loads(out)
    jsonschema.Draft202012Validator(LINT_SCHEMA).validate(document)
    fixes = {f["code"]: f["fix"] for f in document["findings"] if "fix" in f}
    assert {code: fix["applicability"] for code, fix in fixes.items()} == {
        "SG201": "safe", "SG301": "unsafe", "SG302": "unsafe", "SG303": "unsafe"}
    assert fixes["SG201"]["edits"] == [{"path": "__main__.py", "line": 85, "column": 16, "end_line": 85,
                                        "end_column": 28, "content": '"postgres17"'}]
    _, out, _ = lint(capsys, "--show-fixes", "--format", "sarif", ".")
    log = json.loads(out)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    [sg201] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SG201"]
    [change] = sg201["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "stack/__main__.py"
    assert change["replacements"][0]["insertedContent"] == {"text": '"postgres17"'}
    assert sg201["fixes"][0]["properties"] == {"applicability": "safe"}
    _, out, _ = lint(capsys, "--format", "json", ".")
    assert not [f for f in json.loads(out)["findings"] if "fix" in f]  # only on request


def test_a_clean_project_has_nothing_to_diff(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "__main__.py").write_text("import pulumi\n\npulumi.export('x', 1)\n")
    monkeypatch.chdir(tmp_path)
    assert lint(capsys, "--diff", ".")[:2] == (0, "")
    code, _, err = lint(capsys, "--fix", ".")
    assert code == 0 and "fixed 0 finding(s) in 0 file(s)" in err


def test_hostile_project_files_are_never_written_through(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "stack"
    project.mkdir()
    outside = tmp_path / "outside.py"
    faulty = (FIXTURES / "faulty_stack" / "__main__.py").read_text()
    outside.write_text(faulty)
    (project / "Pulumi.yaml").write_text("name: stack\nruntime: python\n")
    (project / "__main__.py").write_text("import db  # noqa: F401\n")
    (project / "db.py").symlink_to(outside)
    (project / "latin1.py").write_bytes(b"# caf\xe9\nimport pulumi\n")
    (project / "broken.py").write_text("def (:\n")
    monkeypatch.chdir(project)
    code, _, err = lint(capsys, "--fix", "--unsafe-fixes", ".")
    assert code in (0, 1) and "Traceback" not in err
    assert outside.read_text() == faulty and (project / "db.py").is_symlink()
    assert (project / "latin1.py").read_bytes() == b"# caf\xe9\nimport pulumi\n"
    assert (project / "broken.py").read_text() == "def (:\n"


def test_a_codemod_defect_costs_the_fix_marks_not_the_report(faulty: Path, monkeypatch, capsys) -> None:
    from analyzers.fixes import engine

    def broken(self):
        raise RuntimeError("codemod bug")

    monkeypatch.delenv("STACKGUARD_STRICT", raising=False)
    monkeypatch.setattr(engine.ProjectFixer, "available", broken)
    code, out, err = lint(capsys, "--show-fixes", ".")
    assert code == 1 and "SG201 [error] Instance" in out and err == ""
