"""The command line with the real front end, in subprocesses, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SCHEMA = json.loads((FIXTURES / "schemas" / "stackguard-lint.schema.json").read_text())

# Runs the CLI and reports, on stderr's last line, which heavy modules the process imported.
# Without fork (and with few files) files are summarized in-process, so it sees every import.
_PROBE = """
import multiprocessing
import sys
multiprocessing.get_all_start_methods = lambda: ["spawn"]
from analyzers.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "pulumi", "pulumi_policy", "pulumi_aws") if m in sys.modules)
print("IMPORTED:" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def stackguard(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    environment.pop("STACKGUARD_CACHE_DIR", None)
    return subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def imported(done: subprocess.CompletedProcess[str]) -> set[str]:
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("IMPORTED:"), done.stderr
    return {name for name in last.removeprefix("IMPORTED:").split(",") if name}


def errors_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if not line.startswith("IMPORTED:")]


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / Path(name).name
    shutil.copytree(FIXTURES / name, target)
    return target


def front_end_findings(project: Path) -> set[tuple[str, str, int, int]]:
    """What the front end itself reports on a project, called in-process."""
    from analyzers.project import analyze, summarize_file

    summaries = [summarize_file(path.relative_to(project).as_posix(), path.read_bytes())
                 for path in sorted(project.rglob("*.py"))]
    return {(f.code, f.path, f.line, f.column) for f in analyze(summaries)}


def test_faulty_stack_json_is_what_the_front_end_found(tmp_path: Path) -> None:
    project = copy_fixture("faulty_stack", tmp_path)
    done = stackguard("lint", "--format", "json", "--no-cache", "faulty_stack", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, SCHEMA)
    reported = {(f["code"], f["path"].removeprefix("faulty_stack/"), f["line"], f["column"])
                for f in document["findings"]}
    assert reported == front_end_findings(project)
    # the seed fault, on the database's constructor call
    [sg201] = [f for f in document["findings"] if f["code"] == "SG201"]
    assert sg201["path"] == "faulty_stack/__main__.py" and "postgres14" in sg201["message"]
    assert imported(done) == {"libcst"}  # never pulumi, pulumi_policy or pulumi_aws


def test_reference_stack_passes(tmp_path: Path) -> None:
    shutil.copytree(REPO / "reference_stack", tmp_path / "reference_stack")
    done = stackguard("lint", "--no-cache", "reference_stack", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "All checks passed.\n"), done.stdout + done.stderr


def test_syntax_error_is_sg000_with_its_line(tmp_path: Path) -> None:
    copy_fixture("syntax_error", tmp_path)
    done = stackguard("lint", "--format", "json", "--no-cache", "syntax_error", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["code"] == "SG000" and finding["path"] == "syntax_error/broken.py"
    assert finding["line"] > 1  # the error's own line, not the top of the file


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.py", b""),
        ("latin1.py", b"import pulumi\nname = '\xe9t\xe9'\n"),
        ("nul.py", b"import pulumi\x00\x00\n"),
        ("bom.py", b"\xef\xbb\xbfimport pulumi_aws as aws\nb = aws.s3.Bucket('b')\n"),
        ("crlf.py", b"import pulumi_aws as aws\r\nb = aws.s3.Bucket('b')\r\n"),
        ("deep.py", b"import pulumi\nx = " + b"(" * 400 + b"1" + b")" * 400 + b"\n"),
        ("long_line.py", b"import pulumi\nx = [" + b"1, " * 200_000 + b"]\n"),
        ("tabs.py", b"import pulumi\nif True:\n\tx = 1\n        y = 2\n"),
        ("binary.py", bytes(range(256)) * 64),
        ("cookie.py", b"# -*- coding: klingon -*-\nimport pulumi\n"),
    ],
)
def test_bad_input_never_tracebacks(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    done = stackguard("lint", "--format", "json", "--no-cache", name, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert errors_of(done) == [], done.stderr
    findings = json.loads(done.stdout)["findings"]
    jsonschema.validate({"tool": "stackguard", "version": "0.1.0", "findings": findings}, SCHEMA)
    # Whatever the front end made of it, a failure is an SG000 finding on the file, not a crash.
    assert all(f["path"] == name for f in findings)


def test_unreadable_and_looping_paths(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("import pulumi\n")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(tmp_path / "gone.py", tmp_path / "dangling.py")
    done = stackguard("lint", "--no-cache", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "All checks passed.\n"), done.stderr
    assert errors_of(done) == []


def test_a_cached_run_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzers import project as front_end
    from analyzers import runner

    project = copy_fixture("faulty_stack", tmp_path)
    options = runner.RunOptions(paths=[project], cache_dir=tmp_path / "cache", jobs=1)
    cold = runner.run(options, cwd=tmp_path)
    calls = []
    real = front_end.summarize_file
    monkeypatch.setattr(front_end, "summarize_file", lambda *args: calls.append(args) or real(*args))
    warm = runner.run(options, cwd=tmp_path)
    assert calls == [] and warm.parsed == 0 and warm.cache_hits == cold.parsed == 1
    assert warm.findings == cold.findings and cold.findings


def test_a_cached_run_never_imports_libcst(tmp_path: Path) -> None:
    project = copy_fixture("faulty_stack", tmp_path)
    cache = tmp_path / "cache"
    cold = stackguard("lint", "--format", "json", "--cache-dir", str(cache), ".", cwd=project)
    assert cold.returncode == 1 and "libcst" in imported(cold), cold.stderr  # the probe has teeth
    warm = stackguard("lint", "--format", "json", "--cache-dir", str(cache), ".", cwd=project)
    assert warm.returncode == 1, warm.stderr
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    assert imported(warm) == set(), warm.stderr
    # python -X importtime agrees: no libcst module was imported at all
    timed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "analyzers", "lint", "--cache-dir", str(cache), "."],
        cwd=project, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300,
    )
    assert timed.returncode == 1
    modules = [line.rsplit("|", 1)[-1].strip() for line in timed.stderr.splitlines() if "import time:" in line]
    assert "analyzers.cli" in modules and not [m for m in modules if m.split(".")[0] == "libcst"]


def test_version_imports_no_analysis_module(tmp_path: Path) -> None:
    """``--version`` (what a hook manager runs to check the tool) loads neither the
    runner, the cache codec nor the front end."""
    probe = ("import sys\nfrom analyzers.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n"
             "    pass\nprint(sorted(m for m in sys.modules if m.startswith(('analyzers.', 'libcst', 'msgpack'))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "stackguard" in done.stdout, done.stderr
    loaded = done.stdout.strip().splitlines()[-1]
    assert "analyzers.cli" in loaded  # the probe sees what was imported
    for heavy in ("analyzers.runner", "analyzers.cache_codec", "analyzers.extract", "analyzers.project",
                  "libcst", "msgpack"):
        assert f"'{heavy}" not in loaded, loaded


_WARM_SKIPS = ("analyzers.cache_codec", "analyzers.extract.ir", "analyzers.extract.summary", "analyzers.workers",
               "multiprocessing")


def test_a_cached_run_starts_no_worker_machinery_and_loads_no_summary_types(tmp_path: Path) -> None:
    """Nothing to parse, nothing to fork, nothing to decode: a warm run (what a pre-commit
    hook mostly is) imports neither the worker pool and multiprocessing nor the summary
    codec and the IR types (~35 ms of start-up)."""
    project = copy_fixture("faulty_stack", tmp_path)
    cache = tmp_path / "cache"
    probe = ("import sys\nfrom analyzers.cli import main\ncode = main(sys.argv[1:])\n"
             f"print('LOADED:', sorted(m for m in {_WARM_SKIPS!r} if m in sys.modules), file=sys.stderr)\n")
    argv = [sys.executable, "-c", probe, "lint", "-q", "--exit-zero", "--jobs", "1", "--cache-dir", str(cache), "."]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cold = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    # the probe sees them (the summaries come from the parser process as cache data, decoded here)
    assert f"LOADED: {sorted(_WARM_SKIPS)}" in cold.stderr, cold.stderr
    warm = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert warm.returncode == 0 and warm.stdout == cold.stdout, warm.stderr
    assert "LOADED: []" in warm.stderr, warm.stderr


def test_explicit_file_reports_only_that_file(tmp_path: Path) -> None:
    project = copy_fixture("faulty_stack", tmp_path)
    (project / "extra.py").write_text(
        "import pulumi_aws as aws\nbucket = aws.s3.Bucket('logs')\n")
    everything = json.loads(stackguard("lint", "--format", "json", "--no-cache", ".", cwd=project).stdout)
    assert "extra.py" in {f["path"] for f in everything["findings"]}
    only = json.loads(stackguard("lint", "--format", "json", "--no-cache", "extra.py", cwd=project).stdout)
    assert {f["path"] for f in only["findings"]} == {"extra.py"}


def test_noqa_on_a_real_finding(tmp_path: Path) -> None:
    source = (
        "import pulumi_aws as aws\n\n"
        "params = aws.rds.ParameterGroup('params', family='postgres14')\n"
        "db = aws.rds.Instance(  # noqa: SG201, SG101\n"
        "    'db',\n"
        "    engine='postgres',\n"
        "    engine_version='17.5',\n"
        "    instance_class='db.t4g.micro',\n"
        "    parameter_group_name=params.name,  # noqa: SG203\n"
        ")\n"
    )
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(source)
    done = stackguard("lint", "--format", "json", "--no-cache", "--select", "SG0,SG2", ".", cwd=tmp_path)
    findings = [(f["code"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert findings == [("SG001", 9)], done.stdout


def _module_run(args: list[str], cwd: Path, stdout: int | None = subprocess.PIPE) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "STACKGUARD_CACHE_DIR": str(cwd / ".cache")}
    return subprocess.Popen([sys.executable, "-m", "analyzers", *args], cwd=cwd, env=environment,
                            stdout=stdout, stderr=subprocess.PIPE)


def test_the_command_exits_at_once_with_its_output_and_code_intact(tmp_path: Path) -> None:
    """``python -m analyzers`` (and the ``stackguard`` script) skip the interpreter's teardown:
    what was printed, written with ``-o`` and cached must all be there, the exit code too."""
    project = copy_fixture("faulty_stack", tmp_path)
    report = tmp_path / "report.json"
    done = _module_run(["lint", ".", "--format", "json", "-o", str(report)], project)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 1, err
    written = json.loads(report.read_text())
    assert {finding["code"] for finding in written["findings"]} >= {"SG101", "SG201"}
    streamed = _module_run(["lint", ".", "--format", "json"], project)
    out, err = streamed.communicate(timeout=300)
    assert streamed.returncode == 1, err
    assert json.loads(out)["findings"] == written["findings"]  # every byte flushed before the exit
    assert list((project / ".cache").rglob("*")), "the cache was written"
    clean = _module_run(["lint", "."], copy_fixture("../../reference_stack", tmp_path))
    assert clean.wait(timeout=300) == 0, clean.communicate()[1]


def test_a_reader_that_goes_away_is_no_traceback(tmp_path: Path) -> None:
    project = copy_fixture("faulty_stack", tmp_path)
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write or the final flush meets a broken pipe
    try:
        done = _module_run(["lint", ".", "--format", "json"], project, stdout=writer)
    finally:
        os.close(writer)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 1
    assert b"Traceback" not in err and b"Exception ignored" not in err, err
