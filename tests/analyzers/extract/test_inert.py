"""Invocations the graph builder does not run for their effects (``extract.inert``)."""

from __future__ import annotations

import textwrap

import pytest

from analyzers.extract import inert
from analyzers.extract.ir import Call
from analyzers.project import summarize_file
from tests.analyzers.extract.sources import graph_of, project_of
from tests.support.examples import example_programs

TOPICS = "aws:sns/topic:Topic"
EXAMPLES = example_programs()


def _invocations(code: str) -> dict[str, bool]:
    """Each invocation's function name (dotted) → whether it runs for its effects."""
    with pytest.MonkeyPatch.context() as keep_all:  # phase 1 keeps only those that run
        keep_all.setattr(inert.ModuleCalls, "runs_for_effects", lambda self, call: True)
        summary = summarize_file("__main__.py", textwrap.dedent(code).encode())
    calls = inert.ModuleCalls(summary)
    found: dict[str, bool] = {}
    for _, call in summary.invocations:
        found[_spelled(call)] = calls.runs_for_effects(call)
    return found


def _spelled(call: Call) -> str:
    func = call.func
    parts = []
    while hasattr(func, "base"):
        parts.append(func.name)
        func = func.base
    parts.append(getattr(func, "name", type(func).__name__))
    return ".".join(reversed(parts))


def test_builtins_reading_plain_values_are_not_run() -> None:
    found = _invocations('''
def total(items, limit=3):
    count = 0
    for position, item in enumerate(items):
        if position >= limit:
            break
        if isinstance(item, int) and item > 2:
            count += len(str(item))
    return sorted(range(count))
''')
    assert found == {"enumerate": False, "isinstance": False, "len": False, "str": False, "sorted": False,
                     "range": False}


@pytest.mark.parametrize("code", [
    # a call that is no invocation of its own, in the arguments
    "def f(factory):\n    return len(factory()('x'))\n",
    # an attribute: a property getter may run project code
    "class A:\n    def f(self):\n        return len(self.buckets)\n",
    # a variable bound to a call's result
    "def f(make):\n    made = make()\n    return len(made)\n",
    # a lambda (the analyzer's builtins never call a parameter's function: they see data)
    "def f(names):\n    return sorted(names, key=lambda n: n)\n",
])
def test_builtins_that_may_reach_project_code_are_run(code: str) -> None:
    found = _invocations(code)
    outer = next(name for name in ("len", "sorted") if name in found)
    assert found[outer] is True


@pytest.mark.parametrize("code", [
    "def len(value):\n    return 0\n\n\ndef f(items):\n    return len(items)\n",
    "from helpers import *\n\n\ndef f(items):\n    return len(items)\n",
])
def test_a_name_the_module_defines_or_may_import_is_not_the_builtin(code: str) -> None:
    assert _invocations(code)["len"] is True


def test_a_variable_that_refers_to_itself_ends() -> None:
    found = _invocations('''
def f(items):
    total = 0
    for item in items:
        total = total + len(item)
    return abs(total)
''')
    assert found["len"] is False


def test_a_resource_behind_a_builtin_call_is_still_created() -> None:
    code = '''
import pulumi_aws as aws


def factory():
    def make(name):
        return aws.sns.Topic(name)
    return make


print(len(str(factory()("orders"))))
'''
    assert sorted(r.name for r in graph_of(code) if r.type == TOPICS) == ["orders"]


def _graph_signature(files: dict[str, str]) -> list[tuple[object, ...]]:
    graph = project_of(files).graph
    return sorted((r.urn, r.parent, repr(sorted(r.props.items())), r.dependencies, tuple(sorted(r.unresolved)))
                  for r in graph)


@pytest.mark.parametrize(("label", "code"), EXAMPLES, ids=[label for label, _ in EXAMPLES])
def test_the_graph_is_the_one_running_every_invocation_builds(label: str, code: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"__main__.py": code}
    skipping = _graph_signature(files)
    monkeypatch.setattr(inert.ModuleCalls, "runs_for_effects", lambda self, call: True)
    assert _graph_signature(files) == skipping


def test_phase_1_keeps_only_the_invocations_that_may_run_project_code() -> None:
    code = """
import pulumi_aws as aws
def make(name):
    return aws.sns.Topic(name)
items = [1, 2]
for position, item in enumerate(items):
    if isinstance(item, int) and len(items) > position:
        make(f"t{item}")
"""
    kept = summarize_file("__main__.py", code.encode()).invocations
    assert [_spelled(call) for _, call in kept] == ["FunctionRef"]  # make(...), tied to its definition
    assert sorted(r.name for r in graph_of(code) if r.type == TOPICS) == ["t1", "t2"]
