"""``[tool.stackguard]`` in pyproject.toml: finding, reading and validating it.

Every mistake becomes a :class:`ConfigError` whose message is one line naming
the file and the key (or the line and column of a syntax error), so the CLI
can print it and exit 2::

    pyproject.toml: [tool.stackguard] unknown key 'selec' (did you mean 'select'?)
    pyproject.toml:3:7: invalid TOML: Invalid value

A pyproject.toml met while looking for the settings that cannot be read or
parsed is such an error too (as in Ruff): it cannot be known not to hold
``[tool.stackguard]``, and linting with other settings would quietly change
the gate. Messages never quote the file's text.

Rule options are checked against each :class:`~policypack.rules.base.Option`'s
JSON schema by a small built-in checker (jsonschema is only a test dependency).
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzers.discovery import resolves_within
from analyzers.reading import FileTooLarge, read_regular_file
from analyzers.selection import SelectorError, resolve
from policypack.rules import all_rules, rule_by_code_or_name
from policypack.rules.base import Rule, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TABLE = "[tool.stackguard]"
LEVELS = ("error", "warning", "info")
MAX_CONFIG_BYTES = 1024 * 1024  # a settings file is a few kilobytes; the cap keeps a hostile one bounded
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\Z")


class ConfigError(Exception):
    """A one-line, user-facing configuration or usage error (exit code 2)."""


@dataclass(frozen=True)
class Config:
    """The analyzer's settings from a config file (all optional)."""

    path: Path | None = None  # the file they came from
    root: Path | None = None  # its directory: relative globs and paths resolve against it
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_on: Severity | None = None
    exclude: tuple[str, ...] | None = None  # replaces the default excludes, as in Ruff
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    cache_dir: Path | None = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code → option → value
    fixable: tuple[str, ...] | None = None  # rules whose findings --fix may fix (None: all)
    unfixable: tuple[str, ...] = ()  # rules it never fixes
    show_fixes: bool = False  # reports mark findings that have an automatic fix
    require_reason: bool = False  # a noqa comment without "-- why" does not apply
    unsuppressible: tuple[str, ...] = ()  # selectors of rules no noqa comment or baseline can silence


def find_config_file(start: Path) -> Path | None:
    """The first pyproject.toml with a [tool.stackguard] table from ``start`` upwards.

    The walk stops at the root of a git work tree (a directory holding ``.git``)
    so a checkout never picks up settings from a directory above it. Raises
    ConfigError for a pyproject.toml on the way that cannot be read or parsed.
    A start below the current directory that a symlink leads out of it (which
    discovery will not follow either) is looked up from the current directory.
    """
    start = start.absolute()
    cwd = Path.cwd()
    if cwd in start.parents and not resolves_within(os.path.realpath(start), os.path.realpath(cwd)):
        start = cwd
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.exists() and _has_table(_read_toml(pyproject, _display(pyproject))):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def _has_table(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("tool"), dict) and "stackguard" in data["tool"]


def load_config(path: Path) -> Config:
    """Read and validate a config file: a pyproject.toml ([tool.stackguard]) or a
    stackguard-only TOML file whose top level holds the same keys."""
    label = _display(path)
    data = _read_toml(path, label)
    if _has_table(data):
        table = data["tool"]["stackguard"]
    elif path.name == "pyproject.toml":
        raise ConfigError(f"{label}: no {TABLE} table")
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{label}: {TABLE} must be a table")
    return _parse(table, path.resolve(), label)


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    """A TOML file's data; every way it can fail is one ConfigError line."""
    try:
        raw = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise ConfigError(f"{label}: config file not found") from None
    except FileTooLarge:
        raise ConfigError(f"{label}: config file too large (the limit is {MAX_CONFIG_BYTES // 1024} KiB)") from None
    except OSError as error:
        raise ConfigError(f"{label}: cannot read config file ({_reason(error)})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise ConfigError(
            f"{label}:{line}:{column}: invalid TOML: not valid UTF-8 (byte 0x{raw[error.start]:02x})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, message = _toml_problem(error, text)
        raise ConfigError(f"{label}:{line}:{column}: invalid TOML: {message}") from None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset; the bytes before it are valid UTF-8."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[line_start:offset].decode("utf-8")) + 1


def _toml_problem(error: Exception, text: str) -> tuple[int, int, str]:
    """Line, column and message of a TOMLDecodeError: attributes since Python 3.14, else
    the "(at line L, column C)" or "(at end of document)" suffix of its message."""
    line, column, message = (getattr(error, name, None) for name in ("lineno", "colno", "msg"))
    if isinstance(line, int) and isinstance(column, int) and isinstance(message, str):
        return line, column, message
    message = str(error)
    where = _TOML_POSITION.search(message)
    if where is None:
        return 1, 1, message
    if where.group(1):
        return int(where.group(1)), int(where.group(2)), message[: where.start()]
    return text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1, message[: where.start()]


def _display(path: Path) -> str:
    """The path as the user would type it: relative to the CWD when below it."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or type(error).__name__


_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "cache-dir",
    "options",
    "fixable",
    "unfixable",
    "show-fixes",
    "require-reason",
    "unsuppressible",
)


def _parse(table: Mapping[str, Any], path: Path, label: str) -> Config:
    where = f"{label}: {TABLE}"
    for key in table:
        if key not in _KEYS:
            raise ConfigError(f"{where} unknown key {key!r}{_did_you_mean(key, _KEYS)}")
    root = path.parent

    def selectors(key: str) -> tuple[str, ...]:
        values = _string_list(table[key], f"{where} {key}")
        for value in values:
            _check_selector(value, f"{where} {key}")
        return values

    per_file: list[tuple[str, tuple[str, ...]]] = []
    if "per-file-ignores" in table:
        mapping = _table(table["per-file-ignores"], f"{where} per-file-ignores")
        for pattern, codes in mapping.items():
            key = f"{where} per-file-ignores.{pattern!r}"
            values = _string_list(codes, key)
            for value in values:
                _check_selector(value, key)
            per_file.append((pattern, values))

    severity: dict[str, str] = {}
    if "severity" in table:
        for selector, level in _table(table["severity"], f"{where} severity").items():
            key = f"{where} severity.{selector}"
            _check_selector(selector, key)
            if level not in (*LEVELS, "off"):
                raise ConfigError(f"{key} must be one of error, warning, info, off (got {level!r})")
            severity[selector] = level

    fail_on = None
    if "fail-on" in table:
        fail_on = parse_level(table["fail-on"], f"{where} fail-on")

    force_exclude = table.get("force-exclude", False)
    if not isinstance(force_exclude, bool):
        raise ConfigError(f"{where} force-exclude must be true or false")
    show_fixes = table.get("show-fixes", False)
    if not isinstance(show_fixes, bool):
        raise ConfigError(f"{where} show-fixes must be true or false")

    require_reason = table.get("require-reason", False)
    if not isinstance(require_reason, bool):
        raise ConfigError(f"{where} require-reason must be true or false")

    cache_dir = None
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"]:
            raise ConfigError(f"{where} cache-dir must be a non-empty string")
        cache_dir = root / Path(table["cache-dir"]).expanduser()

    options: dict[str, dict[str, Any]] = {}
    if "options" in table:
        for rule_key, values in _table(table["options"], f"{where} options").items():
            rule = rule_by_code_or_name(rule_key)
            if rule is None:
                names = [r.code for r in all_rules()] + [r.name for r in all_rules()]
                raise ConfigError(
                    f"{where} options: unknown rule {rule_key!r}{_did_you_mean(rule_key, names)}"
                )
            table_of_rule = {
                name: _plain(value) for name, value in _table(values, f"{where} options.{rule_key}").items()
            }
            for name, value in table_of_rule.items():
                check_option(rule, name, value, f"{where} options.{rule_key}")
            options.setdefault(rule.code, {}).update(table_of_rule)

    return Config(
        path=path,
        root=root,
        select=selectors("select") if "select" in table else None,
        extend_select=selectors("extend-select") if "extend-select" in table else (),
        ignore=selectors("ignore") if "ignore" in table else (),
        per_file_ignores=tuple(per_file),
        severity=severity,
        fail_on=fail_on,
        exclude=_string_list(table["exclude"], f"{where} exclude") if "exclude" in table else None,
        extend_exclude=(
            _string_list(table["extend-exclude"], f"{where} extend-exclude")
            if "extend-exclude" in table
            else ()
        ),
        force_exclude=force_exclude,
        cache_dir=cache_dir,
        options=options,
        fixable=selectors("fixable") if "fixable" in table else None,
        unfixable=selectors("unfixable") if "unfixable" in table else (),
        show_fixes=show_fixes,
        require_reason=require_reason,
        unsuppressible=selectors("unsuppressible") if "unsuppressible" in table else (),
    )


def _plain(value: Any) -> Any:
    """TOML dates and times as ISO strings: rule options are JSON values."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def parse_level(value: Any, where: str) -> Severity:
    if value not in LEVELS:
        raise ConfigError(f"{where} must be one of error, warning, info (got {value!r})")
    return Severity(value)


def _did_you_mean(key: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    return value


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _check_selector(selector: str, where: str) -> None:
    try:
        resolve(selector)
    except SelectorError as error:
        raise ConfigError(f"{where}: {error}") from None


def check_option(rule: Rule, name: str, value: Any, where: str) -> None:
    """Raise ConfigError unless ``name`` is an option of ``rule`` and ``value`` fits its schema."""
    known = {option.name: option for option in rule.options}
    if name not in known:
        if not known:
            hint = f" ({rule.code} has no options)"
        else:
            hint = _did_you_mean(name, list(known)) or f" ({rule.code} takes: {', '.join(sorted(known))})"
        raise ConfigError(f"{where}: unknown option {name!r}{hint}")
    problem = schema_problem(value, known[name].schema)
    if problem:
        raise ConfigError(f"{where}.{name} {problem}")


_JSON_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
    "null": (type(None),),
}


def schema_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    """What is wrong with ``value`` under a (small subset of) JSON schema, or None.

    Covers what rule options use: type (or a list of types), enum, format
    "date", items, minimum/maximum, minItems, properties, required,
    additionalProperties.
    """
    wanted = schema.get("type")
    if wanted is not None:
        types = [wanted] if isinstance(wanted, str) else list(wanted)
        if not any(_is_type(value, name) for name in types):
            return f"must be {' or '.join(_article(name) for name in types)} (got {_describe(value)})"
    if "enum" in schema and value not in schema["enum"]:
        return f"must be one of {', '.join(repr(choice) for choice in schema['enum'])} (got {value!r})"
    if schema.get("format") == "date" and isinstance(value, str):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return f"must be a date as YYYY-MM-DD (got {value!r})"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"must be >= {schema['minimum']} (got {value!r})"
        if "maximum" in schema and value > schema["maximum"]:
            return f"must be <= {schema['maximum']} (got {value!r})"
    if isinstance(value, (list, tuple)):
        if "minItems" in schema and len(value) < schema["minItems"]:
            return f"must have at least {schema['minItems']} item(s)"
        if isinstance(schema.get("items"), Mapping):
            for index, item in enumerate(value):
                problem = schema_problem(item, schema["items"])
                if problem:
                    return f"item {index} {problem}"
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for required in schema.get("required", ()):
            if required not in value:
                return f"is missing key {required!r}"
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                sub = properties[key]
            elif extra is False:
                return f"has unknown key {key!r}{_did_you_mean(key, list(properties))}"
            elif isinstance(extra, Mapping):
                sub = extra
            else:
                continue
            problem = schema_problem(item, sub)
            if problem:
                return f"key {key!r} {problem}"
    return None


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False  # JSON has no bool-is-int
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(name, (object,)))


def _article(name: str) -> str:
    return {"integer": "an integer", "array": "an array", "object": "a table", "null": "null"}.get(
        name, f"a {name}"
    )


def _describe(value: Any) -> str:
    for name in ("boolean", "integer", "number", "string", "array", "object", "null"):
        if _is_type(value, name):
            return _article(name)
    return type(value).__name__
