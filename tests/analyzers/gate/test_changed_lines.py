"""--diff-base: the whole project is analysed, only findings on lines changed since REF are shown."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from analyzers.gate.changed_lines import parse_diff
from tests.analyzers.gate.conftest import check, check_json

BASE = '''\
import pulumi_aws as aws

logs = aws.s3.Bucket("logs")
api = aws.apigateway.RestApi("api")
deployment = aws.apigateway.Deployment(
    "deployment",
    rest_api=api.id,
    triggers={"v": "1"},
)
'''


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false",
                    "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: diff\nruntime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(BASE, encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def shown(report: dict) -> list[tuple[str, int]]:
    return [(f["code"], f["line"]) for f in report["findings"]]


def test_only_findings_touching_changed_lines(repo: Path) -> None:
    _, everything, _ = check_json(["."], repo)
    assert len(everything["findings"]) > 3
    _, report, _ = check_json([".", "--diff-base", "main"], repo)
    assert report["findings"] == [] and report["summary"]["outside_diff"] == len(everything["findings"])

    source = BASE.replace('"logs"', '"access-logs"') + 'aws.s3.Bucket("new")\n'
    (repo / "__main__.py").write_text(source, encoding="utf-8")  # uncommitted edits count
    _, report, _ = check_json([".", "--diff-base", "main"], repo)
    assert shown(report) == [("SG101", 3), ("SG101", 10)]


def test_a_deletion_inside_a_call_counts_as_changing_the_call(repo: Path) -> None:
    (repo / "__main__.py").write_text(BASE.replace('    triggers={"v": "1"},\n', ""), encoding="utf-8")
    git(repo, "commit", "-qam", "drop triggers")
    _, report, _ = check_json([".", "--diff-base", "HEAD~1"], repo)
    assert shown(report) == [("SG101", 5)]  # the Deployment call (lines 5-8) lost a line; the rest didn't change


def test_untracked_files_are_changed_whole(repo: Path) -> None:
    (repo / "extra.py").write_text('import pulumi_aws as aws\naws.s3.Bucket("x")\n', encoding="utf-8")
    _, report, _ = check_json([".", "--diff-base", "main"], repo)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("extra.py", "SG101")]


@pytest.mark.parametrize(("ref", "message"), [
    ("no-such-branch", "--diff-base 'no-such-branch': no such commit"),
    ("--output=/tmp/x", "not a git revision"),
])
def test_a_bad_ref_is_a_tool_error(repo: Path, ref: str, message: str) -> None:
    code, out, err = check([".", f"--diff-base={ref}"], repo)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_outside_a_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(BASE, encoding="utf-8")
    code, _, err = check([".", "--diff-base", "main"], tmp_path)
    assert code == 2 and "not inside a git work tree" in err


def test_parse_diff_new_side_lines_quoted_names_and_deletions() -> None:
    diff = (b'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,0 +2,3 @@\n+a\n+b\n+c\n'
            b'@@ -9 +12 @@\n-x\n+y\n@@ -20,2 +22,0 @@\n-gone\n-gone\n'
            b'--- a/"q.py"\n+++ "b/caf\\303\\251 \\"1\\".py"\n@@ -1 +1 @@\n-a\n+b\n'
            b'--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n')
    assert parse_diff(diff) == {"x.py": frozenset({2, 3, 4, 12, 22, 23}), 'café "1".py': frozenset({1})}
