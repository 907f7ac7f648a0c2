"""What every subcommand of the command line shares: the program's name, the usage
error, one-line messages, reading the settings and checking selectors and ``--option``s.

``analyzers.cli`` builds the parser and runs ``lint`` and ``rules``; the other commands
(``check`` in ``analyzers.gate``) import these from here, not from the CLI module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analyzers.config import Config, ConfigError, check_option, find_config_file, load_config
from analyzers.selection import SelectorError, resolve
from policypack.rules.base import Severity

PROG = "stackguard"
DEFAULT_FAIL_ON = Severity.WARNING
# What the last run left for the process's exit to drop (runner.RunOptions.left_for_exit):
# ``cli.entry`` leaves with os._exit, which frees nothing; a command clears it before its
# run, so a later command in the same process (a test, a library caller) replaces it.
LEFT_FOR_EXIT: list[object] = []


class UsageError(Exception):
    """A bad command line: one line on stderr, exit code 2."""


def fail(message: str) -> None:
    one_line = " ".join(message.split())
    print(f"{PROG}: {one_line}", file=sys.stderr)


def load_config_for(args: argparse.Namespace, start: Path) -> Config:
    if args.isolated:
        return Config()
    if args.config:
        return load_config(Path(args.config))
    found = find_config_file(start)
    return load_config(found) if found else Config()


def parse_option(text: str) -> tuple[str, str, Any]:
    from policypack.rules import rule_by_code_or_name

    target, equals, raw = text.partition("=")
    rule_key, dot, name = target.partition(".")
    if not equals or not dot or not rule_key or not name:
        raise UsageError(f"--option {text!r}: expected RULE.KEY=VALUE, e.g. SG202.warnDays=90")
    rule = rule_by_code_or_name(rule_key)
    if rule is None:
        raise UsageError(f"--option {text!r}: unknown rule {rule_key!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    try:
        check_option(rule, name, value, f"--option {rule.code}")
    except ConfigError as error:
        raise UsageError(str(error)) from None
    return rule.code, name, value


def check_selectors(flag: str, selectors: Sequence[str]) -> tuple[str, ...]:
    for selector in selectors:
        try:
            resolve(selector)
        except SelectorError as error:
            raise UsageError(f"{flag}: {error}") from None
    return tuple(selectors)


def source_root(cwd: Path) -> Path:
    """The git work tree holding the CWD (SARIF and GitLab paths are repo-relative), else the CWD."""
    for directory in (cwd, *cwd.parents):
        if (directory / ".git").exists():
            return directory
    return cwd
