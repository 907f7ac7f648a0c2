"""SG102 component-missing-register-outputs: a ComponentResource whose constructor
never reaches ``self.register_outputs(...)``."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.static_rules import SourceContext
from policypack.rules.sg102_component_missing_register_outputs import RULE


def findings(context: SourceContext) -> Iterator[Finding]:
    components = context.project.components
    for key in components.components():
        if components.subclasses(key):
            continue  # a base class: its subclasses are checked with what they inherit
        if components.registers_outputs(key) is not False:
            continue  # registers them, or the analyzer cannot tell
        info = components.ev.class_info(key)
        if info is None:
            continue
        span = info.span
        yield Finding(
            code=RULE.code,
            name=RULE.name,
            severity=RULE.severity,
            path=key[0],
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            message=(
                f"[{RULE.code}] Component {info.name} never calls self.register_outputs(...) in its "
                "constructor: Pulumi keeps the component 'creating' until the program ends, its outputs "
                "are not recorded in the state, and stack references can't read them. End __init__ with "
                "self.register_outputs({...}) (an empty dict is fine)."
            ),
            subject=info.name,
        )
