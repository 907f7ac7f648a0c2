"""SG403 deprecated-resource-argument: an argument the provider SDK marks deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.static_rules import SourceContext
from analyzers.static_rules.provider_arguments import ArgumentIssue, call_sites, finding, is_none
from policypack.rules.sg403_deprecated_resource_argument import RULE


def issues(context: SourceContext) -> Iterator[ArgumentIssue]:
    for site in call_sites(context):
        facts = site.arguments
        for keyword, values in sorted(site.keywords.items()):
            message = facts.schema.deprecated.get(keyword)
            if message is None or not facts.accepts(keyword) or all(is_none(v) for v in values):
                continue
            yield ArgumentIssue(site, keyword, (
                f"`{keyword}` of {facts.class_label} {site.label} is deprecated in {facts.provider}: "
                f"\"{message.strip()}\" Every preview and update warns about it, and a later major "
                f"removes it."))


def findings(context: SourceContext) -> Iterator[Finding]:
    for issue in issues(context):
        yield finding(RULE, issue.site, issue.message)
