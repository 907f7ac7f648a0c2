"""``# noqa`` comments: which findings they silence, and which silence nothing.

Line level (on any line of the finding's span, e.g. the constructor call's
first line, the offending argument, or the closing parenthesis)::

    db = aws.rds.Instance(  # noqa: SG201
    db = aws.rds.Instance(  # noqa: SG201, SG202   (or by name: rds-parameter-group-family-mismatch)
    db = aws.rds.Instance(  # noqa                  (bare: every rule, as in flake8/Ruff)

File level (a comment on a line of its own, anywhere in the file)::

    # stackguard: noqa              the whole file
    # stackguard: noqa: SG101       SG101 in the whole file

``# stackguard: noqa[: codes]`` trailing a line of code acts on that line only.
Codes of other tools in the same comment (``# noqa: E501, SG201``) are left
to them.

Governance: text after ``--`` is the suppression's reason, and ``until
YYYY-MM-DD`` in it an expiry date (the last day it works)::

    db = aws.rds.Instance(  # noqa: SG201 -- legacy database, migrating in Q3 (until 2026-09-30)

A :class:`SuppressionPolicy` (``require-reason``, ``unsuppressible`` in the
config) decides which directives take effect. One that doesn't (expired, no
reason when one is required, a rule that can't be suppressed) leaves its
finding in place with a note saying why. A directive naming a stackguard code that silenced nothing is
reported as SG001 unused-suppression (info) when that rule is enabled for the
file, or when the code is not a stackguard rule at all.

Comments are found with :mod:`tokenize` (no parse tree needed), and only in
files whose bytes mention ``noqa``.
"""

from __future__ import annotations

import datetime
import io
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from analyzers.findings import Finding, Position
from policypack.rules import all_rules

UNUSED_CODE = "SG001"

_NOQA = re.compile(
    r"#\s*(?P<file>stackguard:\s*)?noqa\b(?::\s*(?P<codes>[\w-]+(?:[\s,]+[\w-]+)*))?",
    re.IGNORECASE,
)
# A suppression comment naming codes without the colon (``noqa E501``, a common slip) still
# says whose comment it is: not a bare one hiding every stackguard finding on a long call.
_LOOSE_CODES = re.compile(r"\s+(?P<codes>[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*)\b")
_SG_CODE = re.compile(r"^SG\d{3}$", re.IGNORECASE)
# Why a matching directive did not take effect (SuppressionResult.refused keys)
UNSUPPRESSIBLE, EXPIRED, BAD_EXPIRY, NO_REASON = "unsuppressible", "expired", "bad-expiry", "no-reason"
_REASON_MARK = "--"
_EXPIRY = re.compile(r"\buntil[:\s]\s*(?P<date>\S+?)[).,;:]?(?:\s|$)", re.IGNORECASE)


@dataclass
class Directive:
    line: int  # 1-based
    column: int  # 1-based, where the "#" of the directive starts
    end_column: int  # 1-based, exclusive
    file_level: bool
    codes: frozenset[str] | None  # stackguard codes; None = bare (every rule)
    used: set[str] = field(default_factory=set)
    reason: str = ""  # the text after "--"
    expires: datetime.date | None = None  # the last day it works ("until YYYY-MM-DD")
    bad_expiry: str | None = None  # an "until" that is not a date: the directive never works

    def silences(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def _codes_of(text: str | None, names: Mapping[str, str]) -> frozenset[str] | None:
    if text is None:
        return None
    codes: set[str] = set()
    for token in re.split(r"[\s,]+", text.strip()):
        if _SG_CODE.match(token):
            codes.add(token.upper())
        elif token.lower() in names:
            codes.add(names[token.lower()])
        # anything else (E501, F401, a word of explanation) belongs to another tool
    return frozenset(codes)


def directives(source: bytes) -> list[Directive]:
    """The noqa directives of one file; [] when it has none or cannot be tokenized at all."""
    if b"noqa" not in source.lower():  # every reported file: a fifth of a case-insensitive search
        return []
    names = {rule.name: rule.code for rule in all_rules()}
    found: list[Directive] = []
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _NOQA.search(token.string)
            if match is None:
                continue
            comment, reason = token.string, ""
            mark = comment.find(_REASON_MARK, match.start())
            if mark != -1:  # "-- why": the reason, never codes
                comment, reason = comment[:mark], comment[mark + len(_REASON_MARK):].strip()
                match = _NOQA.search(comment)
                if match is None:
                    continue
            own_line = not token.line[: token.start[1]].strip()
            listed = match.group("codes")
            if listed is None and (loose := _LOOSE_CODES.match(comment, match.end())) is not None:
                listed = loose.group("codes")
            codes = _codes_of(listed, names)
            if listed is not None and not codes:
                continue  # codes of other tools only (E501, ...): not ours
            start = token.start[1] + match.start()
            expires, bad_expiry = _expiry(reason)
            found.append(
                Directive(
                    line=token.start[0],
                    column=start + 1,
                    end_column=token.start[1] + match.end() + 1,
                    file_level=bool(match.group("file")) and own_line,
                    codes=codes,
                    reason=reason,
                    expires=expires,
                    bad_expiry=bad_expiry,
                )
            )
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        pass  # keep what was read before the broken part (an SG000 file)
    return found


def _expiry(reason: str) -> tuple[datetime.date | None, str | None]:
    match = _EXPIRY.search(reason)
    if match is None:
        return None, None
    try:
        return datetime.date.fromisoformat(match.group("date")), None
    except ValueError:
        return None, match.group("date")[:40]


@dataclass(frozen=True)
class SuppressionPolicy:
    """Which directives take effect (``[tool.stackguard]`` require-reason, unsuppressible)."""

    require_reason: bool = False
    unsuppressible: frozenset[str] = frozenset()  # codes no comment can silence
    today: datetime.date | None = None  # None: the local date of the run

    def refusal(self, directive: Directive, code: str, today: datetime.date) -> tuple[str, str] | None:
        """Why ``directive`` does not silence ``code`` (a kind and a sentence), or None when it does."""
        where = "file-level # noqa" if directive.file_level else f"# noqa on line {directive.line}"
        if code in self.unsuppressible:
            return UNSUPPRESSIBLE, f"{code} cannot be suppressed in this project; the {where} does not apply"
        if directive.bad_expiry is not None:
            return BAD_EXPIRY, (f"the {where} has an expiry that is not a date "
                                f"({directive.bad_expiry!r}; use YYYY-MM-DD)")
        if directive.expires is not None and today > directive.expires:
            return EXPIRED, f"the {where} expired on {directive.expires.isoformat()}"
        if self.require_reason and not directive.reason:
            return NO_REASON, f"the {where} has no reason (require-reason is set): add ' -- why' after the codes"
        return None


@dataclass
class SuppressionResult:
    kept: list[Finding]
    suppressed: list[Finding]
    unused: list[Finding]  # SG001 findings
    with_reason: int = 0  # suppressed findings whose directive gives a reason
    refused: dict[str, int] = field(default_factory=dict)  # refusal kind → findings kept because of it


def apply(
    findings: Iterable[Finding],
    sources: Mapping[str, bytes],
    enabled: Callable[[str, str], bool],
    policy: SuppressionPolicy | None = None,
) -> SuppressionResult:
    """Split findings into kept and suppressed, and report unused directives.

    ``sources`` maps a finding path to the file's bytes (files without an entry
    have no directives); ``enabled(code, path)`` says whether a rule runs on a file.
    A directive the ``policy`` refuses keeps its finding, with the reason in its message.
    """
    policy = policy or SuppressionPolicy()
    today = policy.today or datetime.date.today()
    by_path: dict[str, list[Directive]] = {}

    def directives_of(path: str) -> list[Directive]:
        if path not in by_path:
            source = sources.get(path)
            by_path[path] = directives(source) if source is not None else []
        return by_path[path]

    result = SuppressionResult([], [], [])
    for finding in findings:
        effective: Directive | None = None
        refusals: list[tuple[str, str]] = []  # (kind, sentence)
        for directive in directives_of(finding.path):
            in_span = finding.line <= directive.line <= max(finding.end_line, finding.line)
            if (directive.file_level or in_span) and directive.silences(finding.code):
                directive.used.add(finding.code)  # matched: never "unused", even when refused
                refusal = policy.refusal(directive, finding.code, today)
                if refusal is None:
                    effective = effective or directive
                else:
                    refusals.append(refusal)
        if effective is not None:
            result.suppressed.append(finding)
            result.with_reason += bool(effective.reason)
        elif refusals:
            kind, text = refusals[0]
            result.refused[kind] = result.refused.get(kind, 0) + 1
            result.kept.append(replace(finding, message=f"{finding.message} (Not suppressed: {text}.)"))
        else:
            result.kept.append(finding)

    for path in sources:
        for directive in directives_of(path):
            unused = _unused_codes(directive, path, enabled)
            if unused:
                result.unused.append(_unused_finding(path, directive, unused))
    # An SG001 can itself be silenced (file level, or a noqa naming SG001 on its line).
    result.unused = [
        finding
        for finding in result.unused
        if not any(
            d.silences(UNUSED_CODE) and (d.file_level or d.line == finding.line)
            for d in directives_of(finding.path)
            if d.codes is None or UNUSED_CODE in d.codes
        )
    ]
    return result


def _unused_codes(directive: Directive, path: str, enabled: Callable[[str, str], bool]) -> list[str]:
    if directive.codes is None:
        return []  # a bare noqa may be meant for other tools
    known = {rule.code for rule in all_rules()}
    return sorted(
        code
        for code in directive.codes - directive.used
        if code != UNUSED_CODE and (code not in known or enabled(code, path))
    )


def _unused_finding(path: str, directive: Directive, codes: list[str]) -> Finding:
    known = {r.code for r in all_rules()}
    described = ", ".join(code if code in known else f"{code} (not a stackguard rule)" for code in codes)
    scope = "in this file" if directive.file_level else "on the lines this comment covers"
    text = (
        f"Unused suppression: no {described} finding {scope}. "
        "Remove the code from the noqa comment so it can't hide a future finding."
    )
    where = Position(directive.line, directive.column, directive.line, directive.end_column)
    return Finding.at(UNUSED_CODE, path, where, text, subject=",".join(codes))
