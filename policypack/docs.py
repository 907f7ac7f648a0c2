"""Render the rule catalog's documentation from the rule modules.

``python -m policypack.docs`` rewrites docs/rules.md; a test keeps it, and the
README's rule table, in sync with the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from policypack.rules import all_rules
from policypack.rules.base import Detector

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def catalog_table() -> str:
    rows = [
        "| code | name | default | runtime | static |",
        "|---|---|---|---|---|",
    ]
    for rule in all_rules():
        runtime = "yes" if Detector.RUNTIME in rule.detectors else "–"
        static = "yes" if Detector.STATIC in rule.detectors else "–"
        rows.append(f"| {rule.code} | {rule.name} | {rule.severity.value} | {runtime} | {static} |")
    return "\n".join(rows) + "\n"


def fixes_table() -> str:
    """What ``stackguard lint --fix`` does per rule: safe, unsafe or none, and what / why not."""
    rows = [
        "| code | name | fix | what it does, or why there is none |",
        "|---|---|---|---|",
    ]
    for rule in all_rules():
        if rule.autofix is not None:
            kind, text = rule.autofix.safety.value, rule.autofix.description
        else:
            kind, text = "none", rule.no_autofix
        rows.append(f"| {rule.code} | {rule.name} | {kind} | {text.replace('|', chr(92) + '|')} |")
    return "\n".join(rows) + "\n"


def render_all() -> str:
    header = (
        "# stackguard rules\n\n"
        "Generated from the rule modules by `python -m policypack.docs`; do not edit by hand.\n\n"
        + catalog_table()
        + "\n## Automatic fixes (`stackguard lint --fix`)\n\n"
        + fixes_table()
    )
    return "\n".join([header, *(rule.markdown() for rule in all_rules())])


def main() -> int:
    DOCS_PATH.parent.mkdir(exist_ok=True)
    DOCS_PATH.write_text(render_all(), encoding="utf-8")
    print(f"wrote {DOCS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
