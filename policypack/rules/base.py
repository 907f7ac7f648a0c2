"""What every rule is made of: metadata, docs, examples and (for runtime rules) a check.

A rule module defines one :class:`Rule`. Its docs follow a fixed shape (what it
does, why it is bad, how to fix it, options, references); ``stackguard rules``,
SARIF ``help``, the policy's description/remediation and the README table are
all rendered from that one place. Its examples are small Pulumi programs that
the test suite runs through every detector the rule has, so a rule cannot
exist without examples and the examples cannot drift from the behaviour.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from policypack.graph import Resource, ResourceGraph
from policypack.rules import clock, exemptions


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class FixSafety(str, enum.Enum):
    """How far ``stackguard lint --fix`` may go on its own (Ruff's applicability)."""

    SAFE = "safe"  # meaning kept, only the fault removed: applied by ``--fix``
    UNSAFE = "unsafe"  # adds resources or changes access: only with ``--unsafe-fixes``


@dataclass(frozen=True)
class AutoFix:
    """What ``stackguard lint --fix`` does about the rule's findings.

    The codemod itself lives in ``analyzers.fixes`` (it needs libcst and the
    analyzer's graph); this is the knowledge: what the edit is, whether it is
    safe, and when it is not offered. ``description`` is also the policy's
    remediation steps, so the pack and the fixer say the same thing.
    """

    safety: FixSafety
    description: str
    limits: str = ""  # when no fix is offered, beyond "the analyzer was unsure"

    @property
    def command(self) -> str:
        return "stackguard lint --fix" + (" --unsafe-fixes" if self.safety is FixSafety.UNSAFE else "")


class Detector(str, enum.Enum):
    RUNTIME = "runtime"  # the CrossGuard policy pack, on the engine's resource graph
    STATIC = "static"  # the libcst analyzer, on source code


BOTH = frozenset({Detector.RUNTIME, Detector.STATIC})


@dataclass(frozen=True)
class Option:
    """One configuration key of a rule (same key in pack config and pyproject)."""

    name: str
    schema: Mapping[str, Any]  # JSON schema of the value
    default: Any
    description: str


@dataclass(frozen=True)
class Example:
    """A small Pulumi program and the logical names of the resources it flags.

    ``flagged`` is empty for a good example. ``detectors`` says which detectors
    the example is meant for (a runtime-only shape, a static-only helper, ...).
    Rules whose findings are not about a resource name something else: the
    class name for SG102, ``"line N"`` (the line of the parse error) for SG000,
    the suppressed code for SG001, the link's path for SG002.
    """

    code: str
    flagged: tuple[str, ...] = ()
    detectors: frozenset[Detector] = BOTH
    note: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)  # rule options for this example


@dataclass(frozen=True)
class Violation:
    """A rule's finding on one resource. ``message`` starts with ``[SGxxx]``."""

    code: str
    resource: Resource
    message: str


Check = Callable[[ResourceGraph, Mapping[str, Any]], Iterable[Violation]]

# Every rule with a check accepts this option: the policy-pack counterpart of
# suppression comments, for a resource the team has accepted (listed in config, reviewed).
IGNORE_RESOURCES = Option(
    "ignoreResources",
    {"type": "array", "items": exemptions.ENTRY_SCHEMA},
    [],
    "Logical names, type tokens or URNs (`*` globs allowed) this rule never reports on; an entry may "
    "give a reason and an expiry date (`\"db -- migrating (until 2026-09-30)\"`, or "
    "`{\"resource\": \"db\", \"reason\": \"...\", \"expires\": \"2026-09-30\"}`), after which it "
    "no longer applies and the violation says so.",
)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # one sentence: what it does
    why: str  # the concrete consequence
    fix: str  # how to fix it
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    detectors: frozenset[Detector] = BOTH
    options: tuple[Option, ...] = ()
    references: tuple[str, ...] = ()
    check: Check | None = None  # runtime rules: the check over a ResourceGraph
    # Kinds of fault ("correctness", "security", ...) and the service, for reports that
    # group or filter by tag (SARIF ``properties.tags``, shown by code scanning).
    tags: tuple[str, ...] = ()
    # CVSS-like 0.0-10.0 for security rules: code scanning ranks their alerts by it.
    security_severity: float | None = None
    autofix: AutoFix | None = None  # what ``--fix`` does (see analyzers.fixes)
    no_autofix: str = ""  # why there is no automatic fix, for rules without one
    # "module:function" of the analyzer's implementation, for rules that read
    # source rather than the graph (the core never imports the analyzer, so a
    # name). analyzers.static_rules.source_checks() runs the ones it names.
    static_check: str = ""
    # Set on the first rule of a hundred block only: the family's title for the docs
    # (``make docs`` renders the family table from it), so a new family starts in its rule.
    family: str = ""

    def __post_init__(self) -> None:
        if self.check is not None and all(o.name != IGNORE_RESOURCES.name for o in self.options):
            object.__setattr__(self, "options", (*self.options, IGNORE_RESOURCES))

    def message(self, text: str) -> str:
        """A violation's or finding's message: the code in brackets, then the text (both
        detectors write it here, so reporters can show the code apart)."""
        return f"[{self.code}] {text}"

    def violation(self, resource: Resource, text: str) -> Violation:
        return Violation(self.code, resource, self.message(text))

    def resolve_options(self, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
        """Defaults overlaid with the user's values for this rule's known keys."""
        resolved = {option.name: option.default for option in self.options}
        for key, value in (overrides or {}).items():
            if key in resolved:
                resolved[key] = value
        return resolved

    def run(self, graph: ResourceGraph, overrides: Mapping[str, Any] | None = None) -> list[Violation]:
        if self.check is None:
            return []
        options = self.resolve_options(overrides)
        entries = exemptions.parse_entries(options.get(IGNORE_RESOURCES.name))
        if not entries:
            return list(self.check(graph, options))
        today = clock.today()
        kept = []
        for violation in self.check(graph, options):
            decision = exemptions.decide(violation.resource, entries, today)
            if decision.lapsed is not None:
                note = f" (Reported again: {decision.lapsed.lapse_note()}.)"
                violation = Violation(violation.code, violation.resource, violation.message + note)
            if not decision.exempt:
                kept.append(violation)
        return kept

    @property
    def remediation(self) -> str:
        """The policy's remediation steps: the fix as ``stackguard lint --fix`` makes it."""
        if self.autofix is None:
            return self.fix
        return f"{self.autofix.description} (`{self.autofix.command}` makes this change in the source.)"

    def fix_markdown(self) -> str:
        """The "Fix" section: what the automatic fix does, or why there is none."""
        if self.autofix is None:
            return f"No automatic fix: {self.no_autofix or 'not implemented.'}"
        safety = self.autofix.safety.value.capitalize()
        text = f"**{safety} fix** (`{self.autofix.command}`): {self.autofix.description}"
        if self.autofix.limits:
            text += f" Not offered {self.autofix.limits}"
        return text

    @property
    def runtime(self) -> bool:
        return Detector.RUNTIME in self.detectors

    @property
    def static(self) -> bool:
        return Detector.STATIC in self.detectors

    def markdown(self) -> str:
        """The rule's documentation, in the shape Ruff uses for its rule pages."""
        parts = [
            f"# {self.code} {self.name}",
            f"Default severity: **{self.severity.value}**"
            f" · detectors: {', '.join(sorted(d.value for d in self.detectors))}",
            "## What it does",
            self.summary,
            "## Why is this bad?",
            self.why,
            "## Example",
            f"```python\n{self.bad[0].code.strip()}\n```",
            "## Use instead",
            self.fix,
            f"```python\n{self.good[0].code.strip()}\n```",
            "## Fix",
            self.fix_markdown(),
        ]
        if self.options:
            parts.append("## Options")
            parts.extend(
                f"- `{o.name}` (default `{o.default!r}`): {o.description}" for o in self.options
            )
        if self.references:
            parts.append("## References")
            parts.extend(f"- {ref}" for ref in self.references)
        return "\n\n".join(parts) + "\n"
