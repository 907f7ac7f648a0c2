"""The rule catalog: one module per rule, discovered by its ``sgNNN_`` name.

Each module defines ``RULE`` (a :class:`policypack.rules.base.Rule`). Runtime
checks live in the module; rules that read source (SG000–SG002, SG102, SG103,
SG4xx) carry their metadata and examples here and name their implementation in
``analyzers`` by its import path (``Rule.static_check``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from policypack.rules.base import Rule

_RULE_MODULE = re.compile(r"^sg\d{3}_\w+$")


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule in the catalog, ordered by code."""
    rules = []
    for info in pkgutil.iter_modules(__path__):
        if _RULE_MODULE.match(info.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            rules.append(module.RULE)
    return tuple(sorted(rules, key=lambda rule: rule.code))


def runtime_rules() -> tuple[Rule, ...]:
    return tuple(rule for rule in all_rules() if rule.runtime)


def static_rules() -> tuple[Rule, ...]:
    return tuple(rule for rule in all_rules() if rule.static)


def rule_by_code_or_name(key: str) -> Rule | None:
    wanted = key.strip().lower()
    for rule in all_rules():
        if rule.code.lower() == wanted or rule.name == wanted:
            return rule
    return None
