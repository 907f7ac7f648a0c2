"""SG203 rds-option-group-engine-mismatch."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph, known_str
from policypack.knowledge import rds_engines, rds_links, tokens
from policypack.rules.base import Example, Rule, Severity, Violation


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for instance in graph.of_type(tokens.RDS_INSTANCE):
        engine = rds_engines.normalize_engine(instance.prop("engine"))
        version = known_str(instance.prop("engineVersion"))
        for group in rds_links.linked(graph, instance, "optionGroupName", tokens.RDS_OPTION_GROUP):
            problems = []
            group_engine = rds_engines.normalize_engine(group.prop("engineName"))
            if engine and group_engine and group_engine != engine:
                problems.append(f"engine_name '{group_engine}' but the instance runs '{engine}'")
            group_major = known_str(group.prop("majorEngineVersion"))
            if version and group_major and rds_engines.version_has_prefix(version, group_major) is False:
                shown = "[secret]" if "engineVersion" in instance.secret_props else version
                problems.append(f"major_engine_version '{group_major}' but the instance runs version {shown}")
            if problems:
                yield RULE.violation(
                    instance,
                    f"Instance '{instance.name}' uses option group '{group.name}' with "
                    f"{' and '.join(problems)}. RDS rejects an option group of another engine or "
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
)
