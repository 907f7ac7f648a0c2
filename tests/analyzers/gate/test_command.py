"""`stackguard check`: exit codes, usage errors, --preview outcomes (with a scripted `pulumi`),
hostile runtime results, and suppression governance through the whole command."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.analyzers.gate.conftest import FIXTURES, check, check_json, copy_program

PROGRAM = 'import pulumi_aws as aws\n\naws.s3.Bucket("logs")  # noqa: SG101 -- shared bucket (until 2020-01-01)\n' \
          'aws.s3.Bucket("data")  # noqa: SG101 -- owned by the data team\naws.s3.Bucket("raw")\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: gate\nruntime: python\n", encoding="utf-8")
    (root / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    return root


def one_line_error(code: int, out: str, err: str, expected: str) -> None:
    assert code == 2 and out == "", (code, out, err)
    assert err.startswith("stackguard: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert expected in err, err


def test_lint_stays_the_static_command_and_check_is_the_gate(project: Path) -> None:
    from analyzers.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "check" in commands and commands["check"] is not commands["lint"]
    code, out, _ = check(["."], project)
    assert code == 1
    assert out.splitlines()[-2:] == ["Gate failed (--fail-on warning): 2 findings (2 warnings).",
                                     "1 suppressed inline (1 with a reason); 1 suppressions not applied (1 expired)."]
    assert "Not suppressed: the # noqa on line 3 expired on 2020-01-01" in out
    assert check([".", "--fail-on", "error"], project)[0] == 0
    assert check([".", "--exit-zero"], project)[0] == 0


@pytest.mark.parametrize(("args", "expected"), [
    (["--update-baseline"], "--update-baseline needs --baseline FILE"),
    (["--stack", "dev"], "--stack needs --preview"),
    (["--preview", "--runtime-results", "r.json"], "alternatives"),
    (["--report", "github", "--report", "text"], "only one report can go to stdout"),
    (["--report", "xml:out.xml"], "unknown format 'xml'"),
    (["--report", "sarif:missing/out.sarif"], "directory 'missing' does not exist"),
    (["--report", "sarif:a.sarif", "--report", "sarif:a.sarif"], "two reports would write the same file"),
    (["-o", "x.txt"], "-o/--output needs --format"),
    (["nope/"], "path not found: nope"),
    (["--preview"], "needs the Pulumi CLI"),
])
def test_usage_and_tool_errors_are_one_line_exit_2(project: Path, args: list[str], expected: str,
                                                    monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(project))  # no pulumi here
    one_line_error(*check([".", *args] if args[0] != "nope/" else args, project), expected)


def test_preview_needs_a_pulumi_project(tmp_path: Path) -> None:
    one_line_error(*check(["--preview", "."], tmp_path), "no Pulumi.yaml at or above")


def fake_pulumi(directory: Path, script: str) -> None:
    """A `pulumi` that plays one outcome of a preview: it may write the results file the pack would."""
    directory.mkdir(exist_ok=True)
    path = directory / "pulumi"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def results_json(enforcement: str) -> str:
    return json.dumps({"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [{
        "code": "SG101", "policy": "resource-outside-component", "enforcement": enforcement,
        "urn": "urn:pulumi:dev::gate::aws:s3/bucket:Bucket::raw", "message": "[SG101] raw at the root"}]})


@pytest.mark.parametrize(("script", "outcome"), [
    ('echo "error: no stack named \'nope\' found" >&2; exit 255',
     "pulumi preview failed (exit code 255) before the policy pack ran: error: no stack named 'nope' found"),
    ("cat > \"$STACKGUARD_RESULTS\" <<'EOF'\n" + results_json("advisory") + "\nEOF\n"
     'echo "error: aws:s3:Bucket raw: creating failed: \\033[31mAccessDenied\\033[0m"; echo "error: preview failed"; '
     "exit 255",
     "failed (exit code 255) for a reason other than policy: error: aws:s3:Bucket raw: creating failed: AccessDenied"),
    ("exit 0", "the policy pack wrote no results"),
])
def test_preview_failures_are_tool_errors_with_the_engines_message(project: Path, monkeypatch, script: str,
                                                                     outcome: str) -> None:
    fake_pulumi(project.parent / "bin", script)
    monkeypatch.setenv("PATH", f"{project.parent / 'bin'}{os.pathsep}{os.environ['PATH']}")
    one_line_error(*check(["--preview", "--stack", "nope", "."], project), outcome)


def test_a_preview_failed_by_policy_is_the_gate_failing(project: Path, monkeypatch) -> None:
    fake_pulumi(project.parent / "bin", "test \"$3\" = --policy-pack && test -f \"$4/PulumiPolicy.yaml\" || exit 9\n"
                "cat > \"$STACKGUARD_RESULTS\" <<'EOF'\n" + results_json("mandatory") + "\nEOF\nexit 255")
    monkeypatch.setenv("PATH", f"{project.parent / 'bin'}{os.pathsep}{os.environ['PATH']}")
    code, report, _ = check_json(["--preview", "."], project)
    assert code == 1 and report["summary"]["runtime"]["source"] == "pulumi preview"
    raw = next(f for f in report["findings"] if f["line"] == 5)
    assert raw["detectors"] == ["static", "runtime"] and raw["severity"] == "error"  # mandatory at runtime


@pytest.mark.parametrize(("content", "expected"), [
    ("{", "runtime results r.json: not JSON"),
    ('{"format": "x"}', "not a stackguard results file"),
    ('{"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [{"code": "<b>"}]}',
     "violations[0].code must look like SG201"),
    ('{"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [{"code": "SG101", '
     '"enforcement": "advisory", "urn": "not-a-urn", "message": "m"}]}', "violations[0].urn is not a Pulumi URN"),
    ('{"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [{"code": "SG101", '
     '"enforcement": "fatal"}]}', "enforcement must be mandatory or advisory"),
    ('{"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [{"code": "SG101", '
     '"enforcement": "advisory", "urn": "urn:pulumi:a::b::c::d", "message": "' + "x" * 70_000 + '"}]}',
     "violations[0].message is too long"),
])
def test_hostile_runtime_results_are_one_line_errors(project: Path, content: str, expected: str) -> None:
    (project / "r.json").write_text(content, encoding="utf-8")
    one_line_error(*check([".", "--runtime-results", "r.json"], project), expected)


def test_runtime_text_cannot_forge_annotations_or_lines(project: Path) -> None:
    evil = "[SG101] x\n::error file=__main__.py::forged\r\x1b[2J"
    (project / "r.json").write_text(json.dumps({"format": "stackguard-runtime-results", "formatVersion": 1,
                                                "violations": [
        {"code": "SG101", "enforcement": "advisory", "message": evil,
         "urn": "urn:pulumi:dev::gate::aws:s3/bucket:Bucket::ghost\n::error::x"},
        {"code": "SG999", "enforcement": "advisory", "message": "m", "urn": "urn:pulumi:dev::gate::a:b:C::n"}]}),
        encoding="utf-8")
    code, out, err = check([".", "--runtime-results", "r.json", "--report", "github"], project)
    assert code == 1 and "skipped violations of rules this stackguard doesn't know (SG999)" in err
    assert all(line.startswith(("::warning ", "::error ", "::notice ")) for line in out.splitlines())
    assert "\x1b" not in out and "forged" in out


def test_unsuppressible_rules_ignore_noqa_and_runtime_findings_honour_noqa(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.stackguard]\nunsuppressible = ["SG101"]\n', encoding="utf-8")
    code, report, _ = check_json(["."], project)
    assert code == 1 and [f["line"] for f in report["findings"]] == [3, 4, 5]
    assert report["summary"]["suppressions_not_applied"] == {"unsuppressible": 2}

    variant = copy_program(FIXTURES / "faulty_variants" / "sg103_child_missing_parent", project.parent / "v")
    source = (variant / "__main__.py").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(source, 1) if '"orders-queue"' in text) - 1
    source[line - 1] += "  # noqa: SG101, SG103 -- queue parented in the next release"
    (variant / "__main__.py").write_text("\n".join(source) + "\n", encoding="utf-8")
    (variant / "r.json").write_text(json.dumps({"format": "stackguard-runtime-results", "formatVersion": 1,
                                                "violations": [{
        "code": "SG101", "enforcement": "advisory", "message": "[SG101] root",
        "urn": "urn:pulumi:dev::sg103-child-missing-parent::aws:sqs/queue:Queue::orders-queue"}]}),
        encoding="utf-8")
    code, report, _ = check_json([".", "--runtime-results", "r.json"], variant)
    assert (code, report["findings"], report["summary"]["suppressed"]) == (0, [], 2)  # and no SG001


def test_markdown_summary_counts_suppressions_and_links_rule_docs(project: Path, monkeypatch) -> None:
    from analyzers.reporters import sarif

    monkeypatch.setattr(sarif, "project_urls", lambda: {"documentation": "https://docs.example/stackguard"})
    code, out, _ = check([".", "--report", "markdown"], project)
    assert code == 1 and out.startswith("## stackguard gate: ❌ failed\n")
    assert "- 1 suppressed inline (1 with a reason)" in out
    assert "- 1 suppressions not applied (1 expired)" in out
    assert "| [SG101](https://docs.example/stackguard/rules.md#sg101-resource-outside-component) " \
           "resource-outside-component | warning | 2 | 0 |" in out


def test_the_gate_stays_lean_without_preview(project: Path) -> None:
    """Runtime results read and every report written, without importing the pack's packages."""
    from tests.analyzers.test_cli_real import imported, stackguard

    (project / "r.json").write_text(results_json("advisory"), encoding="utf-8")
    formats = ("sarif", "junit", "gitlab", "json", "markdown")
    reports = [arg for name in formats for arg in ("--report", f"{name}:o.{name}")]
    done = stackguard("check", "--no-cache", ".", "--runtime-results", "r.json", *reports, cwd=project)
    assert done.returncode == 1, done.stderr
    assert imported(done) <= {"libcst"}
