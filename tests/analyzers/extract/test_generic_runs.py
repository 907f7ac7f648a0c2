"""Functions and classes nothing calls: each gets one generic run (unknown parameters),
unless it could create nothing or a generic run of its caller runs it first."""

from __future__ import annotations

import pytest

from analyzers.extract import graph_builder
from analyzers.project import summarize_file
from policypack.graph import ResourceGraph


def _graph(files: dict[str, str]) -> ResourceGraph:
    return graph_builder.build([summarize_file(path, text.encode()) for path, text in files.items()], "p").graph


def test_helpers_that_create_nothing_leave_the_context_budget_to_code_that_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Functions nothing calls run once with unknown parameters; one that creates nothing
    and runs no project code (a helper that sums numbers) gets no run at all, so a large
    project's helpers do not use up MAX_CONTEXTS before a function that creates resources
    gets to run the calls it makes."""
    from analyzers.extract import runs

    monkeypatch.setattr(runs, "MAX_CONTEXTS", 40)
    helpers = "".join(
        f"def helper_{index}(items):\n    total = 0\n    for item in enumerate(items):\n        total += 1\n"
        f"    return total\n\n" for index in range(30))
    files = {
        "a_helpers.py": "import pulumi\n\n" + helpers,
        "b_storage.py": (
            "import pulumi_aws as aws\n\n"
            "def bucket(name):\n    return aws.s3.Bucket(name)\n\n"
            "def logs():\n    bucket('logs')\n"),
    }
    names = sorted(r.name for r in _graph(files).of_type("aws:s3/bucket:Bucket"))
    assert "logs" in names  # ``logs()`` ran ``bucket('logs')``: not refused for want of room


@pytest.mark.parametrize("order", ["callee first", "caller first"])
def test_a_function_only_an_uncalled_function_calls_runs_with_its_arguments_only(order: str) -> None:
    """``logs()`` is never called: its generic run calls ``bucket('logs')``. ``bucket`` has
    no generic run of its own (it added a second bucket with an unknown name, whichever
    came first in the file)."""
    callee = "def bucket(name):\n    return aws.s3.Bucket(name)\n\n"
    caller = "def logs():\n    bucket('logs')\n\n"
    body = callee + caller if order == "callee first" else caller + callee
    graph = _graph({"storage.py": "import pulumi_aws as aws\n\n" + body})
    assert [r.name for r in graph.of_type("aws:s3/bucket:Bucket")] == ["logs"]


def test_a_function_called_only_by_itself_still_gets_its_generic_run() -> None:
    code = ("import pulumi_aws as aws\n\n"
            "def chain(n):\n    aws.s3.Bucket(f'b{n}')\n    if n < 3:\n        chain(n + 1)\n")
    buckets = _graph({"storage.py": code}).of_type("aws:s3/bucket:Bucket")
    assert len(buckets) >= 1 and all(b.name is not None for b in buckets)
