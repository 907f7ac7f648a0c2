"""SG404 argument-type-mismatch: a literal of a kind the argument can never take."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.static_rules import SourceContext
from analyzers.static_rules.provider_arguments import ArgumentIssue, call_sites, finding, literal_kind, never_fits
from policypack.knowledge.providers.schema import KIND_NAMES
from policypack.rules.sg404_argument_type_mismatch import RULE


def issues(context: SourceContext) -> Iterator[ArgumentIssue]:
    for site in call_sites(context):
        facts = site.arguments
        for keyword, values in sorted(site.keywords.items()):
            expected = facts.schema.arguments.get(keyword)
            if expected is None:
                continue  # not an argument: SG401/SG402
            for value in values:
                found = literal_kind(value)
                if found is None or not never_fits(expected, found):
                    continue
                yield ArgumentIssue(site, keyword, (
                    f"`{keyword}` of {facts.class_label} {site.label} takes {KIND_NAMES[expected]} in "
                    f"{facts.provider}, but is given {KIND_NAMES[found]}: the provider rejects the "
                    f"resource during `pulumi preview`."))
                break


def findings(context: SourceContext) -> Iterator[Finding]:
    for issue in issues(context):
        yield finding(RULE, issue.site, issue.message)
