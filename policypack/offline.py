"""Evaluate the policy pack on a Pulumi program without the Pulumi CLI or a cloud.

The program runs under the SDK's mock monitor (:mod:`policypack.capture`), and
the pack's policies evaluate the recorded resource graph through
pulumi-policy's own servicer (:mod:`policypack.crossguard.local`): the same
code path as ``pulumi preview --policy-pack``, minus the engine and providers.
``stackguard policy PATH`` is the command-line front end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from policypack.capture import DEFAULT_TIMEOUT, CaptureError, capture_program, to_analyze_stack_request
from policypack.crossguard.local import PolicyResult, analyze_stack


class OfflineError(Exception):
    """A program or configuration problem, with a one-line message."""


def evaluate(program: str | os.PathLike, *, config: Mapping[str, str] | None = None,
             stack: str = "dev", preview: bool = False,
             policy_config: Mapping[str, Any] | None = None,
             timeout: float = DEFAULT_TIMEOUT) -> list[PolicyResult]:
    try:
        resources = capture_program(program, config=config, stack=stack, preview=preview, timeout=timeout)
    except CaptureError as error:
        raise OfflineError(str(error)) from None
    try:
        return analyze_stack(to_analyze_stack_request(resources), policy_config)
    except ValueError as error:
        raise OfflineError(f"policy config: {error}") from None


def load_policy_config(path: str | os.PathLike | None) -> dict[str, Any] | None:
    """Read a ``--policy-pack-config`` JSON file (the same shape the Pulumi CLI takes)."""
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            loaded = json.load(handle)
    except OSError as error:
        raise OfflineError(f"cannot read policy config {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise OfflineError(f"policy config {path} is not JSON: line {error.lineno}: {error.msg}") from None
    if not isinstance(loaded, dict):
        raise OfflineError(f"policy config {path} must be a JSON object")
    return loaded


def format_text(results: Sequence[PolicyResult]) -> str:
    """Violations grouped as `pulumi preview` shows them: level, policy, resource, message."""
    if not results:
        return "Policies: no violations."
    lines = []
    for result in sorted(results, key=lambda r: (r.enforcement != "mandatory", r.policy, r.urn)):
        lines.append(f"{result.enforcement:<9} {result.policy}  ({result.name})")
        lines.append(f"          {result.message}")
    mandatory = sum(r.enforcement == "mandatory" for r in results)
    lines.append(f"Policies: {mandatory} mandatory, {len(results) - mandatory} advisory violation(s).")
    return "\n".join(lines)


def format_json(results: Sequence[PolicyResult]) -> str:
    return json.dumps({"violations": [
        {"policy": r.policy, "code": r.code, "urn": r.urn, "name": r.name,
         "enforcement": r.enforcement, "message": r.message} for r in results
    ]}, indent=2)
