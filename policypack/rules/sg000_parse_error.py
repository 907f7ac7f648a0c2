"""SG000 parse-error (static only: implemented in analyzers.static_rules.sg000_parse_error)."""

from __future__ import annotations

from policypack.rules.base import Detector, Example, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG000",
    family='the analyzer itself (parse errors, unused suppressions, links it does not follow)',
    name="parse-error",
    severity=Severity.ERROR,
    tags=("correctness",),
    detectors=_STATIC,
    summary=(
        "Reports a Python file that cannot be parsed (a syntax error, bytes that are not valid in "
        "the file's encoding, a null byte, nesting too deep to analyze), at the line and column "
        "of the problem."
    ),
    why=(
        "Nothing in a file that cannot be parsed is checked: every other rule is silent about it, "
        "so a clean report would be a false reassurance. `pulumi up` would fail on the same file "
        "anyway, usually later in a pipeline."
    ),
    fix=(
        "Fix the syntax error at the reported position, or save the file as UTF-8 (or declare its "
        "encoding with a `# -*- coding: ... -*-` line). Generated files that are not programs can "
        "be excluded in `[tool.stackguard]`."
    ),
    bad=(
        Example('''
import pulumi_aws as aws

bucket = aws.s3.Bucket("logs"
pulumi.export("bucket", bucket.id)
''', flagged=("line 4",), detectors=_STATIC, note="an unclosed parenthesis"),
        Example('''
import pulumi
import pulumi_aws as aws

def make_bucket(name)
    return aws.s3.Bucket(name)
''', flagged=("line 5",), detectors=_STATIC, note="a def without its colon"),
        Example('''
import pulumi_aws as aws

class Storage:
    def __init__(self):
        self.bucket = aws.s3.Bucket("data")
      self.table = aws.dynamodb.Table("data")
''', flagged=("line 7",), detectors=_STATIC, note="an indentation that matches no outer block"),
        Example('''
import pulumi_aws as aws

queue = aws.sqs.Queue("jobs", visibility_timeout_seconds=30,, delay_seconds=0)
''', flagged=("line 4",), detectors=_STATIC, note="a doubled comma in the arguments"),
    ),
    good=(
        Example('''
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("logs")
pulumi.export("bucket", bucket.id)
''', detectors=_STATIC),
        Example('''
# -*- coding: latin-1 -*-
import pulumi_aws as aws

aws.s3.Bucket("logs", tags={"owner": "team"})
''', detectors=_STATIC, note="an explicit coding declaration"),
        Example('''
import pulumi
import pulumi_aws as aws

match pulumi.get_stack():
    case "prod":
        size = "db.r6g.large"
    case _:
        size = "db.t4g.micro"
''', detectors=_STATIC, note="newer syntax (match statements) parses"),
    ),
    references=("https://docs.python.org/3/reference/lexical_analysis.html#encoding-declarations",),
    no_autofix=(
        "the file is not Python the analyzer can read; only its author knows what was meant. The "
        "finding's line and column point at the problem."
    ),
    static_check="analyzers.static_rules.sg000_parse_error:findings",
)
