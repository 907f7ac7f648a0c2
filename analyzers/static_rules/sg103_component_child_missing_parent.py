"""SG103 component-child-missing-parent: a resource created inside a ComponentResource
without ``parent=self`` (or a parent chain that reaches ``self``)."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.folding import site_subject
from analyzers.static_rules import SourceContext
from policypack.rules.sg103_component_child_missing_parent import RULE


def findings(context: SourceContext) -> Iterator[Finding]:
    reported: set[tuple[str, int, int]] = set()
    for child in context.project.child_sites:
        if child.parented is not False:
            continue  # parented, or the options can't be resolved
        where = (child.module.path, child.site.span.line, child.site.span.column)
        if where in reported:
            continue  # one finding per call site, however many instances run it
        reported.add(where)
        component = child.component[1].rsplit(".", 1)[-1]
        label = f"'{child.name}'" if child.name is not None else "(name computed at run time)"
        span = child.site.span
        yield Finding.at(
            RULE, child.module.path, span,
            f"{child.type} {label} is created inside component {component} without "
            "parent=self: the engine registers it at the stack root, outside the component, so the "
            "component's outputs, aliases and deletion don't cover it. Pass "
            "opts=pulumi.ResourceOptions(parent=self) (or merge parent=self into the options).",
            subject=child.name if child.name is not None else "",
            site_key=site_subject(child.module.path, child.site, child.type),
            instances=(child.name if child.name is not None else f"{child.type} at {child.module.path}:{span.line}",),
        )
