"""What building a project's graph leaves behind."""

from __future__ import annotations

import gc

from analyzers.extract import graph_builder
from analyzers.project import summarize_file
from tests.support.examples import example_programs


def test_the_evaluation_is_freed_with_its_graph_by_reference_counting_alone() -> None:
    """Phase 2 makes no reference cycle: the runner keeps what it makes out of the cyclic
    collector's scans until the run ends, so a cycle would hold the whole evaluation (its
    memo, runs and values) for as long. Over every rule example program."""
    programs = [[summarize_file("__main__.py", code.encode())] for _, code in example_programs()]
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        nodes = 0
        for summaries in programs:
            nodes += len(graph_builder.build(summaries, "p").nodes)
        assert nodes > len(programs)  # the programs were evaluated
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()
