"""SG403 deprecated-resource-argument.

Runtime: the engine passes the resource's inputs (camelCase); each input the
shipped provider index marks deprecated for the resource's type is reported.
Static (analyzers.static_rules.sg403_deprecated_resource_argument): the
keyword, checked against the provider major the project uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph
from policypack.knowledge.providers import shipped_index
from policypack.rules.base import Example, Rule, Severity, Violation


def _engine_name(python_name: str) -> str:
    """The SDKs' mechanical mapping: ``lifecycle_rules`` → ``lifecycleRules``."""
    head, *rest = python_name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for resource in graph:
        if not resource.is_custom:
            continue
        package = shipped_index.package_for_token(resource.type)
        if package is None:
            continue
        path = package.class_for_token(resource.type)
        facts = package.facts(path) if path is not None else None
        if facts is None or facts.schema is None:
            continue
        found = [(name, message) for name, message in sorted(facts.schema.deprecated.items())
                 if resource.prop(_engine_name(name)) is not None]
        if not found:
            continue  # one violation per resource, naming every deprecated input it has
        names = ", ".join(f"`{name}`" for name, _ in found)
        said = " ".join(f"\"{message.strip()}\"" for _, message in found)
        label = re.sub(r"^pulumi_", "", path or "")
        yield RULE.violation(
            resource,
            f"{names} of {label} '{resource.name}' {'is' if len(found) == 1 else 'are'} deprecated in "
            f"{package.package.replace('_', '-')} {package.major}: {said} Every preview and update warns "
            f"about it, and a later major removes it.",
        )


_BUCKET = '''
import pulumi
import pulumi_aws as aws

'''

RULE = Rule(
    code="SG403",
    name="deprecated-resource-argument",
    severity=Severity.WARNING,
    tags=("maintainability", "provider-schema"),
    summary=(
        "Checks for resource arguments the provider SDK marks deprecated, such as the inline S3 "
        "bucket settings (`acl`, `versioning`, `website`, `lifecycle_rules`, "
        "`server_side_encryption_configuration`, ...) that pulumi-aws replaced by separate resources."
    ),
    why=(
        "They still work, but every `pulumi preview` and `pulumi up` prints a deprecation warning "
        "for each, and the provider's next major removes them (then the program fails with a "
        "TypeError: SG402). The message quotes the SDK's own deprecation text, which names the "
        "replacement."
    ),
    fix=(
        "Use the replacement the message names, e.g. `aws.s3.BucketVersioning`, "
        "`aws.s3.BucketWebsiteConfiguration`, `aws.s3.BucketServerSideEncryptionConfiguration`, "
        "`aws.s3.BucketLifecycleConfiguration`, `aws.s3.BucketAcl` with the bucket's id."
    ),
    bad=(
        Example(_BUCKET + '''
site = aws.s3.Bucket("site", versioning={"enabled": True})
''', flagged=("site",), note="inline versioning"),
        Example(_BUCKET + '''
logs = aws.s3.Bucket("logs", acl="log-delivery-write")
''', flagged=("logs",), note="an inline canned ACL"),
        Example(_BUCKET + '''
from pulumi_aws.s3 import Bucket, BucketWebsiteArgs

web = Bucket("web", website=BucketWebsiteArgs(index_document="index.html"))
''', flagged=("web",), note="an inline website, with an Args object"),
        Example(_BUCKET + '''
archive = aws.s3.Bucket(
    "archive",
    lifecycle_rules=[{"enabled": True, "expirations": [{"days": 90}]}],
    server_side_encryption_configuration={
        "rule": {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}},
    },
)
''', flagged=("archive",), note="two deprecated settings on one bucket"),
    ),
    good=(
        Example(_BUCKET + '''
site = aws.s3.Bucket("site")
aws.s3.BucketVersioning(
    "site-versioning", bucket=site.id, versioning_configuration={"status": "Enabled"}
)
''', note="a separate BucketVersioning"),
        Example(_BUCKET + '''
logs = aws.s3.Bucket("logs", acl=None, tags={"team": "platform"})
''', note="a deprecated argument given as None is not given"),
        Example(_BUCKET + '''
web = aws.s3.Bucket("web", force_destroy=True)
aws.s3.BucketWebsiteConfiguration("web-site", bucket=web.id, index_document={"suffix": "index.html"})
''', note="a separate website configuration"),
    ),
    references=(
        "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/",
        "https://www.pulumi.com/registry/packages/aws/how-to-guides/7-0-migration/",
    ),
    no_autofix=(
        "the SDK's message names the replacement, often a separate resource whose adoption changes the "
        "stack's state; move the setting by hand."
    ),
    check=check,
    static_check="analyzers.static_rules.sg403_deprecated_resource_argument:findings",
)
