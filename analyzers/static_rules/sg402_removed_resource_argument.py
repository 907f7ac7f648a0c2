"""SG402 removed-resource-argument: an argument an older major of the provider accepted."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.static_rules import SourceContext
from analyzers.static_rules.provider_arguments import ArgumentIssue, call_sites, finding
from policypack.rules.sg402_removed_resource_argument import RULE


def issues(context: SourceContext) -> Iterator[ArgumentIssue]:
    for site in call_sites(context):
        facts = site.arguments
        for keyword in sorted(site.keywords):
            removed = facts.schema.removed.get(keyword)
            if removed is None or facts.accepts(keyword):
                continue
            said = (f" The last SDK that took it said: \"{removed.message.strip()}\""
                    if removed.message.strip() else "")
            yield ArgumentIssue(site, keyword, (
                f"`{keyword}` was removed from {facts.class_label} {site.label} in "
                f"{facts.distribution} {removed.major}, and this project uses {facts.provider}: "
                f"`pulumi preview` stops with \"TypeError: _internal_init() got an unexpected keyword "
                f"argument '{keyword}'\".{said}"))


def findings(context: SourceContext) -> Iterator[Finding]:
    for issue in issues(context):
        yield finding(RULE, issue.site, issue.message)
