"""``--policy-pack-config``: checked against the pack's policies before the program runs.

The shape is the one ``pulumi --policy-pack-config`` takes::

    {"all": "mandatory",
     "<policy>": "advisory" | {"enforcementLevel": "...", "<option>": <value>, ...}}

The engine rejects a bad enforcement level or a value of the wrong type for a
policy's config schema; a typo in a policy or option name would silently
leave the intended setting unapplied, so it is an error here too. Messages
follow the engine's wording (``parsing enforcement level for ...``,
``validating policy config: <policy>: ...``). Options are checked with the
same schema checker as ``[tool.stackguard]`` rule options. Needs no pulumi
packages.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from analyzers.config import schema_problem
from policypack.rules import runtime_rules
from policypack.rules.base import Rule

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
ALL = "all"  # sets the level of every policy
LEVEL_KEY = "enforcementLevel"


class PackConfigError(ValueError):
    """A one-line description of what is wrong with the pack config."""


def check_pack_config(config: Mapping[str, Any]) -> None:
    """Raise :class:`PackConfigError` unless ``config`` is valid for stackguard's pack."""
    policies = {rule.name: rule for rule in runtime_rules()}
    for key, value in config.items():
        if isinstance(value, str):
            _check_level(key, value)
        elif isinstance(value, Mapping):
            if LEVEL_KEY in value:
                _check_level(key, value[LEVEL_KEY])
            _check_policy(key, value, policies)
        else:
            raise PackConfigError(f"parsing {key!r}: {_short(value)} is not a valid value; "
                                  "must be a string or object")
        if key != ALL and key not in policies:
            raise PackConfigError(f"validating policy config: unknown policy {key!r}{_did_you_mean(key, policies)}")


def _check_level(key: str, level: Any) -> None:
    if not isinstance(level, str):
        raise PackConfigError(f"parsing enforcement level for {key!r}: {_short(level)} is not a valid "
                              "enforcement level; must be a string")
    if level not in LEVELS:
        raise PackConfigError(f"parsing enforcement level for {key!r}: {_short(level)} is not a valid "
                              "enforcement level")


def _check_policy(key: str, entry: Mapping[str, Any], policies: Mapping[str, Rule]) -> None:
    rule = policies.get(key)
    if rule is None and key != ALL:
        return  # reported as an unknown policy
    options = {option.name: option for option in rule.options} if rule else {}
    for name, value in entry.items():
        if name == LEVEL_KEY:
            continue
        where = f"validating policy config: {key}"
        if name not in options:
            hint = (_did_you_mean(name, options) or f" ({key} takes: {', '.join(sorted(options))})" if options
                    else f" ({key} takes only {LEVEL_KEY})")
            raise PackConfigError(f"{where}: unknown option {name!r}{hint}")
        problem = schema_problem(value, options[name].schema)
        if problem:
            raise PackConfigError(f"{where}: {name} {problem}")


def _did_you_mean(key: str, choices: Sequence[str] | Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
