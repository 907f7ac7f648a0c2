"""SG203 rds-option-group-engine-mismatch."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from policypack.graph import Resource, ResourceGraph, known_str
from policypack.knowledge import rds_engines, rds_links, tokens
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation


@dataclass(frozen=True)
class OptionMismatch:
    """An instance's option group made for another engine or major (what a finding and its fix are about)."""

    instance: Resource
    group: Resource
    engine: str | None  # the instance's engine, when the group's engine_name differs
    major: str | None  # the group's major_engine_version for the instance's version, when it differs
    problems: tuple[str, ...]


def mismatches(graph: ResourceGraph) -> Iterator[OptionMismatch]:
    for instance in graph.of_type(tokens.RDS_INSTANCE):
        engine = rds_engines.normalize_engine(instance.prop("engine"))
        version = known_str(instance.prop("engineVersion"))
        for group in rds_links.linked(graph, instance, "optionGroupName", tokens.RDS_OPTION_GROUP):
            problems = []
            wrong_engine = wrong_major = False
            group_engine = rds_engines.normalize_engine(group.prop("engineName"))
            if engine and group_engine and group_engine != engine:
                problems.append(f"engine_name '{group_engine}' but the instance runs '{engine}'")
                wrong_engine = True
            group_major = known_str(group.prop("majorEngineVersion"))
            if version and group_major and rds_engines.version_has_prefix(version, group_major) is False:
                shown = "[secret]" if "engineVersion" in instance.secret_props else version
                problems.append(f"major_engine_version '{group_major}' but the instance runs version {shown}")
                wrong_major = True
            if problems:
                expected_major = rds_engines.option_group_major(engine, version) if wrong_major else None
                yield OptionMismatch(instance, group, engine if wrong_engine else None, expected_major,
                                     tuple(problems))


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for found in mismatches(graph):
        yield RULE.violation(
            found.instance,
            f"Instance '{found.instance.name}' uses option group '{found.group.name}' with "
            f"{' and '.join(found.problems)}. RDS rejects an option group of another engine or "
            "major version (InvalidParameterCombination). Create the option group for the "
            "instance's engine and major version.",
        )


RULE = Rule(
    code="SG203",
    name="rds-option-group-engine-mismatch",
    severity=Severity.ERROR,
    tags=("correctness", "rds"),
    summary=(
        "Checks that an RDS Instance's option group was made for the instance's engine and major "
        "engine version."
    ),
    why=(
        "An option group belongs to one engine and major version. Attaching a MySQL 5.7 group to a "
        "MySQL 8.0 instance (a common leftover after an upgrade) fails at deploy time with "
        "`InvalidParameterCombination`."
    ),
    fix=(
        "Set the option group's `engine_name` and `major_engine_version` from the instance's "
        "engine and version."
    ),
    bad=(
        Example('''
import pulumi_aws as aws

options = aws.rds.OptionGroup("options", engine_name="mysql", major_engine_version="5.7")
aws.rds.Instance(
    "db",
    engine="mysql",
    engine_version="8.0.39",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    option_group_name=options.name,
)
''', flagged=("db",), note="option group left behind on the old major"),
        Example('''
import pulumi_aws as aws

options = aws.rds.OptionGroup("options", engine_name="mariadb", major_engine_version="10.11")
aws.rds.Instance(
    "db",
    engine="mysql",
    engine_version="8.4.3",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    option_group_name=options.name,
)
''', flagged=("db",), note="another engine's option group"),
        Example('''
from pulumi_aws import rds

rds.OptionGroup("mssql-options", name="mssql-options", engine_name="sqlserver-ee",
                major_engine_version="15.00")
rds.Instance(
    "mssql",
    engine="sqlserver-ee",
    engine_version="16.00.4165.4.v1",
    instance_class="db.m6i.xlarge",
    allocated_storage=200,
    username="app",
    manage_master_user_password=True,
    license_model="license-included",
    option_group_name="mssql-options",
)
''', flagged=("mssql",), note="option group referred to by literal name"),
    ),
    good=(
        Example('''
import pulumi_aws as aws

options = aws.rds.OptionGroup("options", engine_name="mysql", major_engine_version="8.0")
aws.rds.Instance(
    "db",
    engine="mysql",
    engine_version="8.0.39",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    option_group_name=options.name,
)
'''),
        Example('''
import pulumi_aws as aws

options = aws.rds.OptionGroup("options", engine_name="sqlserver-ee", major_engine_version="16.00")
aws.rds.Instance(
    "mssql",
    engine="sqlserver-ee",
    engine_version="16.00.4165.4.v1",
    instance_class="db.m6i.xlarge",
    allocated_storage=200,
    username="app",
    manage_master_user_password=True,
    license_model="license-included",
    option_group_name=options.name,
)
''', note="SQL Server majors are written 16.00"),
        Example('''
import pulumi_aws as aws

options = aws.rds.OptionGroup("options", engine_name="oracle-ee", major_engine_version="19")
aws.rds.Instance(
    "oracle",
    engine="oracle-ee",
    engine_version="19.0.0.0.ru-2024-10.rur-2024-10.r1",
    instance_class="db.m6i.xlarge",
    allocated_storage=200,
    username="app",
    manage_master_user_password=True,
    license_model="bring-your-own-license",
    option_group_name=options.name,
)
'''),
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "db",
    engine="mysql",
    engine_version="8.0.39",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    option_group_name="shared-mysql80-options",
)
''', note="an option group managed outside the stack: not applicable"),
    ),
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithOptionGroups.html",),
    check=check,
    autofix=AutoFix(
        FixSafety.SAFE,
        "Sets the option group's `engine_name` to the instance's engine and its `major_engine_version` "
        "to the instance's major version (`8.0`, `19`, `16.00`), where each is written: the string "
        "literal or a module constant, also in another file of the project.",
        "when the option group's values or the instance's engine version are computed where the analyzer "
        "can't follow, or when the literal also feeds other values.",
    ),
)
