"""Read the policy pack's results file (``policypack/crossguard/results.py`` writes it).

The file comes from earlier in the pipeline, possibly from a pull request's
own job: it is validated field by field, bounded in size, and every problem
is one line naming the file and the field. Violations of rules this version
doesn't know (a newer pack) are skipped with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzers.gate.errors import GateError
from analyzers.gate.json_input import read_json
from policypack.rules import rule_by_code_or_name

FORMAT = "stackguard-runtime-results"
FORMAT_VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
MAX_VIOLATIONS = 200_000
MAX_TEXT = 64 * 1024  # a message or URN longer than this is not the pack's
_CODE = re.compile(r"^SG\d{3}$")
_ENFORCEMENT = ("mandatory", "advisory")


@dataclass(frozen=True)
class Urn:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>``."""

    stack: str
    project: str
    types: tuple[str, ...]  # the qualified type split at "$": ancestors' types, then the resource's
    name: str

    @property
    def type(self) -> str:
        return self.types[-1]

    @property
    def without_stack(self) -> str:
        """What identifies the resource across stacks of one project (baseline keys)."""
        return f"{self.project}::{'$'.join(self.types)}::{self.name}"


def parse_urn(text: str) -> Urn | None:
    if not text.startswith("urn:pulumi:"):
        return None
    parts = text[len("urn:pulumi:"):].split("::", 3)  # the name may itself hold "::"
    if len(parts) != 4 or not all(parts[:3]):
        return None
    stack, project, qualified, name = parts
    types = tuple(qualified.split("$"))
    if not all(types):
        return None
    return Urn(stack, project, types, name)


@dataclass(frozen=True)
class RuntimeViolation:
    code: str
    policy: str
    enforcement: str  # "mandatory" | "advisory"
    urn: Urn
    raw_urn: str
    message: str
    parent: Urn | None  # the parent resource, when the results name it


@dataclass(frozen=True)
class RuntimeResults:
    violations: tuple[RuntimeViolation, ...]
    notes: tuple[str, ...] = ()  # one line each, for stderr


def load(path: Path, label: str | None = None) -> RuntimeResults:
    """Read and validate a results file; GateError (one line) for anything malformed."""
    label = label or str(path)
    document = read_json(path, f"runtime results {label}", MAX_BYTES)
    return parse(document, label)


def parse(document: Any, label: str) -> RuntimeResults:
    where = f"runtime results {label}"
    if not isinstance(document, dict):
        raise GateError(f"{where}: expected a JSON object")
    if document.get("format") != FORMAT:
        raise GateError(f"{where}: not a stackguard results file (format must be {FORMAT!r})")
    if document.get("formatVersion") != FORMAT_VERSION:
        raise GateError(f"{where}: formatVersion {document.get('formatVersion')!r} is not supported "
                        f"(this stackguard reads {FORMAT_VERSION})")
    entries = document.get("violations")
    if not isinstance(entries, list):
        raise GateError(f"{where}: violations must be a list")
    if len(entries) > MAX_VIOLATIONS:
        raise GateError(f"{where}: too many violations ({len(entries)}; the limit is {MAX_VIOLATIONS})")
    violations: list[RuntimeViolation] = []
    unknown: set[str] = set()
    for index, entry in enumerate(entries):
        field_of = f"{where}: violations[{index}]"
        if not isinstance(entry, dict):
            raise GateError(f"{field_of} must be an object")
        code = _text(entry, "code", field_of)
        if not _CODE.match(code):
            raise GateError(f"{field_of}.code must look like SG201 (got {code[:20]!r})")
        rule = rule_by_code_or_name(code)
        if rule is None:
            unknown.add(code)
            continue
        enforcement = _text(entry, "enforcement", field_of)
        if enforcement not in _ENFORCEMENT:
            raise GateError(f"{field_of}.enforcement must be mandatory or advisory (got {enforcement[:20]!r})")
        raw_urn = _text(entry, "urn", field_of)
        urn = parse_urn(raw_urn)
        if urn is None:
            raise GateError(f"{field_of}.urn is not a Pulumi URN")
        message = _text(entry, "message", field_of)
        if not message.startswith(f"[{code}]"):
            message = rule.message(message)
        parent_text = _text(entry, "parent", field_of, required=False)
        violations.append(RuntimeViolation(
            code=code,
            policy=_text(entry, "policy", field_of, required=False) or rule.name,
            enforcement=enforcement,
            urn=urn,
            raw_urn=raw_urn,
            message=message,
            parent=parse_urn(parent_text) if parent_text else None,
        ))
    notes: tuple[str, ...] = ()
    if unknown:
        notes = (f"runtime results {label}: skipped violations of rules this stackguard doesn't know "
                 f"({', '.join(sorted(unknown)[:10])}); is the pack newer than the analyzer?",)
    return RuntimeResults(tuple(violations), notes)


def _text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise GateError(f"{where}.{key} must be a string")
    if len(value) > MAX_TEXT:
        raise GateError(f"{where}.{key} is too long ({len(value)} characters)")
    return value
