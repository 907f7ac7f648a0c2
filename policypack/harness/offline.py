"""Evaluate the policy pack on a Pulumi program without the Pulumi CLI or a cloud.

The program runs under the SDK's mock monitor (:mod:`policypack.harness.capture`) in
a child process that is killed at the timeout and hands its recorded resources
back as data (:mod:`policypack.harness.child_process`); the pack's policies evaluate
that graph through pulumi-policy's own servicer
(:mod:`policypack.crossguard.local`): the same code path as
``pulumi preview --policy-pack``, minus the engine and providers.
``stackguard policy PATH`` is the command-line front end. Everything the
program chose (names, messages quoting them) is printed with control
characters escaped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from policypack.crossguard.local import PolicyResult, analyze_stack
from policypack.harness.analyze_request import to_analyze_stack_request
from policypack.harness.capture import DEFAULT_TIMEOUT
from policypack.harness.child_process import capture_in_child
from policypack.harness.records import CaptureError

MAX_CONFIG_BYTES = 1 << 20
MAX_CONFIG_DEPTH = 32  # rule options nest two or three levels
_TOO_DEEP = object()


class OfflineError(Exception):
    """A program or configuration problem, with a one-line message."""


def evaluate(program: str | os.PathLike[str], *, config: Mapping[str, str] | None = None,
             stack: str = "dev", preview: bool = False,
             policy_config: Mapping[str, Any] | None = None,
             timeout: float = DEFAULT_TIMEOUT) -> list[PolicyResult]:
    try:
        capture = capture_in_child(program, config=config, stack=stack, preview=preview, timeout=timeout)
    except CaptureError as error:
        raise OfflineError(str(error)) from None
    try:
        return analyze_stack(to_analyze_stack_request(capture.resources), policy_config)
    except ValueError as error:
        raise OfflineError(f"policy config: {error}") from None
    except RecursionError:  # bounded by the capture; a last line of defence
        raise OfflineError(f"{program}: the program's resources are nested too deeply to evaluate") from None


def load_policy_config(path: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    """Read a ``--policy-pack-config`` JSON file (the same shape the Pulumi CLI takes)."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise OfflineError(f"cannot read policy config {path}: {error.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise OfflineError(f"{path}: policy config is larger than {MAX_CONFIG_BYTES >> 20} MiB")
    try:
        loaded = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise OfflineError(f"policy config {path} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise OfflineError(f"policy config {path} is not JSON: line {error.lineno}: {error.msg}") from None
    except RecursionError:
        loaded = _TOO_DEEP  # nested far deeper than the limit below
    if loaded is _TOO_DEEP or _too_deep(loaded, MAX_CONFIG_DEPTH):
        raise OfflineError(f"{path}: policy config is nested deeper than {MAX_CONFIG_DEPTH} levels")
    if not isinstance(loaded, dict):
        raise OfflineError(f"policy config {path} must be a JSON object")
    return loaded


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        current, level = stack.pop()
        if level > limit:
            return True
        if isinstance(current, dict):
            stack.extend((item, level + 1) for item in current.values())
        elif isinstance(current, list):
            stack.extend((item, level + 1) for item in current)
    return False


def printable(text: str) -> str:
    """``text`` with control and other invisible characters escaped (``\\n``, ``\\x1b``, ``\\u202e``).

    A program chooses its resources' names, and messages quote them: a
    newline or a terminal escape must not forge lines of the report.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def format_text(results: Sequence[PolicyResult]) -> str:
    """Violations grouped as `pulumi preview` shows them: level, policy, resource, message."""
    if not results:
        return "Policies: no violations."
    lines = []
    for result in sorted(results, key=lambda r: (r.enforcement != "mandatory", r.policy, r.urn)):
        # repr: quoted, with backslashes, quotes and control characters escaped.
        lines.append(f"{result.enforcement:<9} {printable(result.policy)}  {result.name!r}")
        lines.append(f"          {printable(result.message)}")
    mandatory = sum(r.enforcement == "mandatory" for r in results)
    lines.append(f"Policies: {mandatory} mandatory, {len(results) - mandatory} advisory violation(s).")
    return "\n".join(lines)


def format_json(results: Sequence[PolicyResult]) -> str:
    return json.dumps({"violations": [
        {"policy": r.policy, "code": r.code, "urn": r.urn, "name": r.name,
         "enforcement": r.enforcement, "message": r.message} for r in results
    ]}, indent=2)
