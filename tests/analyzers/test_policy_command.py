"""`stackguard policy PATH`: the pack on a program under mocks, from the command line."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzers.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def test_mandatory_violations_exit_1_with_their_messages(capsys) -> None:
    code = main(["policy", str(FIXTURES / "faulty_stack"), "--preview", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    found = {(v["code"], v["name"], v["enforcement"]) for v in report["violations"]}
    assert ("SG201", "postgres-db", "mandatory") in found
    assert ("SG301", "api-integration", "mandatory") in found
    assert all(v["message"].startswith(f"[{v['code']}]") for v in report["violations"])


def test_clean_program_exits_0(capsys) -> None:
    assert main(["policy", str(REPO / "reference_stack")]) == 0
    assert "no violations" in capsys.readouterr().out


def test_pack_config_file_lowers_levels(tmp_path: Path, capsys) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"all": "advisory"}), encoding="utf-8")
    assert main(["policy", str(FIXTURES / "faulty_stack"), "--policy-pack-config", str(config)]) == 0
    assert "0 mandatory" in capsys.readouterr().out


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["policy", str(tmp_path / "missing")]) == 2
    assert main(["policy", str(REPO / "reference_stack"), "--config", "no-equals"]) == 2
    broken = tmp_path / "config.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["policy", str(REPO / "reference_stack"), "--policy-pack-config", str(broken)]) == 2
    failing = tmp_path / "prog.py"
    failing.write_text("raise ValueError('boom')\n", encoding="utf-8")
    assert main(["policy", str(failing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("stackguard: error: ") for line in err)
    assert "Traceback" not in "".join(err)


# --------------------------------------------------------------------------- hostile programs
#
# The program runs in a child process; these programs try to make the gate
# hang, crash or pass. They run the CLI in a subprocess too, so a regression
# (the program running in the test's own process) fails a test instead of
# killing or hanging the test run.

VIOLATION = '''
import pulumi_aws as aws
group = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance({name!r}, engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",
                 allocated_storage=20, parameter_group_name=group.name)
'''


def write_program(root: Path, source: str) -> Path:
    program = root / "prog.py"
    program.write_text(source, encoding="utf-8")
    return program


def run_cli(*args: str, timeout: float = 120) -> tuple[int, str, str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "analyzers", "policy", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("stackguard: error: ")
    return lines[0]


def test_a_program_holding_the_gil_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    # Catastrophic backtracking: minutes inside C code that never releases the GIL.
    program = write_program(tmp_path, "import re\nre.match(r'(a+)+$', 'a' * 32 + 'b')\n")
    code, out, err, elapsed = run_cli(str(program), "--timeout", "3")
    assert code == 2, (out, err)
    assert elapsed < 20  # timeout + grace + interpreter start, not the regex's minutes
    assert f"{program}: the program did not finish within 3 s under mocks and was stopped" in one_error_line(err)
    assert out == ""


def test_a_large_program_is_reported_as_unfinished_and_stopped(tmp_path: Path) -> None:
    program = write_program(tmp_path, "import pulumi_aws as aws\nfor i in range(10**6):\n    aws.s3.Bucket(f'b{i}')\n")
    code, out, err, elapsed = run_cli(str(program), "--timeout", "3")
    assert code == 2, (out, err)
    assert elapsed < 20  # stopped, not left running after the message
    line = one_error_line(err)
    assert "did not finish within 3 s under mocks and was stopped" in line
    assert "s of CPU time" in line  # it was working, which the message must not hide


@pytest.mark.parametrize("ending, reason", [
    ("import os\nos._exit(0)\n", "the program exited (status 0) before its run completed"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
     "the program was killed by signal SIGKILL before its run completed"),
    ("import ctypes\nctypes.string_at(0)\n", "the program was killed by signal SIGSEGV before its run completed"),
], ids=["os-exit", "sigkill", "segfault"])
def test_a_program_that_dies_after_a_mandatory_violation_is_an_error_not_a_pass(
        tmp_path: Path, ending: str, reason: str) -> None:
    program = write_program(tmp_path, VIOLATION.format(name="db") + ending)
    code, out, err, _ = run_cli(str(program), "--timeout", "60")
    assert code == 2, (out, err)
    assert one_error_line(err) == f"stackguard: error: {program}: {reason}"
    assert out == ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped by its new parent


@pytest.mark.parametrize("tail, timeout", [("time.sleep(600)\n", "3"), ("", "60")], ids=["hangs", "returns"])
def test_processes_the_program_started_are_killed(tmp_path: Path, tail: str, timeout: str) -> None:
    pid_file = tmp_path / "grandchild.pid"
    program = write_program(tmp_path, (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n" + tail))
    try:
        run_cli(str(program), "--timeout", timeout)
        pid = int(pid_file.read_text())
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid)
    finally:  # never leave the sleeper behind, whatever failed
        if pid_file.exists() and _alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_logical_names_are_printed_unambiguously(tmp_path: Path) -> None:
    name = "evil::db\nmandatory forged-policy  (x)\x1b[2K"
    program = write_program(tmp_path, VIOLATION.format(name=name))
    code, out, err, _ = run_cli(str(program), "--preview")
    assert code == 1, err
    assert "\x1b" not in out
    assert "'evil::db\\nmandatory forged-policy  (x)\\x1b[2K'" in out
    assert not any(line.startswith("mandatory forged-policy") for line in out.splitlines())
    code, out, _, _ = run_cli(str(program), "--preview", "--format", "json")
    names = {v["name"] for v in json.loads(out)["violations"] if v["code"] == "SG201"}
    assert names == {name}


def test_a_program_error_is_printed_without_control_characters(tmp_path: Path) -> None:
    program = write_program(tmp_path, "raise ValueError('\\x1b[2Jwiped\\u202eevil\\x07')\n")
    code, _, err, _ = run_cli(str(program))
    assert code == 2
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    assert one_error_line(err).endswith("ValueError: \\x1b[2Jwiped\\u202eevil\\x07")


# --------------------------------------------------------------------------- pack config

def write_config(root: Path, text: str) -> Path:
    path = root / "policy.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("config, message", [
    ({"rds-engine-version-end-of-support": {"warnDays": "90"}},
     "validating policy config: rds-engine-version-end-of-support: warnDays must be an integer (got a string)"),
    ({"rds-engine-version-end-of-support": {"warnDays": -1}},
     "validating policy config: rds-engine-version-end-of-support: warnDays must be >= 0 (got -1)"),
    ({"rds-engine-version-end-of-suport": "advisory"},
     "validating policy config: unknown policy 'rds-engine-version-end-of-suport' "
     "(did you mean 'rds-engine-version-end-of-support'?)"),
    ({"rds-engine-version-end-of-support": {"warnDay": 90}},
     "validating policy config: rds-engine-version-end-of-support: unknown option 'warnDay' "
     "(did you mean 'warnDays'?)"),
    ({"all": {"warnDays": 90}}, "validating policy config: all: unknown option 'warnDays' (all takes only "
                                "enforcementLevel)"),
    ({"all": "strict"}, "parsing enforcement level for 'all': 'strict' is not a valid enforcement level"),
    ({"resource-outside-component": {"enforcementLevel": 1}},
     "parsing enforcement level for 'resource-outside-component': 1 is not a valid enforcement level; "
     "must be a string"),
    ({"resource-outside-component": 5},
     "parsing 'resource-outside-component': 5 is not a valid value; must be a string or object"),
], ids=["type", "minimum", "policy", "option", "all-option", "level", "level-type", "value"])
def test_bad_pack_config_is_one_line_and_exit_2(tmp_path: Path, capsys, config, message) -> None:
    program = write_program(tmp_path, "import pulumi\n")
    path = write_config(tmp_path, json.dumps(config))
    assert main(["policy", str(program), "--policy-pack-config", str(path)]) == 2
    assert capsys.readouterr().err == f"stackguard: error: {path}: {message}\n"


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_pack_config_is_one_line_and_exit_2(tmp_path: Path, capsys, depth: int) -> None:
    program = write_program(tmp_path, "import pulumi\n")
    text = '{"resource-outside-component": {"allowedTypes": ' + "[" * depth + "]" * depth + "}}"
    path = write_config(tmp_path, text)
    assert main(["policy", str(program), "--policy-pack-config", str(path)]) == 2
    assert capsys.readouterr().err == f"stackguard: error: {path}: policy config is nested deeper than 32 levels\n"


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_timeout_must_be_positive(tmp_path: Path, capsys, value: str) -> None:
    program = write_program(tmp_path, "import pulumi\n")
    assert main(["policy", str(program), "--timeout", value]) == 2
    assert capsys.readouterr().err.startswith("stackguard: error: --timeout must be a positive number of seconds")


def test_huge_pack_config_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    program = write_program(tmp_path, "import pulumi\n")
    path = write_config(tmp_path, '{"all": "advisory"}' + " " * (2 << 20))
    assert main(["policy", str(program), "--policy-pack-config", str(path)]) == 2
    assert capsys.readouterr().err == f"stackguard: error: {path}: policy config is larger than 1 MiB\n"


def test_valid_pack_config_with_options_is_accepted(tmp_path: Path, capsys) -> None:
    program = write_program(tmp_path, VIOLATION.format(name="db"))
    path = write_config(tmp_path, json.dumps({
        "all": "advisory",
        "rds-engine-version-end-of-support": {"enforcementLevel": "mandatory", "warnDays": 90,
                                              "minimumMajor": {"postgres": 16}},
        "resource-outside-component": {"allowedTypes": ["aws:rds/*"], "ignoreResources": []},
    }))
    assert main(["policy", str(program), "--policy-pack-config", str(path)]) == 0
    assert "0 mandatory" in capsys.readouterr().out
