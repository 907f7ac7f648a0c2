"""The examples of rules about the file tree (SG002), built as real trees and linted through
the whole run.

Such a rule is about the file system, not the program: each example declares its
links in ``# symlink: NAME -> TARGET`` lines. The program becomes a Pulumi
project's ``__main__.py``; every TARGET (relative to it) is created — a module
when NAME ends in ``.py``, else a package — holding a marker that must never
appear in a finding; then the project is linted from its own directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from analyzers import runner
from policypack.rules import all_rules
from policypack.rules.base import Detector, Example, Rule
from tests.support.examples import runs_as_tree

MARKER = "Q7MARKERXJ"
_LINK = re.compile(r"^# symlink: (?P<name>\S+) -> (?P<target>\S+)$", re.MULTILINE)

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}")
    for rule in all_rules() if runs_as_tree(rule)
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for index, example in enumerate(examples)
    if Detector.STATIC in example.detectors
]


def build(example_code: str, tmp_path: Path) -> Path:
    project = tmp_path / "home" / "checkout" / "infra"  # deep enough for every example's "../"
    project.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: example\nruntime: python\n")
    (project / "__main__.py").write_text(example_code)
    links = _LINK.findall(example_code)
    assert links, "an SG002 example declares its links"
    for name, target in links:
        real = Path(os.path.normpath(project / target))
        assert tmp_path in real.parents, f"{target} must stay inside the test's directory"
        body = f"# -*- coding: {MARKER} -*-\nBUCKET_NAME = '{MARKER}'\n"
        if name.endswith(".py"):
            real.parent.mkdir(parents=True, exist_ok=True)
            real.write_text(body)
        else:
            real.mkdir(parents=True, exist_ok=True)
            (real / "__init__.py").write_text("")
            (real / "storage.py").write_text(body)
        os.symlink(target, project / name)
    return project


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule: Rule, example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = build(example.code, tmp_path)
    monkeypatch.chdir(project)
    result = runner.run(runner.RunOptions(paths=[Path(".")], use_cache=False, jobs=1), cwd=project)
    flagged = sorted(f.path for f in result.findings if f.code == rule.code)
    assert flagged == sorted(example.flagged), [f.message for f in result.findings]
    assert all(f.severity is rule.severity for f in result.findings if f.code == rule.code)
    # Every file that really is in the project is read, once; nothing outside it is.
    real_files = [name for directory, _, names in os.walk(project) for name in names
                  if name.endswith(".py") and not os.path.islink(os.path.join(directory, name))]
    assert result.indexed == len(real_files)
    if example.flagged:
        assert not [f for f in result.findings if MARKER in f.message + f.path]
