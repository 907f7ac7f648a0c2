"""Which rules run, and at what severity: Ruff-style rule selectors.

A selector is a full code (``SG201``), a code prefix (``SG2``, ``SG30``,
``SG`` or ``ALL``) or a rule's kebab-case name. Selection is layered (config
file, then command line): a layer with ``select`` starts over from it, then
adds ``extend-select`` and removes ``ignore``. Inside one layer the more
specific selector wins (``select = ["SG201"]`` with ``ignore = ["SG2"]``
keeps SG201), and on a tie ``ignore`` wins, as in Ruff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from policypack.rules import all_rules
from policypack.rules.base import Severity


class SelectorError(ValueError):
    """A selector that names no rule."""


def all_codes() -> tuple[str, ...]:
    return tuple(rule.code for rule in all_rules())


def resolve(selector: str) -> tuple[frozenset[str], int]:
    """The codes a selector names and its specificity (more characters = more specific)."""
    text = selector.strip()
    if not text:
        raise SelectorError("empty rule selector")
    if text.upper() == "ALL":
        return frozenset(all_codes()), 0
    for rule in all_rules():
        if rule.name == text.lower():
            return frozenset({rule.code}), len(rule.code)
    prefix = text.upper()
    codes = frozenset(code for code in all_codes() if code.startswith(prefix))
    if not codes:
        raise SelectorError(f"unknown rule selector '{text}'")
    return codes, len(prefix)


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """``["SG2,SG301", "sg101"]`` → ``("SG2", "SG301", "sg101")`` (comma-separated, repeatable)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class SelectionLayer:
    select: tuple[str, ...] | None = None  # None: keep what the previous layer chose
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def apply(self, enabled: frozenset[str]) -> frozenset[str]:
        result = set(enabled)
        steps: list[tuple[int, int, bool, frozenset[str]]] = []  # (specificity, tie order, on, codes)
        if self.select is not None:
            result = set()
            for selector in self.select:
                codes, specificity = resolve(selector)
                steps.append((specificity, 0, True, codes))
        for selector in self.extend_select:
            codes, specificity = resolve(selector)
            steps.append((specificity, 0, True, codes))
        for selector in self.ignore:
            codes, specificity = resolve(selector)
            steps.append((specificity, 1, False, codes))
        for _, _, on, codes in sorted(steps, key=lambda step: (step[0], step[1])):
            if on:
                result |= codes
            else:
                result -= codes
        return frozenset(result)


def enabled_codes(layers: Sequence[SelectionLayer]) -> frozenset[str]:
    enabled = frozenset(all_codes())
    for layer in layers:
        enabled = layer.apply(enabled)
    return enabled


def severity_overrides(table: Mapping[str, str]) -> dict[str, Severity | None]:
    """``{"SG2": "warning", "SG201": "off"}`` → per-code severity (None = off); specific wins."""
    resolved: dict[str, tuple[int, Severity | None]] = {}
    for selector, level in table.items():
        codes, specificity = resolve(selector)
        severity = None if level == "off" else Severity(level)
        for code in codes:
            if code not in resolved or resolved[code][0] <= specificity:
                resolved[code] = (specificity, severity)
    return {code: severity for code, (_, severity) in resolved.items()}
