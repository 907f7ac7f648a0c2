"""The front end's interface (``analyzers.front_end``): what the real front end and the
unit tests' stand-in both offer, and what loading the interface costs."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

from analyzers import front_end, project
from analyzers.runner import load_front_end
from tests.support import fake_front_end

REPO = Path(__file__).resolve().parents[2]


def _members(protocol: type) -> set[str]:
    names = set(inspect.get_annotations(protocol))
    names |= {name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")}
    return names


def test_the_protocol_lists_what_the_runner_uses() -> None:
    assert _members(front_end.FrontEnd) == {
        "SUMMARY_FORMAT_VERSION", "summarize_file", "warm_up", "not_analyzed", "dump_summary", "load_summary",
        "project_name", "project_environment", "analyze", "resource_sites"}
    assert _members(front_end.FixingFrontEnd) == {"analyze_with_graph"}


def test_the_real_front_end_and_the_stand_in_offer_every_member() -> None:
    for module in (project, fake_front_end):
        missing = {name for name in _members(front_end.FrontEnd) if not hasattr(module, name)}
        assert not missing, f"{module.__name__} lacks {sorted(missing)}"
    assert load_front_end() is project


def test_only_the_real_front_end_offers_fixes() -> None:
    assert front_end.can_fix(project)
    assert not front_end.can_fix(fake_front_end)


def _analysis_modules_after_importing(module: str) -> list[str]:
    probe = (f"import sys, {module}\n"
             "print(sorted(m for m in sys.modules if m.startswith(('libcst', 'msgpack', 'analyzers.extract', "
             "'analyzers.project', 'analyzers.cache'))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout)


def test_the_interface_loads_nothing_of_the_analysis() -> None:
    assert "analyzers.cache" in _analysis_modules_after_importing("analyzers.runner")  # the probe sees them
    assert _analysis_modules_after_importing("analyzers.front_end") == []


def test_a_parser_process_warms_up_with_libcst_only_for_pulumi_programs() -> None:
    """A parser process prepares for the files it will get: a plain module is read with
    ``ast`` alone, so importing libcst for it would only delay its answer."""
    probe = ("import sys\nfrom analyzers import project\n"
             "project.warm_up([('app/util.py', b'def f(x):\\n    return x\\n')])\n"
             "plain = 'libcst' in sys.modules\n"
             "project.warm_up([('app/util.py', b'x = 1\\n'), ('infra/db.py', b'import pulumi_aws as aws\\n')])\n"
             "print(plain, 'libcst' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
