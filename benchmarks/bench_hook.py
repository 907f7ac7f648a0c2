"""Where the pre-commit hook's run spends its time (run on demand, not a test).

    python benchmarks/bench_hook.py [--files 1200] [--runs 9] [--code DIR] [--compare DIR]

Whole-process timings of one run move by tens of percent on a shared machine,
which hides a change of a few percent. This benchmark times the hook's command
(one component changed, then ``lint <that file>``, the rest cached) from inside:
a probe process runs the CLI with marks on the run's steps, as seconds since the
process was launched:

- imports:    the CLI is imported (interpreter start-up included);
- parser:     the parser process is started (``workers.start_early``);
- parsed:     the changed file's summary is back (``workers.summarize_all``);
- decoded:    this process has decoded the cached summaries (``runner._Gathered.decode``);
- analysis:   phase 2 starts (``project.analyze`` or ``analyze_with_graph``), and
              ``analysed``: it ends;
- exit:       the process has exited (seen from outside).

The steps of ``--code`` and ``--compare`` run in turns, run by run, on the same
project (each with its own cache), and the table shows each mark's median and
the ratio of medians. The probe wraps those functions by name: a checkout that
lacks one has no such mark. It asserts that both report the same findings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_analyzer import generate  # noqa: E402
from bench_scale import Runner, _findings, change_component  # noqa: E402

MARKS = ("imports", "parser", "parsed", "decoded", "analysis", "analysed", "exit")

_PROBE = """
import json, os, sys, time
launch = float(os.environ["BENCH_LAUNCH"])
marks = {}
def mark(name):
    marks[name] = time.time() - launch
from analyzers import cli, project, runner, workers
mark("imports")
def wrapped(owner, name, before=None, after=None):
    original = getattr(owner, name, None)
    if original is None:
        return
    def call(*args, **kwargs):
        if before:
            mark(before)
        try:
            return original(*args, **kwargs)
        finally:
            if after:
                mark(after)
    setattr(owner, name, call)
wrapped(workers, "start_early", after="parser")
wrapped(workers, "summarize_all", after="parsed")
wrapped(runner._Gathered, "decode", after="decoded")
wrapped(project, "analyze", before="analysis", after="analysed")
wrapped(project, "analyze_with_graph", before="analysis", after="analysed")  # what a run calls, from now on
code = cli.main(sys.argv[1:])
with open(os.environ["BENCH_MARKS"], "w") as out:
    json.dump(marks, out)
sys.stdout.flush()
os._exit(code)
"""


def probe(runner: Runner, project: Path, cache: Path, staged: Path, report: Path, marks: Path) -> dict[str, float]:
    env = dict(runner.env, BENCH_MARKS=str(marks))
    argv = [sys.executable, "-c", _PROBE, "lint", "--exit-zero", "-q", "--cache-dir", str(cache),
            "--format", "json", "-o", str(report), str(staged.relative_to(project))]
    env["BENCH_LAUNCH"] = repr(time.time())
    launch = float(env["BENCH_LAUNCH"])
    done = subprocess.run(argv, cwd=project, env=env, capture_output=True, timeout=600)
    ended = time.time() - launch
    if done.returncode not in (0, 1):
        raise SystemExit(f"the probe failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    found: dict[str, float] = json.loads(marks.read_text())
    found["exit"] = ended
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1200, help="project size in files")
    parser.add_argument("--lines", type=int, default=272, help="lines per file")
    parser.add_argument("--runs", type=int, default=9, help="runs of each checkout (their median is shown)")
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the stackguard checkout to measure")
    parser.add_argument("--compare", type=Path, help="another checkout, measured in turns with --code")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args()
    checkouts = {"after" if args.compare else "stackguard": args.code.resolve()}
    if args.compare:
        checkouts = {"before": args.compare.resolve(), **checkouts}
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="stackguard-hook-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        project = workdir / "project"
        if not project.exists():
            generate(project, args.files, args.lines)
        runners = {label: Runner(code) for label, code in checkouts.items()}
        caches = {label: workdir / f"cache-{label}" for label in runners}
        for label, runner in runners.items():  # each cache holds every file, as after a first run
            runner.lint(project, caches[label], 2, workdir / "report.json")
        samples: dict[str, list[dict[str, float]]] = {label: [] for label in runners}
        findings: dict[str, list] = {}
        revision = time.time_ns()  # never a revision a kept project's caches have seen
        for _ in range(max(1, args.runs)):
            for label, runner in runners.items():
                revision += 1
                staged = change_component(project, revision)
                report = workdir / f"report-{label}.json"
                found = probe(runner, project, caches[label], staged, report, workdir / "marks.json")
                if "analysed" not in found:
                    raise SystemExit(f"{label}: a run was answered from the cache; the edit did not reach it")
                samples[label].append(found)
                findings.setdefault(label, _findings(report))
                if _findings(report) != findings[label]:
                    raise SystemExit(f"{label}: the findings changed between runs")
        if len({json.dumps(found) for found in findings.values()}) > 1:
            raise SystemExit("the checkouts report different findings")
        files = sum(1 for _ in project.rglob("*.py"))
        print(f"{files} files; hook's command after one component changed; medians of {args.runs} runs, "
              "seconds since launch")
        labels = list(runners)
        ratio_head = f"{'ratio':>12}" if len(labels) == 2 else ""
        print(f"{'mark':<10}" + "".join(f"{label:>12}" for label in labels) + ratio_head)
        for name in MARKS:
            medians = [_median(samples[label], name) for label in labels]
            if all(value is None for value in medians):
                continue
            cells = "".join(f"{value:>12.3f}" if value is not None else f"{'-':>12}" for value in medians)
            ratio = ""
            if len(medians) == 2 and medians[0] and medians[1] is not None:
                ratio = f"{medians[1] / medians[0]:>12.2f}"
            print(f"{name:<10}{cells}{ratio}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _median(samples: list[dict[str, float]], name: str) -> float | None:
    values = [sample[name] for sample in samples if name in sample]
    return statistics.median(values) if values else None


if __name__ == "__main__":
    sys.exit(main())
