"""Per-rule exemptions (the ``ignoreResources`` option) with a reason and an expiry date.

The policy-pack counterpart of ``# noqa: SG201 -- reason (until 2026-09-30)``.
An entry is a pattern (logical name, type token or URN; ``*`` globs), in one
of two forms::

    "legacy-db -- migrating in Q3 (until 2026-09-30)"
    {"resource": "legacy-db", "reason": "migrating in Q3", "expires": "2026-09-30"}

An exemption works through its ``expires`` day. After it, or when the date is
not a date, it no longer exempts: the violation is reported again, its message
saying which exemption expired, so the pack reports expired exemptions where
they matter. Anything else that is not a valid entry is ignored, never a crash
(config validation reports it first where the engine runs).
"""

from __future__ import annotations

import datetime
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from policypack.graph import Resource

REASON_MARK = "--"
_UNTIL = re.compile(r"\buntil[:\s]\s*(?P<date>\S+?)[).,;:]?(?:\s|$)", re.IGNORECASE)
_UNTIL_CLAUSE = re.compile(r"\(\s*until[:\s][^)]*\)|\buntil[:\s]\s*\S+", re.IGNORECASE)

# The option's JSON schema: the engine validates pack config against it (gojsonschema),
# the analyzer's config checker validates [tool.stackguard] options against it.
ENTRY_SCHEMA: dict[str, Any] = {
    "type": ["string", "object"],
    "properties": {
        "resource": {"type": "string"},
        "reason": {"type": "string"},
        "expires": {"type": "string", "format": "date"},
    },
    "required": ["resource"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Exemption:
    pattern: str
    reason: str = ""
    expires: datetime.date | None = None  # the last day it works
    bad_expiry: str | None = None  # an expiry that is not a date: never works

    def covers(self, resource: Resource) -> bool:
        keys = (resource.name, resource.type, resource.urn)
        return any(fnmatch.fnmatchcase(key, self.pattern) for key in keys)

    def in_force(self, today: datetime.date) -> bool:
        return self.bad_expiry is None and (self.expires is None or today <= self.expires)

    def lapse_note(self) -> str:
        if self.bad_expiry is not None:
            return f"the exemption {self.pattern!r} has an expiry that is not a date ({self.bad_expiry!r})"
        expires = self.expires.isoformat() if self.expires else "?"
        reason = f": {self.reason}" if self.reason else ""
        return f"the exemption {self.pattern!r} expired on {expires}{reason}"


def _date(text: str) -> tuple[datetime.date | None, str | None]:
    try:
        return datetime.date.fromisoformat(text), None
    except ValueError:
        return None, text[:40]


def parse_entry(entry: Any) -> Exemption | None:
    """One ``ignoreResources`` entry; None for an entry of the wrong shape."""
    if isinstance(entry, str):
        pattern, _, reason = entry.partition(REASON_MARK)
        if not pattern.strip():
            return None
        reason = reason.strip()
        match = _UNTIL.search(reason)
        expires, bad = _date(match.group("date")) if match else (None, None)
        reason = _UNTIL_CLAUSE.sub("", reason).strip(" ,;:")  # the date is shown apart
        return Exemption(pattern.strip(), reason, expires, bad)
    if isinstance(entry, dict) and isinstance(entry.get("resource"), str) and entry["resource"]:
        given = entry.get("reason")
        reason = given if isinstance(given, str) else ""
        expires, bad = (None, None)
        if "expires" in entry:
            raw = entry["expires"]
            expires, bad = _date(raw) if isinstance(raw, str) else (None, repr(raw)[:40])
        return Exemption(entry["resource"], reason, expires, bad)
    return None


def parse_entries(value: Any) -> list[Exemption]:
    if not isinstance(value, (list, tuple)):
        return []
    return [exemption for exemption in map(parse_entry, value) if exemption is not None]


@dataclass(frozen=True)
class Decision:
    exempt: bool
    lapsed: Exemption | None = None  # an exemption that matched but is no longer in force


def decide(resource: Resource, exemptions: Iterable[Exemption], today: datetime.date) -> Decision:
    lapsed = None
    for exemption in exemptions:
        if exemption.covers(resource):
            if exemption.in_force(today):
                return Decision(True)
            lapsed = lapsed or exemption
    return Decision(False, lapsed)
