"""The harness's modules form a line: each imports only the ones before it, so there is no import circle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[3] / "policypack" / "harness"
ORDER = ["records", "reading", "fake_names", "fake_aws", "monitor", "program", "capture", "analyze_request",
         "child_process", "offline"]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_every_module_is_placed_in_the_order():
    modules = {p.stem for p in HARNESS.glob("*.py")} - {"__init__"}
    assert modules == set(ORDER)


@pytest.mark.parametrize("module", ORDER)
def test_imports_only_earlier_harness_modules(module: str):
    earlier = {f"policypack.harness.{m}" for m in ORDER[:ORDER.index(module)]}
    harness = {name for name in _imported(HARNESS / f"{module}.py") if name.startswith("policypack.harness")}
    assert harness <= earlier, f"policypack.harness.{module} imports {sorted(harness - earlier)}"


@pytest.mark.parametrize("module", ["records", "fake_names"])
def test_shared_modules_need_only_the_standard_library(module: str):
    # fake_names is imported by the e2e stand-in provider, records by everything.
    outside = {name for name in _imported(HARNESS / f"{module}.py")
               if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("policypack.harness")}
    assert not outside, f"policypack.harness.{module} imports {sorted(outside)}"
