"""Phase 1 in watched worker processes: a time budget per file, and a crash costs one file.

libcst's parser is native code: a pathological file can keep it busy for
minutes, or crash the process outright (a segfault is no exception). A
deadline checked by Python code cannot interrupt native code, and a crash
cannot be caught, so files are summarized in child processes that the parent
watches, one file at a time each: a child still busy past its file's budget
is killed, a child that dies takes only its current file with it, and a fresh
child goes on with the rest. The parent reports those files (``Aborted``);
every other file is summarized as usual.

Where ``fork`` exists the children are forks of the parent, which share its
imports: a child costs a few milliseconds, so even a one-file run (a
pre-commit hook) is isolated. The parser itself (libcst) is imported by the
child; a run that knows early that it will parse starts its first child then
(``start_early``), so that import overlaps what the parent does meanwhile.
Elsewhere a child is a new interpreter, worth it only for many files; fewer
are summarized in-process, as they are when no process can be started at all
(a sandbox): without a budget, but within the nesting limits that keep the
parser from crashing.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

# Seconds a file may take, plus seconds per MiB of source: ordinary code is
# summarized at ~300 KiB/s, pulumi_aws's largest generated module (3.5 MiB) in ~13 s.
FILE_TIME_BUDGET = 60.0
FILE_TIME_PER_MIB = 10.0
# Without fork a child starts a whole interpreter (~0.3 s): only worth it for this many files.
SPAWN_THRESHOLD = 48
# How often an idle child checks that its parent is still there.
_ORPHAN_CHECK_SECONDS = 2.0

Summarize = Callable[[str, bytes], Any]
# Work for this process while the children summarize: given ``answered()``, which tells
# (without waiting) whether every answer is in.
Meanwhile = Callable[[Callable[[], bool]], None]
SummaryT = TypeVar("SummaryT")


@dataclass(frozen=True)
class Aborted:
    """A file phase 1 gave up on; ``reason`` is a sentence for its SG000 finding."""

    reason: str


def budget(size: int) -> float:
    """Seconds a file of ``size`` bytes may take to summarize."""
    return FILE_TIME_BUDGET + FILE_TIME_PER_MIB * size / 2**20


def summarize_all(summarize: Callable[[str, bytes], SummaryT], pending: Sequence[tuple[str, bytes]],
                  processes: int, meanwhile: Meanwhile | None = None,
                  pool: Pool | None = None) -> list[SummaryT | Aborted]:
    """``summarize(path, source)`` of every file, in order; an ``Aborted`` for a file
    that ran out of time or crashed its process. ``meanwhile(answered)`` runs once in
    this process while the first files are being summarized (or first, when nothing
    is run elsewhere); ``answered()`` says, without waiting, whether every file has
    been handed out and every answer is waiting to be read, so it can stop early.
    ``pool`` (from :func:`start_early`, for the same ``summarize``) is used and left
    open; without it, processes are started for these files and stopped after them."""
    if pending:
        size = max(1, min(processes, len(pending)))
        if pool is not None:  # it started a process: if all die, it finishes in this one
            pool.size = max(size, len(pool.workers))
            return pool.run(pending, meanwhile)
        forking = "fork" in multiprocessing.get_all_start_methods()
        if forking or len(pending) >= SPAWN_THRESHOLD:
            context = multiprocessing.get_context("fork" if forking else "spawn")
            started = Pool(context, summarize, size)
            try:
                return started.run(pending, meanwhile)
            except _CannotStart:
                pass  # no processes here (a sandbox): the same work, in this process
            finally:
                started.close()
    if meanwhile is not None:
        meanwhile(_not_yet)
    return [summarize(path, source) for path, source in pending]


def start_early(summarize: Summarize, warm_up: Callable[[], None]) -> Pool | None:
    """A pool whose first process starts now and runs ``warm_up`` (imports the parser)
    before it is given a file, so that the import overlaps whatever this process does
    until it hands out the files. None where there is no fork (a child is a whole new
    interpreter) or no process can be started. Close it (``Pool.close``) when done."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    pool = Pool(multiprocessing.get_context("fork"), summarize, 1, warm_up)
    try:
        pool.start_worker()
    except OSError:
        return None
    return pool


def _not_yet() -> bool:
    return False  # nothing runs elsewhere: the answers come after ``meanwhile``


class _CannotStart(Exception):
    """Not even one child process could be started."""


def _serve(connection: multiprocessing.connection.Connection, summarize: Summarize, parent: int,
           warm_up: Callable[[], None] | None) -> None:
    """A child's loop: summarize each file the parent sends, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a crash becomes the file's SG000, not a dump on the user's terminal
    if warm_up is not None:
        with contextlib.suppress(Exception):  # what it would have done, the first file does
            warm_up()
    while True:
        while not connection.poll(_ORPHAN_CHECK_SECONDS):
            if os.getppid() != parent:
                return  # the parent is gone: nobody will read the answer
        task = connection.recv()
        if task is None:
            return
        path, source = task
        try:
            summary = summarize(path, source)
        except Exception as error:  # the front end's own safety net failed: still one file only
            summary = Aborted(f"The analyzer failed on this file ({type(error).__name__})")
        try:
            payload = pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # e.g. a summary too deep to pickle: that file's problem only
            payload = pickle.dumps(Aborted(f"The analyzer could not return this file's summary "
                                           f"({type(error).__name__})"))
        connection.send_bytes(payload)


class _Worker:
    def __init__(self, context: Any, summarize: Summarize, warm_up: Callable[[], None] | None = None) -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # a forked child must not write the parent's buffered output again
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end, summarize, os.getpid(), warm_up),
                                       daemon=True)
        self.process.start()
        child_end.close()  # the child's end lives on in the child only: its exit reads as EOF here
        self.task: int | None = None
        self.deadline = 0.0
        self.used = False  # given a file at least once

    def give(self, task: int, path: str, source: bytes) -> None:
        """Send the child a file (OSError: the child is gone)."""
        self.task = task
        self.used = True
        self.deadline = time.monotonic() + budget(len(source))
        self.connection.send((path, source))

    def stop(self) -> None:
        """Kill the child (it is busy, or finished) and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()

    def ask_to_exit(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(None)


class Pool:
    """Child processes that summarize files; they live until ``close``, across ``run``s."""

    def __init__(self, context: Any, summarize: Summarize, size: int,
                 warm_up: Callable[[], None] | None = None) -> None:
        self.context = context
        self.summarize = summarize
        self.size = size
        self.warm_up = warm_up
        self.workers: list[_Worker] = []
        self.started_one = False

    def run(self, pending: Sequence[tuple[str, bytes]], meanwhile: Meanwhile | None = None) -> list[Any]:
        results: list[Any] = [None] * len(pending)
        # Biggest files first, so a big one does not start last and keep the run waiting.
        queue = deque(sorted(range(len(pending)), key=lambda i: -len(pending[i][1])))
        while queue or any(worker.task is not None for worker in self.workers):
            self._hand_out(queue, pending, results)
            if meanwhile is not None:
                run_now, meanwhile = meanwhile, None
                run_now(lambda: not queue and self._answered())
            self._collect(results, pending)
        return results

    def start_worker(self) -> _Worker:
        """Start one more child (OSError: it could not be started)."""
        worker = _Worker(self.context, self.summarize, self.warm_up)
        self.started_one = True
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        """Stop every child: an idle one is asked to exit (one never given a file may still
        be warming up: it is stopped), a busy one (an interrupted run) is killed."""
        for worker in self.workers:
            if worker.task is None and worker.used:
                worker.ask_to_exit()
        for worker in self.workers:
            if worker.task is None and worker.used:
                worker.process.join(timeout=1.0)
            worker.stop()
        self.workers.clear()

    def _answered(self) -> bool:
        """Every busy child's answer (or its death) is waiting to be read."""
        try:
            return all(worker.connection.poll() for worker in self.workers if worker.task is not None)
        except OSError:
            return True  # a broken pipe: _collect reads what it means

    def _hand_out(self, queue: deque[int], pending: Sequence[tuple[str, bytes]], results: list[Any]) -> None:
        for worker in [w for w in self.workers if w.task is None]:
            if queue:
                self._give(worker, queue, pending)
        while queue and len(self.workers) < self.size:
            try:
                worker = self.start_worker()
            except OSError:
                if not self.started_one:
                    raise _CannotStart from None
                if not self.workers:  # every child died and no new one starts: finish here
                    while queue:
                        task = queue.popleft()
                        results[task] = self.summarize(*pending[task])
                break
            self._give(worker, queue, pending)

    def _give(self, worker: _Worker, queue: deque[int], pending: Sequence[tuple[str, bytes]]) -> None:
        task = queue.popleft()
        try:
            worker.give(task, *pending[task])
        except OSError:  # the child died while idle: the file waits for another one
            worker.task = None
            queue.appendleft(task)
            worker.stop()
            self.workers.remove(worker)

    def _collect(self, results: list[Any], pending: Sequence[tuple[str, bytes]]) -> None:
        """Wait for an answer, a crash or a deadline, and take what came."""
        busy = [worker for worker in self.workers if worker.task is not None]
        if not busy:
            return
        timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
        ready = multiprocessing.connection.wait([worker.connection for worker in busy], timeout)
        for worker in busy:
            task = worker.task
            assert task is not None
            if worker.connection in ready:
                try:
                    results[task] = pickle.loads(worker.connection.recv_bytes())
                    worker.task = None
                    continue
                except (EOFError, OSError):  # the child died on this file
                    worker.stop()
                    results[task] = Aborted(f"The analyzer crashed on this file ({_death(worker.process)})")
            elif time.monotonic() >= worker.deadline:
                worker.stop()
                seconds = budget(len(pending[task][1]))
                results[task] = Aborted(f"This file took longer than {seconds:.0f} s to analyze")
            else:
                continue
            self.workers.remove(worker)


def _death(process: Any) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"its process exited with status {code}"
