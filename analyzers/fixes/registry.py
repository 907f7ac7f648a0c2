"""Which codemod fixes which rule. The rule declares the fix (``Rule.autofix``: what it does,
whether it is safe); the code that makes it lives here, next to the analyzer it needs."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# code → (module in this package, function): propose(workspace, finding) -> Fix | None
_CODEMODS = {
    "SG102": ("components", "register_outputs"),
    "SG103": ("components", "parent_self"),
    "SG201": ("rds", "parameter_group_family"),
    "SG203": ("rds", "option_group_engine"),
    "SG301": ("apigateway", "lambda_permission"),
    "SG302": ("apigateway", "deployment_and_stage"),
    "SG303": ("apigateway", "stage"),
    "SG304": ("apigateway", "deployment_depends_on"),
    "SG305": ("apigateway", "permission_source_arn"),
    "SG401": ("arguments", "unknown_argument"),
    "SG402": ("arguments", "removed_argument"),
}


def codes() -> frozenset[str]:
    return frozenset(_CODEMODS)


def proposer(code: str) -> Callable[..., Any] | None:
    entry = _CODEMODS.get(code)
    if entry is None:
        return None
    module = importlib.import_module(f"{__package__}.{entry[0]}")
    return getattr(module, entry[1])
