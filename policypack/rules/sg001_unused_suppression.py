"""SG001 unused-suppression (static only: implemented in analyzers.suppressions)."""

from __future__ import annotations

from policypack.rules.base import Detector, Example, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

# The seed fault of SG201 (postgres14 group on PostgreSQL 17), used below to show
# a suppression that is in use next to one that is not.
_FAULTY_DB = '''
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="postgres14")
db = aws.rds.Instance(  # noqa: {codes}
    "db",
    engine="postgres",
    engine_version="17.5",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    parameter_group_name=params.name,
)
'''

_MATCHING_DB = '''
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="postgres17")
db = aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version="17.5",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    parameter_group_name=params.name,{comment}
)
'''

RULE = Rule(
    code="SG001",
    name="unused-suppression",
    severity=Severity.INFO,
    tags=("maintainability",),
    detectors=_STATIC,
    summary=(
        "Reports a `# noqa: SGxxx` or `# stackguard: noqa: SGxxx` comment that names a "
        "stackguard rule which reported nothing on the lines (or, at file level, in the file) "
        "it covers."
    ),
    why=(
        "A suppression outlives the finding it was written for: after the fault is fixed, "
        "the comment stays and silently hides the next real fault of that rule on the same "
        "resource, such as a parameter group family that drifts again at the next engine "
        "upgrade. A code that is not a stackguard rule at all (a typo like `SG2O1`) "
        "suppresses nothing and hides the intent."
    ),
    fix=(
        "Delete the code from the comment (or the whole comment). Codes of other tools in "
        "the same comment (`# noqa: E501`) and bare `# noqa` comments are never reported."
    ),
    bad=(
        Example(
            _MATCHING_DB.format(comment="  # noqa: SG201"),
            flagged=("SG201",),
            detectors=_STATIC,
            note="the family was fixed, the suppression stayed",
        ),
        Example(
            "import pulumi_aws as aws  # stackguard: noqa: SG101\n",
            flagged=("SG101",),
            detectors=_STATIC,
            note="a trailing directive covers its own line, which creates no resource",
        ),
        Example(
            _FAULTY_DB.format(codes="SG201, SG203"),
            flagged=("SG203",),
            detectors=_STATIC,
            note="SG201 is in use, SG203 is not",
        ),
    ),
    good=(
        Example(
            _FAULTY_DB.format(codes="SG201"),
            detectors=_STATIC,
            note="the suppression silences a real SG201 finding",
        ),
        Example(
            _MATCHING_DB.format(comment="  # noqa: E501"),
            detectors=_STATIC,
            note="another tool's code is left to that tool",
        ),
        Example(
            _MATCHING_DB.format(comment="  # noqa"),
            detectors=_STATIC,
            note="a bare noqa may be meant for any tool",
        ),
    ),
    references=(
        "https://docs.astral.sh/ruff/rules/unused-noqa/",
        "https://flake8.pycqa.org/en/latest/user/violations.html#in-line-ignoring-errors",
    ),
    no_autofix="delete the unused code from the comment (or the comment) by hand.",
    static_check="analyzers.suppressions:apply",
)
