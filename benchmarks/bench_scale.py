"""How ``stackguard lint`` scales with the project (run on demand, not a test).

    python benchmarks/bench_scale.py [--sizes 400,1200,3600] [--code DIR] [--fixit-max-files 1200] [--repeat 3]
                                     [--cold-repeat 3]

For each size it generates a project with ``bench_analyzer.generate`` (outside
the timing), then times ``python -m analyzers lint`` as a child process, as a
pre-commit hook runs it, interpreter start-up included:

- cold:         empty cache, ``--jobs 1``, then ``--jobs 2``;
- warm:         nothing changed since the last run;
- one changed:  one component module's body changed (findings unchanged), the rest cached;
- hook:         the same edit, then the hook's own command: ``lint <the changed file>``, default jobs;
- parse:        bare single-core ``libcst.parse_module`` of every file (the floor of any libcst tool);
- fixit:        Fixit 2 with one qualified-name rule (``fixit_rules/``), when Fixit is installed;
- start-up:     a one-file project, warm cache (median of 5), and ``--version``;

with the peak RSS of each child (``os.wait4``), and the growth ratio of each
column from one size to the next (a linear tool's ratio is the size ratio).
The cold rows and the bare parse run ``--cold-repeat`` times (once by default), the
cached ones ``--repeat`` times (medians shown), the checkouts of ``--compare`` taking
turns.
It asserts only that every run reports the same findings.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_analyzer import generate  # noqa: E402

_PARSE = """
import sys, time
from pathlib import Path
import libcst
sources = [p.read_bytes() for p in sorted(Path(sys.argv[1]).rglob("*.py"))]
start = time.perf_counter()
for source in sources:
    libcst.parse_module(source)
print(time.perf_counter() - start)
"""


def _popen_wait4(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, bytes, bytes]:
    """Run a child (no subprocess wait of its own, so ``os.wait4`` reaps it and reports its
    rusage); return (wall seconds, peak RSS in MB, exit code, stdout, stderr)."""
    start = time.perf_counter()
    out_path, err_path = Path(tempfile.mktemp()), Path(tempfile.mktemp())
    with out_path.open("wb") as out, err_path.open("wb") as err:
        pid = _spawn_in(argv, cwd, env, out, err)
        _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
    out_path.unlink()
    err_path.unlink()
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stdout, stderr


def _spawn_in(argv: list[str], cwd: Path, env: dict[str, str], out, err) -> int:
    pid = os.fork()
    if pid == 0:  # child: chdir, redirect, exec
        try:
            os.chdir(cwd)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid


class Runner:
    def __init__(self, code: Path) -> None:
        # As installed: bytecode cached (an environment with PYTHONDONTWRITEBYTECODE would
        # compile every module at every start-up, ~0.08 s).
        self.env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPATH"] = str(code)

    def run(self, argv: list[str], cwd: Path, check: bool = True) -> tuple[float, float, bytes]:
        seconds, rss, code, out, err = _popen_wait4([sys.executable, *argv], cwd, self.env)
        if check and code not in (0, 1):
            raise SystemExit(f"{argv} failed ({code}): {err.decode(errors='replace')[-2000:]}")
        return seconds, rss, out

    def lint(self, project: Path, cache: Path, jobs: int, report: Path) -> tuple[float, float, list]:
        return self._lint(project, cache, report, "--jobs", str(jobs), ".")

    def hook(self, project: Path, cache: Path, staged: Path, report: Path) -> tuple[float, float, list]:
        """What pre-commit runs: the staged file named, the project indexed around it."""
        return self._lint(project, cache, report, str(staged.relative_to(project)))

    def _lint(self, project: Path, cache: Path, report: Path, *arguments: str) -> tuple[float, float, list]:
        seconds, rss, _ = self.run(["-m", "analyzers", "lint", "--exit-zero", "-q", "--cache-dir", str(cache),
                                    "--format", "json", "-o", str(report), *arguments], project)
        return seconds, rss, _findings(report)


def _findings(report: Path) -> list:
    data = json.loads(report.read_text())
    items = data["findings"] if isinstance(data, dict) else data
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def change_component(project: Path, revision: int) -> Path:
    """Give one component's ``__init__`` one more statement after its resources (its
    findings and every other line stay where they were)."""
    target = project / "svc001" / "database.py"
    text = target.read_text()
    anchor = "        self.register_outputs("
    marker = "        self.revision = "
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith(marker)]
    text = "".join(lines).replace(anchor, f"{marker}{revision}\n{anchor}", 1)
    target.write_text(text)
    return target


def change_helper(project: Path, revision: int) -> Path:
    """Change a function body in a plain module (no Pulumi): an edit phase 1 does not see,
    as most edits of a project's non-Pulumi Python are."""
    target = project / "svc002" / "helpers.py"
    text = re.sub(r"^    total = 0(  # revision \d+)?$", f"    total = 0  # revision {revision}",
                  target.read_text(), count=1, flags=re.MULTILINE)
    target.write_text(text)
    return target


def fixit_command() -> list[str] | None:
    for candidate in (os.environ.get("FIXIT"), shutil.which("fixit"), "/tmp/fixit-venv/bin/fixit"):
        if candidate and Path(candidate).exists():
            return [candidate]
    return None


def run_fixit(fixit: list[str], project: Path) -> tuple[float, float]:
    """Fixit 2 over the project with only ``fixit_rules/`` enabled (a config in the project root)."""
    rules = project / "fixit_rules"
    shutil.copytree(HERE / "fixit_rules", rules, dirs_exist_ok=True)
    (project / "pyproject.toml").write_text('[tool.fixit]\nroot = true\ndisable = ["fixit.rules"]\n'
                                            'enable = [".fixit_rules"]\n')
    try:
        seconds, rss, code, _, err = _popen_wait4([*fixit, "lint", "."], project, dict(os.environ))
        if code not in (0, 1):
            raise SystemExit(f"fixit failed ({code}): {err.decode(errors='replace')[-2000:]}")
        return seconds, rss
    finally:
        (project / "pyproject.toml").unlink()
        shutil.rmtree(rules)


def measure(size: int, lines: int, workdir: Path, runners: dict[str, Runner], jobs: int,
            fixit: list[str] | None, fixit_max: int, repeat: int, cold_repeat: int = 1
            ) -> dict[str, tuple[float, float]]:
    """One size: every runner's lint rows (columns prefixed with the runner's label when
    there are several), then the bare parse and Fixit. The cold rows and the bare parse run
    ``cold_repeat`` times, the cached rows ``repeat`` times, the runners taking turns (A B A
    B ...: a drift in the machine's speed does not favour one), each row its median and its
    largest RSS; Fixit runs once."""
    project = workdir / f"p{size}"
    shutil.rmtree(project, ignore_errors=True)
    files, total = generate(project, size, lines)
    print(f"  {size}: {files} files, {total} lines", file=sys.stderr, flush=True)
    report = workdir / f"report{size}.json"
    row: dict[str, tuple[float, float]] = {}
    caches = {label: workdir / f"cache{size}-{label}" for label in runners}
    prefixes = {label: f"{label} " if len(runners) > 1 else "" for label in runners}
    agreed = None
    change_component(project, 0)
    samples: dict[str, list[tuple[float, float]]] = {}
    for _ in range(cold_repeat):
        for label, runner in runners.items():
            for column, processes in (("cold", 1), (f"cold -j{jobs}", jobs)):
                shutil.rmtree(caches[label], ignore_errors=True)
                seconds, rss, cold = runner.lint(project, caches[label], processes, report)
                assert agreed is None or agreed == cold, f"{label}: {column} reports other findings"
                agreed = cold
                samples.setdefault(prefixes[label] + column, []).append((seconds, rss))
    assert agreed is not None
    revisions = itertools.count(1)

    def each_runner(column: str, run: Callable[[Runner, Path], tuple[float, float, list]],
                    expected: list) -> None:
        for label, runner in runners.items():
            seconds, rss, found = run(runner, caches[label])
            assert found == expected, f"{label}: {column} reports other findings"
            samples.setdefault(prefixes[label] + column, []).append((seconds, rss))

    for _ in range(repeat):
        # nothing changed since each runner's last run
        each_runner("warm", lambda runner, cache: runner.lint(project, cache, 1, report), agreed)
        change_component(project, next(revisions))
        each_runner("one changed", lambda runner, cache: runner.lint(project, cache, 1, report), agreed)
        staged = change_component(project, next(revisions))
        shown = staged.relative_to(project).as_posix()
        each_runner("hook", lambda runner, cache, target=staged: runner.hook(project, cache, target, report),
                    [f for f in agreed if json.loads(f)["path"] == shown])
        change_helper(project, next(revisions))
        each_runner("unseen edit", lambda runner, cache: runner.lint(project, cache, 1, report), agreed)
    for column, taken in samples.items():
        row[column] = (statistics.median(s for s, _ in taken), max(r for _, r in taken))
    for label in runners:
        print(f"    {label}: " + ", ".join(f"{k} {v[0]:.2f} s" for k, v in row.items()
                                          if k.startswith(prefixes[label])), file=sys.stderr, flush=True)
    change_helper(project, 0)
    parses = [next(iter(runners.values())).run(["-c", _PARSE, str(project)], project) for _ in range(cold_repeat)]
    row["parse (bare)"] = _median([(float(out.decode().strip()), rss) for _, rss, out in parses])
    if fixit is not None and size <= fixit_max:
        row["fixit"] = run_fixit(fixit, project)
    row["findings"] = (len(agreed), 0.0)
    return row


def startup(workdir: Path, runner: Runner, prefix: str) -> dict[str, tuple[float, float]]:
    project = workdir / "one"
    project.mkdir(exist_ok=True)
    (project / "Pulumi.yaml").write_text("name: one\nruntime: python\n")
    (project / "__main__.py").write_text('import pulumi_aws as aws\n\naws.s3.BucketV2("b")\n')
    cache = workdir / f"cache-one-{prefix}"
    argv = ["-m", "analyzers", "lint", "--exit-zero", "-q", "--cache-dir", str(cache), "."]
    runner.run(argv, project)
    lint = [runner.run(argv, project)[:2] for _ in range(5)]
    version = [runner.run(["-m", "analyzers", "--version"], project)[:2] for _ in range(5)]
    bare = [runner.run(["-c", "pass"], project)[:2] for _ in range(5)]
    return {f"{prefix}start-up, one-file lint": _median(lint), f"{prefix}start-up, --version": _median(version),
            f"{prefix}python -c pass": _median(bare)}


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s for s, _ in samples), max(r for _, r in samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="400,1200,3600", help="project sizes in files, comma-separated")
    parser.add_argument("--lines", type=int, default=272, help="lines per file (~86k lines at 400 files)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the stackguard checkout to measure")
    parser.add_argument("--compare", type=Path, help="another checkout (e.g. a `git archive` of the base) to "
                        "measure in the same run, on the same projects: its columns say 'before'")
    parser.add_argument("--fixit-max-files", type=int, default=1200, help="skip Fixit above this size")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each cached row (their median is shown)")
    parser.add_argument("--cold-repeat", type=int, default=1,
                        help="runs of each cold row and of the bare parse (their median is shown): a growth "
                        "ratio read from single cold runs moves with the machine's load")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    runners = {"before": Runner(args.compare.resolve())} if args.compare else {}
    runners["after" if args.compare else "stackguard"] = Runner(args.code.resolve())
    fixit = fixit_command()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="stackguard-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"code: {args.code.resolve()}   compare: {args.compare}   "
              f"fixit: {fixit[0] if fixit else 'not installed'}", flush=True)
        for label, runner in runners.items():
            prefix = f"{label} " if len(runners) > 1 else ""
            for name, (seconds, rss) in startup(workdir, runner, prefix).items():
                print(f"{name:<34}{seconds:>8.3f} s {rss:>8.0f} MB", flush=True)
        rows = {size: measure(size, args.lines, workdir, runners, args.jobs, fixit, args.fixit_max_files,
                              max(1, args.repeat), max(1, args.cold_repeat)) for size in sizes}
        _table(sizes, rows)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _table(sizes: list[int], rows: dict[int, dict[str, tuple[float, float]]]) -> None:
    columns = [key for key in rows[sizes[0]] if key != "findings"]
    print(f"{'files':>6} {'findings':>8} " + " ".join(f"{c:>14}" for c in columns))
    for size in sizes:
        row = rows[size]
        print(f"{size:>6} {int(row['findings'][0]):>8} " + " ".join(
            f"{row[c][0]:>12.2f} s" if c in row else f"{'-':>14}" for c in columns))
    print("peak RSS (MB)")
    for size in sizes:
        row = rows[size]
        print(f"{size:>6} {'':>8} " + " ".join(f"{row[c][1]:>11.0f} MB" if c in row else f"{'-':>14}"
                                                for c in columns))
    print("ratios")
    for size in sizes:
        row = rows[size]
        extra = []
        for prefix in sorted({c[: -len("cold")] for c in row if c.endswith("cold")}):
            cold = row[prefix + "cold"][0]
            # every core, as a default run (and Fixit) uses them
            parallel = next(c for c in row if c.startswith(prefix + "cold -j"))
            both = row[parallel][0]
            extra.append(f"{prefix}cold/parse = {cold / row['parse (bare)'][0]:.2f}")
            extra.append(f"{parallel}/parse = {both / row['parse (bare)'][0]:.2f}")
            extra.append(f"{prefix}warm/cold = {row[prefix + 'warm'][0] / cold:.3f}")
            if "fixit" in row:
                extra.append(f"fixit/{prefix}cold = {row['fixit'][0] / cold:.1f}")
                extra.append(f"fixit/{parallel} = {row['fixit'][0] / both:.1f}")
        print(f"{size:>6}  " + "   ".join(extra))
    for before, after in itertools.pairwise(sizes):
        growth = [f"{c} {rows[after][c][0] / rows[before][c][0]:.2f} (RSS {rows[after][c][1] / rows[before][c][1]:.2f})"
                  for c in columns if c in rows[before] and c in rows[after]]
        print(f"growth {before} -> {after} (size x{after / before:.1f}): " + ", ".join(growth))


if __name__ == "__main__":
    sys.exit(main())
