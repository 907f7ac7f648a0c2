"""SG404 argument-type-mismatch (static only: implemented in
analyzers.static_rules.sg404_argument_type_mismatch)."""

from __future__ import annotations

from policypack.rules.base import Detector, Example, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG404",
    name="argument-type-mismatch",
    severity=Severity.ERROR,
    tags=("correctness", "provider-schema"),
    detectors=_STATIC,
    summary=(
        "Checks that a literal passed to a provider resource argument is of a kind the argument can "
        "take: no string or dict where a list is required, no list where a map or an input object "
        "is, no list or dict where a string, number or bool is."
    ),
    why=(
        "The Python SDK passes any value through; the provider rejects the resource during "
        "`pulumi preview` (\"expected a list\", \"expected an object\"), one resource at a time. "
        "Precision first: only values the analyzer knows exactly are checked, and only mismatches no "
        "provider coerces (a string for a number or a bool is left alone). Static only."
    ),
    fix="Pass the kind the message names: a list (`[\"sg-123\"]`), a dict, or a string.",
    bad=(
        Example('''
import pulumi_aws as aws

web = aws.ec2.Instance(
    "web", ami="ami-0abcdef1234567890", instance_type="t3.micro", vpc_security_group_ids="sg-0123456789",
)
''', flagged=("web",), detectors=_STATIC, note="a string where a list is required"),
        Example('''
import pulumi_aws as aws

logs = aws.s3.Bucket("logs", tags=["team:platform", "env:prod"])
''', flagged=("logs",), detectors=_STATIC, note="a list where a map is required"),
        Example('''
import pulumi_aws as aws

DEFAULT_TAGS = {"team": "platform"}
web_sg = aws.ec2.SecurityGroup(
    "web",
    ingress={"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
    tags=DEFAULT_TAGS,
)
''', flagged=("web",), detectors=_STATIC, note="a dict where a list of rules is required"),
    ),
    good=(
        Example('''
import pulumi_aws as aws

web = aws.ec2.Instance(
    "web", ami="ami-0abcdef1234567890", instance_type="t3.micro", vpc_security_group_ids=["sg-0123456789"],
    tags={"team": "platform"},
)
''', detectors=_STATIC),
        Example('''
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
web = aws.ec2.Instance(
    "web", ami=config.require("ami"), instance_type="t3.micro",
    vpc_security_group_ids=config.require_object("securityGroups"),
)
''', detectors=_STATIC, note="values known only at run time: silent"),
        Example('''
import pulumi_aws as aws

db = aws.rds.Instance(
    "db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",
    allocated_storage="20", db_name="app", username="app", manage_master_user_password=True,
)
''', detectors=_STATIC, note="a string for a number: the provider converts it"),
    ),
    references=(
        "https://www.pulumi.com/docs/iac/concepts/inputs-outputs/",
    ),
    no_autofix=(
        'a literal of the wrong kind says nothing about the value that was meant.'
    ),
    static_check="analyzers.static_rules.sg404_argument_type_mismatch:findings",
)
