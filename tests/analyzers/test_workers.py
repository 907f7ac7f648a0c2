"""Watched worker processes: a file that crashes its process or runs out of time costs only itself."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from analyzers import workers
from analyzers.workers import Aborted, summarize_all


def summarize(path: str, source: bytes) -> tuple[str, int]:
    """A stand-in for the front end's summarize_file, misbehaving on request."""
    if source == b"segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if source == b"exit":
        os._exit(3)
    if source == b"hang":
        time.sleep(600)
    if source == b"unpicklable":
        return lambda: None  # type: ignore[return-value]
    if source == b"raise":
        raise ValueError("a defect")
    return path, os.getpid()


def files(*sources: bytes) -> list[tuple[str, bytes]]:
    return [(f"f{index}.py", source) for index, source in enumerate(sources)]


def test_files_are_summarized_in_order_in_other_processes() -> None:
    results = summarize_all(summarize, files(b"a", b"bb", b"c"), processes=2)
    assert [path for path, _ in results] == ["f0.py", "f1.py", "f2.py"]
    assert os.getpid() not in {pid for _, pid in results}


@pytest.mark.parametrize(("source", "reason"), [
    (b"segfault", "The analyzer crashed on this file (killed by SIGSEGV)"),
    (b"exit", "The analyzer crashed on this file (its process exited with status 3)"),
    (b"unpicklable", "The analyzer could not return this file's summary (AttributeError)"),
    (b"raise", "The analyzer failed on this file (ValueError)"),
])
def test_a_file_that_breaks_its_worker_costs_only_itself(source: bytes, reason: str) -> None:
    results = summarize_all(summarize, files(b"a", source, b"b", b"c"), processes=1)
    assert results[1] == Aborted(reason)
    assert [results[0][0], results[2][0], results[3][0]] == ["f0.py", "f2.py", "f3.py"]


def test_a_crash_among_many_files_in_several_workers() -> None:
    sources = [b"x" * index for index in range(1, 60)]
    sources[17] = b"segfault"
    results = summarize_all(summarize, files(*sources), processes=2)
    assert isinstance(results[17], Aborted)
    assert [r[0] for i, r in enumerate(results) if i != 17] == [f"f{i}.py" for i in range(59) if i != 17]


def test_a_file_past_its_time_budget_is_cut_off(monkeypatch) -> None:
    monkeypatch.setattr(workers, "FILE_TIME_BUDGET", 1.0)
    monkeypatch.setattr(workers, "FILE_TIME_PER_MIB", 0.0)
    started = time.monotonic()
    results = summarize_all(summarize, files(b"a", b"hang", b"b"), processes=2)
    assert time.monotonic() - started < 30
    assert results[1] == Aborted("This file took longer than 1 s to analyze")
    assert [results[0][0], results[2][0]] == ["f0.py", "f2.py"]


def test_the_budget_grows_with_the_file() -> None:
    assert workers.budget(0) == workers.FILE_TIME_BUDGET
    assert workers.budget(3 * 2**20) == workers.FILE_TIME_BUDGET + 3 * workers.FILE_TIME_PER_MIB


def test_without_fork_a_few_files_are_summarized_in_process(monkeypatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    results = summarize_all(summarize, files(b"a", b"b"), processes=2)
    assert {pid for _, pid in results} == {os.getpid()}


def test_where_no_process_starts_files_are_summarized_in_process(monkeypatch) -> None:
    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(workers, "_Worker", refuse)
    results = summarize_all(summarize, files(b"a", b"b"), processes=2)
    assert {pid for _, pid in results} == {os.getpid()}


def test_no_child_outlives_the_run(monkeypatch) -> None:
    monkeypatch.setattr(workers, "FILE_TIME_BUDGET", 0.5)
    summarize_all(summarize, files(b"a", b"hang", b"segfault", b"b"), processes=2)
    assert multiprocessing.active_children() == []


def _announce_then_summarize(path: str, source: bytes) -> tuple[str, int]:
    """Says (with a file named by the source) that it started, then takes its time."""
    with open(source, "w") as started:
        started.write(path)
    time.sleep(0.3)
    return path, os.getpid()


def test_meanwhile_runs_here_while_the_workers_summarize(tmp_path) -> None:
    marker = tmp_path / "started"
    seen: list[bool] = []

    def meanwhile(answered) -> None:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(marker.exists())  # a worker began before this returned: the two overlapped
        seen.append(answered())  # it takes its time: no answer yet
        while not answered() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(answered())  # and then it is in, waiting to be read

    results = summarize_all(_announce_then_summarize, [("a.py", str(marker).encode())], processes=1,
                            meanwhile=meanwhile)
    assert seen == [True, False, True]
    assert results[0][0] == "a.py" and results[0][1] != os.getpid()


def test_answered_waits_for_every_file_handed_out() -> None:
    """With more files than workers, the first answers are not all: meanwhile hears 'not yet'."""
    heard: list[bool] = []

    def meanwhile(answered) -> None:
        time.sleep(0.5)  # the first file is long done
        heard.append(answered())

    results = summarize_all(summarize, files(b"a", b"b", b"c"), processes=1, meanwhile=meanwhile)
    assert heard == [False] and [path for path, _ in results] == ["f0.py", "f1.py", "f2.py"]


def test_meanwhile_runs_once_even_with_nothing_to_summarize() -> None:
    calls: list[int] = []
    assert summarize_all(summarize, [], processes=2, meanwhile=lambda answered: calls.append(1)) == []
    assert calls == [1]


def _warm_up_slowly() -> None:
    time.sleep(600)


def test_an_early_pool_warms_up_first_and_serves_later_calls_from_the_same_process(tmp_path) -> None:
    marker = tmp_path / "warm"

    def warm_up() -> None:
        marker.write_text(str(os.getpid()))

    def warmed(path: str, source: bytes) -> tuple[str, int, bool]:
        return path, os.getpid(), marker.exists() and marker.read_text() == str(os.getpid())

    pool = workers.start_early(warmed, warm_up)
    assert pool is not None
    try:
        first = summarize_all(warmed, files(b"a"), processes=1, pool=pool)
        second = summarize_all(warmed, files(b"b"), processes=1, pool=pool)
    finally:
        pool.close()
    (_, pid, was_warm), = first
    assert was_warm and pid != os.getpid()  # warm_up ran in the child, before its first file
    assert second[0][1] == pid  # left open between calls: the same process
    assert multiprocessing.active_children() == []


def test_closing_an_unused_early_pool_does_not_wait_for_its_warm_up() -> None:
    pool = workers.start_early(summarize, _warm_up_slowly)
    assert pool is not None
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 30  # not the warm-up's 600 s: the child is stopped
    assert multiprocessing.active_children() == []


def test_a_warm_up_that_fails_costs_nothing() -> None:
    def broken() -> None:
        raise ImportError("no parser here")

    pool = workers.start_early(summarize, broken)
    assert pool is not None
    try:
        (path, pid), = summarize_all(summarize, files(b"a"), processes=1, pool=pool)
    finally:
        pool.close()
    assert path == "f0.py" and pid != os.getpid()


def test_without_fork_nothing_starts_early(monkeypatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert workers.start_early(summarize, _warm_up_slowly) is None
