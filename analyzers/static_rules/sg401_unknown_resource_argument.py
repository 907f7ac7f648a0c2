"""SG401 unknown-resource-argument: a keyword the resource's constructor does not accept."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.static_rules import SourceContext
from analyzers.static_rules.provider_arguments import (
    RESOURCE_OPTIONS,
    ArgumentIssue,
    call_sites,
    close_matches,
    finding,
)
from policypack.rules.sg401_unknown_resource_argument import RULE

_SHOWN_ARGUMENTS = 8


def issues(context: SourceContext) -> Iterator[ArgumentIssue]:
    for site in call_sites(context):
        facts = site.arguments
        for keyword in sorted(site.keywords):
            if facts.accepts(keyword) or keyword in facts.schema.removed:
                continue  # fine, or removed in this major (SG402)
            accepted = sorted(facts.schema.arguments)  # only for a message: most calls need none
            where = f"{facts.class_label} {site.label}"
            error = (f"`pulumi preview` stops with \"TypeError: _internal_init() got an unexpected keyword "
                     f"argument '{keyword}'\"")
            if keyword in RESOURCE_OPTIONS and keyword not in facts.schema.arguments:
                yield ArgumentIssue(site, keyword, (
                    f"`{keyword}` is a resource option, not an argument of {where}: {error}, and the "
                    f"option never applies. Move it into opts=pulumi.ResourceOptions({keyword}=...)."),
                    to_options=True)
                continue
            matches = close_matches(keyword, accepted)
            suggestion = matches[0] if len(matches) == 1 else None
            if matches:
                hint = f"did you mean {' or '.join(f'`{match}`' for match in matches)}?"
            else:
                shown = ", ".join(accepted[:_SHOWN_ARGUMENTS]) + (", ..." if len(accepted) > _SHOWN_ARGUMENTS else "")
                hint = f"it takes {shown}" if accepted else "it takes no arguments"
            yield ArgumentIssue(site, keyword, (
                f"`{keyword}` is not an argument of {where} in {facts.provider}: {hint} "
                f"({error})."), replacement=suggestion)


def findings(context: SourceContext) -> Iterator[Finding]:
    for issue in issues(context):
        yield finding(RULE, issue.site, issue.message)
