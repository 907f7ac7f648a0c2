"""The command line: exit codes, formats, one-line errors. The front end is a stand-in here
(tests/support/fake_front_end.py); test_cli_real.py runs the real one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from analyzers import cli, runner
from tests.support import fake_front_end as fake

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "tests" / "fixtures" / "schemas" / "stackguard-lint.schema.json").read_text())


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    fake.reset()
    monkeypatch.setattr(runner, "load_front_end", lambda: fake)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STACKGUARD_CACHE_DIR", raising=False)
    (tmp_path / ".git").mkdir()  # a repository root: config lookup stops here
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def lint(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("stackguard: ") and "Traceback" not in err, err
    return err.strip()


def test_exit_codes_follow_fail_on(workspace: Path, capsys) -> None:
    write(workspace / "ok.py", "x = 1\n")
    assert lint(capsys)[0] == 0
    write(workspace / "warn.py", "# FAULT SG101\n")  # a warning
    assert lint(capsys)[0] == 1  # default --fail-on warning
    assert lint(capsys, "--fail-on", "error")[0] == 0
    assert lint(capsys, "--exit-zero")[0] == 0
    write(workspace / "pyproject.toml", '[tool.stackguard]\nfail-on = "error"\n')
    assert lint(capsys)[0] == 0
    assert lint(capsys, "--fail-on", "warning")[0] == 1  # the flag wins over the config


def test_info_findings_do_not_fail_by_default(workspace: Path, capsys) -> None:
    write(workspace / "a.py", "x = 1  # noqa: SG201\n")  # unused: SG001 (info)
    code, out, _ = lint(capsys)
    assert code == 0 and "SG001 [info]" in out
    assert lint(capsys, "--fail-on", "info")[0] == 1


def test_text_output(workspace: Path, capsys) -> None:
    write(workspace / "infra" / "db.py", "x = 1\n  # FAULT SG201\n")
    code, out, err = lint(capsys, "infra")
    assert code == 1 and err == ""
    assert out == "infra/db.py:2:5: SG201 [error] fake finding at line 2.\nFound 1 finding (1 error).\n"
    assert lint(capsys, "-q", "infra")[1] == "infra/db.py:2:5: SG201 [error] fake finding at line 2.\n"


def test_json_output_paths_relative_to_the_cwd(workspace: Path, capsys, monkeypatch) -> None:
    write(workspace / "infra" / "Pulumi.yaml", "name: infra\n")
    write(workspace / "infra" / "db.py", "# FAULT SG201\n")
    monkeypatch.chdir(workspace / "infra")
    code, out, _ = lint(capsys, "--format", "json", ".")
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    assert code == 1 and [f["path"] for f in document["findings"]] == ["db.py"]
    monkeypatch.chdir(workspace)
    document = json.loads(lint(capsys, "--format", "json", "infra/db.py")[1])
    assert [f["path"] for f in document["findings"]] == ["infra/db.py"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"])
def test_every_format_runs_and_writes_to_output(workspace: Path, capsys, fmt: str) -> None:
    write(workspace / "a.py", "# FAULT SG201\n")
    code, out, _ = lint(capsys, "--format", fmt, "--output", "report.out")
    assert code == 1 and out == ""
    assert "SG201" in (workspace / "report.out").read_text()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "xml"], "stackguard: error: argument --format: invalid choice: 'xml'"),
        (["--output", "missing/dir/out.json"], "stackguard: error: --output missing/dir/out.json: directory"),
        (["nope.py"], "stackguard: error: path not found: nope.py"),
        (["--select", "SG9"], "stackguard: error: --select: unknown rule selector 'SG9'"),
        (["--ignore", "SG201,bogus"], "stackguard: error: --ignore: unknown rule selector 'bogus'"),
        (["--option", "SG202.warnDays"], "expected RULE.KEY=VALUE"),
        (["--option", "SG202.warnDays=soon"], "--option SG202.warnDays must be an integer (got a string)"),
        (["--option", "SG202.warnDay=1"], "unknown option 'warnDay' (did you mean 'warnDays'?)"),
        (["--option", "SG999.x=1"], "unknown rule 'SG999'"),
        (["--config", "nope.toml"], "nope.toml: config file not found"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--fail-on", "fatal"], "argument --fail-on: invalid choice: 'fatal'"),
        (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(workspace: Path, capsys, args, expected) -> None:
    write(workspace / "a.py", "x = 1\n")
    code, out, err = lint(capsys, *args)
    assert code == 2 and out == ""
    assert expected in one_line_error(err)


def test_bad_config_key_exits_2_naming_the_key(workspace: Path, capsys) -> None:
    write(workspace / "pyproject.toml", '[tool.stackguard]\nselec = ["SG2"]\n')
    write(workspace / "a.py", "x = 1\n")
    code, _, err = lint(capsys)
    assert code == 2
    assert one_line_error(err) == (
        "stackguard: error: pyproject.toml: [tool.stackguard] unknown key 'selec' "
        "(did you mean 'select'?)")
    assert lint(capsys, "--isolated")[0] == 0  # --isolated ignores the file
    # found from a subdirectory too, and named as the user would type it
    write(workspace / "pkg" / "b.py", "x = 1\n")
    code, _, err = lint(capsys, "pkg")
    assert code == 2 and "error: pyproject.toml: [tool.stackguard] unknown key 'selec'" in err


def test_invalid_toml_exits_2_naming_file_line_and_column(workspace: Path, capsys) -> None:
    write(workspace / "a.py", "x = 1  # FAULT SG201\n")
    write(workspace / "pyproject.toml", '[project]\nname = "app"\n\n[tool.stackguard]\nfail-on = warning\n')
    code, out, err = lint(capsys)
    assert (code, out) == (2, "")
    assert one_line_error(err) == "stackguard: error: pyproject.toml:5:11: invalid TOML: Invalid value"
    # the same for a file named with --config, and for one that is not UTF-8
    (workspace / "pyproject.toml").unlink()
    (workspace / "lint.toml").write_bytes(b'select = ["SG2"]\n# \xff\n')
    code, out, err = lint(capsys, "--config", "lint.toml")
    assert (code, out) == (2, "")
    assert one_line_error(err) == "stackguard: error: lint.toml:2:3: invalid TOML: not valid UTF-8 (byte 0xff)"


def test_option_values_reach_the_front_end(workspace: Path, capsys) -> None:
    write(workspace / "a.py", "x = 1\n")
    lint(capsys, "--option", "SG202.warnDays=90", "--option", 'SG101.allowedTypes=["aws:s3/*"]',
         "--option", "rds-engine-version-end-of-support.referenceDate=2026-11-01")
    assert fake.seen_options[-1] == {
        "SG202": {"warnDays": 90, "referenceDate": "2026-11-01"},
        "SG101": {"allowedTypes": ["aws:s3/*"]},
    }


def test_select_and_ignore_flags(workspace: Path, capsys) -> None:
    write(workspace / "a.py", "# FAULT SG201\n# FAULT SG202\n# FAULT SG101\n")
    assert "SG201" not in lint(capsys, "--ignore", "rds-parameter-group-family-mismatch")[1]
    out = lint(capsys, "--select", "SG2", "--ignore", "SG202")[1]
    assert "SG201" in out and "SG202" not in out and "SG101" not in out
    out = lint(capsys, "--select", "SG101", "--extend-select", "SG202")[1]
    assert "SG101" in out and "SG202" in out and "SG201" not in out


def test_internal_errors_are_one_line(workspace: Path, capsys, monkeypatch) -> None:
    write(workspace / "a.py", "x = 1\n")

    def broken(*args, **kwargs):
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(fake, "analyze", broken)
    code, _, err = lint(capsys)
    assert code == 2
    assert one_line_error(err).startswith("stackguard: internal error: RuntimeError: boom with a second line")
    assert "please report" in err


def test_no_files_is_clean_with_a_warning(workspace: Path, capsys) -> None:
    (workspace / "empty").mkdir()
    code, out, err = lint(capsys, "empty")
    assert code == 0 and out == "All checks passed.\n"
    assert "no Python files" in err


def test_cache_dir_flag_and_env(workspace: Path, capsys, monkeypatch, tmp_path: Path) -> None:
    write(workspace / "a.py", "# FAULT SG201\n")
    lint(capsys, "--cache-dir", "c1")
    assert (workspace / "c1" / "CACHEDIR.TAG").exists()
    monkeypatch.setenv("STACKGUARD_CACHE_DIR", str(workspace / "c2"))
    lint(capsys)
    assert (workspace / "c2" / "CACHEDIR.TAG").exists()
    monkeypatch.delenv("STACKGUARD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    lint(capsys, "--no-cache")
    assert not (tmp_path / "xdg").exists()
    lint(capsys)
    # by default the cache lives in the user's cache directory, never in the project
    assert not (workspace / ".stackguard_cache").exists()
    [folder] = (tmp_path / "xdg" / "stackguard" / "projects").iterdir()
    assert (folder / "CACHEDIR.TAG").exists()


def test_rules_catalog(capsys) -> None:
    from policypack.rules import all_rules

    assert cli.main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "SEVERITY", "DETECTORS"]
    assert len(lines) == len(all_rules()) + 1
    sg201 = next(line for line in lines if line.startswith("SG201"))
    assert sg201.split()[:3] == ["SG201", "rds-parameter-group-family-mismatch", "error"]
    assert sg201.endswith("runtime, static")
    assert next(line for line in lines if line.startswith("SG001")).endswith("  static")


@pytest.mark.parametrize("key", ["SG201", "sg201", "rds-parameter-group-family-mismatch"])
def test_rules_one_rule_prints_its_docs(capsys, key: str) -> None:
    from policypack.rules import rule_by_code_or_name

    assert cli.main(["rules", key]) == 0
    assert capsys.readouterr().out == rule_by_code_or_name("SG201").markdown()


def test_rules_json(capsys) -> None:
    from policypack.rules import all_rules

    assert cli.main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [rule["code"] for rule in listed] == [rule.code for rule in all_rules()]
    sg202 = next(rule for rule in listed if rule["code"] == "SG202")
    assert {option["name"] for option in sg202["options"]} >= {"warnDays"}
    assert cli.main(["rules", "SG202", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == sg202


def test_rules_unknown(capsys) -> None:
    assert cli.main(["rules", "SG2011"]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "unknown rule 'SG2011' (did you mean 'SG201'?)" in err


def test_version_and_missing_command(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out == f"stackguard {runner.TOOL_VERSION}\n"
    assert cli.main([]) == 2
    assert "missing command" in one_line_error(capsys.readouterr().err)


def test_python_dash_m_entry_point(workspace: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "analyzers", "rules", "SG201"], capture_output=True,
                          text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("# SG201 rds-parameter-group-family-mismatch")
    done = subprocess.run([sys.executable, "-m", "analyzers", "lint", "--format", "nope"], capture_output=True,
                          text=True, cwd=REPO, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
