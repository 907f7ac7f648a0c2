"""A static finding: one rule, one place in one file.

Build one with :meth:`Finding.at` (a place in a file), :meth:`Finding.whole_file` or, for a
rule's Violation, :meth:`Finding.with_message`: they take the rule (or its code), fill the name
and severity from the catalog and write the ``[CODE]`` prefix (``Rule.message``), so every finding
of a rule reads the same wherever it is made.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeVar

from policypack.rules import rule_by_code_or_name
from policypack.rules.base import Rule, Severity

_F = TypeVar("_F", bound="Finding")


class Spanned(Protocol):
    """Anything with a 1-based source range: a summary's Span, a graph resource's
    SourceLocation, a gate's ResourceSite, or a :class:`Position`."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...


class Position(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


# Where a finding about a whole file (not a place in it) points.
FILE_START = Position(1, 1, 1, 1)


def _rule(rule: Rule | str) -> Rule:
    if isinstance(rule, Rule):
        return rule
    found = rule_by_code_or_name(rule)
    if found is None:  # a code typed in the analyzer's own source: a bug, not bad input
        raise LookupError(f"the rule catalog has no {rule}")
    return found


@dataclass(frozen=True)
class Finding:
    code: str  # "SG201"
    name: str  # "rds-parameter-group-family-mismatch"
    severity: Severity
    path: str  # relative to the current directory, "/" separated
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    message: str  # starts with "[SG201]"
    # What the finding is about (a resource's logical name or a class name),
    # so fingerprints survive unrelated edits that move lines.
    subject: str = ""
    # The resources one call creates (analyzers/folding.py): several fold into one finding.
    instances: tuple[str, ...] = ()
    # Set when the call may run more than once (inside a function, method or loop): what
    # identifies it in the source whichever instances run it. Fingerprints and baseline keys
    # use it instead of the subject and leave out the message, which names the instances,
    # so they stay put when a call of the helper is added.
    site_key: str = ""

    @classmethod
    def at(cls: type[_F], rule: Rule | str, path: str, span: Spanned, text: str, **fields: Any) -> _F:
        """A finding of ``rule`` at ``span`` of ``path`` whose message is ``[CODE] text``;
        ``fields`` are the optional ones (subject, instances, site_key)."""
        found = _rule(rule)
        return cls.with_message(found, path, span, found.message(text), **fields)

    @classmethod
    def whole_file(cls: type[_F], rule: Rule | str, path: str, text: str, **fields: Any) -> _F:
        """A finding about a whole file, not a place in it (line 1, column 1)."""
        return cls.at(rule, path, FILE_START, text, **fields)

    @classmethod
    def with_message(cls: type[_F], rule: Rule | str, path: str, span: Spanned, full_message: str,
                     **fields: Any) -> _F:
        """As :meth:`at`, for a message that already starts with its ``[CODE]`` (a rule's Violation).
        ``fields`` may set the severity too (the engine's enforcement level, for the gate)."""
        found = _rule(rule)
        given = {"name": found.name, "severity": found.severity, **fields}
        return cls(code=found.code, path=path, line=span.line, column=span.column, end_line=span.end_line,
                   end_column=span.end_column, message=full_message, **given)

    @property
    def fingerprint(self) -> str:
        if self.site_key:
            key = "\x1f".join((self.code, self.path, "site", self.site_key))
        else:
            key = "\x1f".join((self.code, self.path, self.subject or str(self.line), self.message))
        # surrogatepass: a non-UTF-8 file name (or a lone surrogate in a string literal)
        # hashes its own code points, the same every run; valid text hashes as before.
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def report_properties(self) -> dict[str, object]:
        """Extra machine-readable facts for reports (SARIF ``properties``); the CI gate's
        findings add the detectors and resource URNs."""
        return {"instances": list(self.instances)} if len(self.instances) > 1 else {}
