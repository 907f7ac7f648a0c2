"""[tool.stackguard]: finding the file, reading it, and one-line errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.config import ConfigError, find_config_file, load_config, schema_problem
from policypack.rules.base import Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, body: str):
    return load_config(write(tmp_path / "pyproject.toml", "[tool.stackguard]\n" + body))


def error_of(tmp_path: Path, body: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, body)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_every_key_is_read(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
select = ["SG2", "SG301"]
extend-select = ["SG101"]
ignore = ["rds-engine-version-end-of-support"]
fail-on = "error"
exclude = ["legacy"]
extend-exclude = ["tests/fixtures"]
force-exclude = true
cache-dir = "var/cache"
[tool.stackguard.per-file-ignores]
"tests/**/*.py" = ["SG101"]
[tool.stackguard.severity]
SG202 = "error"
SG101 = "off"
[tool.stackguard.options.SG202]
warnDays = 90
referenceDate = 2026-11-01
[tool.stackguard.options.resource-outside-component]
allowedTypes = ["aws:s3/*"]
""",
    )
    assert config.select == ("SG2", "SG301")
    assert config.extend_select == ("SG101",)
    assert config.ignore == ("rds-engine-version-end-of-support",)
    assert config.fail_on is Severity.ERROR
    assert config.exclude == ("legacy",) and config.extend_exclude == ("tests/fixtures",)
    assert config.force_exclude is True
    assert config.cache_dir == tmp_path.resolve() / "var" / "cache"
    assert config.per_file_ignores == (("tests/**/*.py", ("SG101",)),)
    assert config.severity == {"SG202": "error", "SG101": "off"}
    # options are keyed by code, whether the table named the code or the rule; TOML dates become ISO text
    assert config.options == {
        "SG202": {"warnDays": 90, "referenceDate": "2026-11-01"},
        "SG101": {"allowedTypes": ["aws:s3/*"]},
    }
    assert config.root == tmp_path.resolve()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('selec = ["SG2"]', "[tool.stackguard] unknown key 'selec' (did you mean 'select'?)"),
        ('select = "SG2"', "[tool.stackguard] select must be a list of strings"),
        ('select = ["SG9"]', "[tool.stackguard] select: unknown rule selector 'SG9'"),
        ('ignore = ["rds-nope"]', "[tool.stackguard] ignore: unknown rule selector 'rds-nope'"),
        ('fail-on = "fatal"', "[tool.stackguard] fail-on must be one of error, warning, info (got 'fatal')"),
        ("force-exclude = 1", "[tool.stackguard] force-exclude must be true or false"),
        ("cache-dir = 3", "[tool.stackguard] cache-dir must be a non-empty string"),
        ('severity = {SG202 = "loud"}', "severity.SG202 must be one of error, warning, info, off (got 'loud')"),
        ('severity = {SG999 = "error"}', "severity.SG999: unknown rule selector 'SG999'"),
        ('per-file-ignores = {"a.py" = "SG101"}', "per-file-ignores.'a.py' must be a list of strings"),
        ("options = {SG999 = {}}", "options: unknown rule 'SG999'"),
        ("options = {SG202 = {warnDay = 9}}", "options.SG202: unknown option 'warnDay' (did you mean 'warnDays'?)"),
        ('options = {SG202 = {warnDays = "90"}}', "options.SG202.warnDays must be an integer (got a string)"),
        ("options = {SG202 = {warnDays = -1}}", "options.SG202.warnDays must be >= 0 (got -1)"),
        ("options = {SG202 = {warnDays = true}}", "options.SG202.warnDays must be an integer (got a boolean)"),
        ('options = {SG202 = {referenceDate = "soon"}}', "referenceDate must be a date as YYYY-MM-DD (got 'soon')"),
        ("options = {SG101 = {allowedTypes = [1]}}", "options.SG101.allowedTypes item 0 must be a string"),
        ('options = {SG000 = {x = 1}}', "options.SG000: unknown option 'x' (SG000 has no options)"),
        ('options = {SG201 = {x = 1}}', "options.SG201: unknown option 'x' (SG201 takes: ignoreResources)"),
    ],
)
def test_mistakes_are_one_line_naming_the_key(tmp_path: Path, body: str, expected: str) -> None:
    message = error_of(tmp_path, body)
    assert message.startswith(str(tmp_path / "pyproject.toml") + ": ")
    assert expected in message


def test_invalid_toml_and_missing_files_are_config_errors(tmp_path: Path) -> None:
    broken = write(tmp_path / "pyproject.toml", "[tool.stackguard\nselect = [")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(broken)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"no \[tool.stackguard\] table"):
        load_config(write(tmp_path / "other" / "pyproject.toml", "[project]\nname = 'x'\n"))


def test_a_standalone_toml_file_holds_the_keys_at_top_level(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "stackguard.toml", 'select = ["SG2"]\n'))
    assert config.select == ("SG2",)


def test_find_walks_up_to_the_first_pyproject_with_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.stackguard]\nselect = ['SG2']\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'inner'\n")  # no table: skipped
    nested = tmp_path / "pkg" / "infra" / "db.py"
    write(nested, "")
    assert find_config_file(nested) == tmp_path / "pyproject.toml"
    assert find_config_file(nested.parent) == tmp_path / "pyproject.toml"


def test_find_stops_at_the_git_root(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.stackguard]\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / "src" / "a.py", "")
    assert find_config_file(repo / "src" / "a.py") is None
    write(repo / "pyproject.toml", "[tool.stackguard]\n")
    assert find_config_file(repo / "src" / "a.py") == repo / "pyproject.toml"


def test_invalid_toml_names_the_file_line_and_column(tmp_path: Path) -> None:
    broken = write(tmp_path / "pyproject.toml",
                   '[tool.stackguard]\nselect = ["SG2"]\nignore = [\n  fail-on = "error"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(broken)
    assert str(caught.value) == f"{broken}:4:3: invalid TOML: Invalid value"
    # an error at the very end points just past the last character
    truncated = write(tmp_path / "truncated.toml", 'select = ["SG2"]\nfail-on = ')
    with pytest.raises(ConfigError) as caught:
        load_config(truncated)
    assert str(caught.value) == f"{truncated}:2:11: invalid TOML: Invalid value"


def test_a_config_file_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    not_utf8 = tmp_path / "bad.toml"
    not_utf8.write_bytes(b"# caf\xc3\xa9\nselect = ['\xc3\xa9', '\xff']\n")  # columns count characters
    with pytest.raises(ConfigError) as caught:
        load_config(not_utf8)
    assert str(caught.value) == f"{not_utf8}:2:17: invalid TOML: not valid UTF-8 (byte 0xff)"


def test_find_stops_at_a_pyproject_it_cannot_parse(tmp_path: Path) -> None:
    # A pyproject.toml that cannot be parsed cannot be known not to hold [tool.stackguard]:
    # skipping it would silently lint with other settings (Ruff stops here too).
    write(tmp_path / "pyproject.toml", "[tool.stackguard]\n")
    broken = write(tmp_path / "sub" / "pyproject.toml", "this is not toml [")
    with pytest.raises(ConfigError) as caught:
        find_config_file(tmp_path / "sub")
    assert str(caught.value) == (
        f"{broken}:1:6: invalid TOML: Expected '=' after a key in a key/value pair")
    broken.write_bytes(b"[project]\nname = '\xff'\n")
    with pytest.raises(ConfigError, match=r":2:9: invalid TOML: not valid UTF-8 \(byte 0xff\)$"):
        find_config_file(tmp_path / "sub")


def test_find_stops_at_a_pyproject_it_cannot_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root every file is readable: the operating system's answer is simulated for
    # whichever way the file is opened.
    import io
    import os

    write(tmp_path / "pyproject.toml", "[tool.stackguard]\n")
    locked = write(tmp_path / "sub" / "pyproject.toml", "[tool.stackguard]\n")

    def refuse(real):
        def call(file, *args, **kwargs):
            if os.fspath(file) == str(locked):
                raise PermissionError(13, "Permission denied", str(file))
            return real(file, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "open", refuse(os.open))
    monkeypatch.setattr(io, "open", refuse(io.open))
    with pytest.raises(ConfigError) as caught:
        find_config_file(tmp_path / "sub")
    assert str(caught.value) == f"{locked}: cannot read config file (Permission denied)"


@pytest.mark.parametrize(
    ("value", "schema", "problem"),
    [
        (3, {"type": "integer"}, None),
        (3.0, {"type": "integer"}, None),
        (3.5, {"type": "integer"}, "must be an integer (got a number)"),
        ("x", {"type": ["string", "null"]}, None),
        (None, {"type": ["string", "null"]}, None),
        (1, {"type": ["string", "null"]}, "must be a string or null (got an integer)"),
        ("b", {"enum": ["a", "c"]}, "must be one of 'a', 'c' (got 'b')"),
        ({"postgres": 16}, {"type": "object", "additionalProperties": {"type": ["string", "number"]}}, None),
        ({"postgres": [16]}, {"type": "object", "additionalProperties": {"type": "string"}},
         "key 'postgres' must be a string (got an array)"),
        ({"a": 1}, {"type": "object", "properties": {"b": {}}, "additionalProperties": False},
         "has unknown key 'a'"),
        ({}, {"type": "object", "required": ["b"]}, "is missing key 'b'"),
        ([], {"type": "array", "minItems": 1}, "must have at least 1 item(s)"),
        (11, {"type": "number", "maximum": 10}, "must be <= 10 (got 11)"),
    ],
)
def test_schema_checker(value, schema, problem) -> None:
    assert schema_problem(value, schema) == problem
