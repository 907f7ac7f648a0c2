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
        yield Finding.at(
            RULE, key[0], info.span,
            f"Component {info.name} never calls self.register_outputs(...) in its "
            "constructor: Pulumi keeps the component 'creating' until the program ends, its outputs "
            "are not recorded in the state, and stack references can't read them. End __init__ with "
            "self.register_outputs({...}) (an empty dict is fine).",
            subject=info.name,
        )
