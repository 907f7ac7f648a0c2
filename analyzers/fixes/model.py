"""What a fix is: text edits, what they may change in the resource graph, and how sure we are.

A fix is pure data, computed against one version of the project's files: it
can be verified (``verify``), shown as a diff, applied, or reported in SARIF
without any libcst object. Offsets count characters of a file's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policypack.rules.base import FixSafety

# What a fix may change in the graph: (resource identity, field), field being a camelCase
# prop, "parent" or "dependencies" (see verify.Identity).
Change = tuple[tuple[str, ...], str]


@dataclass(frozen=True, order=True)
class Edit:
    path: str  # "/"-separated, relative to the project root
    start: int  # character offsets into the file's text; start == end inserts
    end: int
    text: str

    def overlaps(self, other: Edit) -> bool:
        """Whether applying both is ambiguous: shared characters, or an insertion touching the other."""
        if self.path != other.path:
            return False
        if self.start == self.end or other.start == other.end:
            return max(self.start, other.start) <= min(self.end, other.end)
        return max(self.start, other.start) < min(self.end, other.end)


@dataclass(frozen=True)
class FindingKey:
    """A finding as fixes know it: stable across edits that move lines."""

    code: str
    path: str  # relative to the project root
    subject: str
    line: int = 0  # where it was reported in the version the fix was computed on
    column: int = 0


@dataclass(frozen=True)
class Fix:
    finding: FindingKey
    safety: FixSafety
    description: str  # one line, what the edit does ("set family to 'postgres17'")
    edits: tuple[Edit, ...]
    # What verification allows to differ in the graph, and the resources the fix adds
    # (type token, logical name); everything else must stay exactly as it was.
    changes: frozenset[Change] = frozenset()
    inserts: frozenset[tuple[str, str]] = frozenset()
    # Inserted resources next to neighbours at the stack root are at the root too (SG101).
    allow_root_inserts: bool = False
    fallback: Fix | None = None  # tried when verification rejects this fix

    def conflicts(self, other: Fix) -> bool:
        if set(self.edits) == set(other.edits):
            return False  # the same change (two findings one edit fixes): merged, not conflicting
        return any(a.overlaps(b) for a in self.edits for b in other.edits)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted({edit.path for edit in self.edits}))


@dataclass
class Outcome:
    """What fixing one project did."""

    original: dict[str, str]  # path → text before
    fixed: dict[str, str]  # path → text after (only changed files)
    applied: list[Fix] = field(default_factory=list)
    rounds: int = 0
    rejected: list[Fix] = field(default_factory=list)  # verification refused them


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (insertions at one point keep their order)."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    parts: list[str] = []
    position = 0
    for _, edit in ordered:
        if edit.start < position:
            raise ValueError("overlapping edits")
        parts.append(text[position:edit.start])
        parts.append(edit.text)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)
