"""SG201 rds-parameter-group-family-mismatch."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from policypack.graph import Resource, ResourceGraph
from policypack.knowledge import rds_engines, rds_links, tokens
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation

# (database type, prop naming the group, group type)
_GROUP_PROPS = (
    (tokens.RDS_INSTANCE, "parameterGroupName", tokens.RDS_PARAMETER_GROUP),
    (tokens.RDS_CLUSTER, "dbClusterParameterGroupName", tokens.RDS_CLUSTER_PARAMETER_GROUP),
    (tokens.RDS_CLUSTER, "dbInstanceParameterGroupName", tokens.RDS_PARAMETER_GROUP),
    (tokens.RDS_CLUSTER_INSTANCE, "dbParameterGroupName", tokens.RDS_PARAMETER_GROUP),
)


@dataclass(frozen=True)
class Mismatch:
    """One database prop naming a group of the wrong family (what a finding and its fix are about)."""

    database: Resource
    prop: str  # the database prop that names the group
    group: rds_links.GroupRef
    family: str
    expected: str
    info: rds_links.EngineInfo


def mismatches(graph: ResourceGraph) -> Iterator[Mismatch]:
    for db_type, prop, group_type in _GROUP_PROPS:
        for database in graph.of_type(db_type):
            info = rds_links.engine_of(graph, database)
            expected = info.family
            if expected is None:
                continue  # engine or version unknown/absent: not applicable
            for group in rds_links.groups(graph, database, prop, group_type):
                family = rds_links.group_family(group)
                if family is None or rds_engines.same_family(family, expected):
                    continue
                yield Mismatch(database, prop, group, family, expected, info)


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for found in mismatches(graph):
        database = found.database
        yield RULE.violation(
            database,
            f"{database.type.rsplit(':', 1)[1]} '{database.name}' runs "
            f"{rds_links.describe(found.info, database)}, which needs parameter group family "
            f"'{found.expected}', but its {found.prop} {found.group.label} has family '{found.family}'. AWS "
            f"rejects this at deploy time (InvalidParameterCombination). Set the group's family to "
            f"'{found.expected}', ideally derived from the engine version in one place.",
        )


_BAD_SEED = '''
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="postgres14")
db = aws.rds.Instance(
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

_GOOD_SEED = '''
import pulumi_aws as aws

ENGINE_VERSION = "17.5"
FAMILY = f"postgres{ENGINE_VERSION.split('.')[0]}"

params = aws.rds.ParameterGroup("params", family=FAMILY)
db = aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version=ENGINE_VERSION,
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    parameter_group_name=params.name,
)
'''

RULE = Rule(
    code="SG201",
    family='RDS engines and parameter/option groups',
    name="rds-parameter-group-family-mismatch",
    severity=Severity.ERROR,
    tags=("correctness", "rds"),
    summary=(
        "Checks that the parameter group attached to an RDS Instance, Cluster or "
        "ClusterInstance has the family of the database's engine and engine version."
    ),
    why=(
        "A parameter group only applies to one engine family. A `postgres14` group on a "
        "PostgreSQL 17 instance passes `pulumi preview` and then fails at deploy time with "
        "`InvalidParameterCombination`, often halfway through an update after an engine "
        "upgrade that forgot the group."
    ),
    fix=(
        "Derive the family from the engine version in one place (PostgreSQL: "
        "`postgres{major}`; MySQL/MariaDB: `{engine}{major}.{minor}`; Aurora MySQL: "
        "`aurora-mysql{major}.{minor}`), or use a matching `default.<family>` group."
    ),
    bad=(
        Example(_BAD_SEED, flagged=("db",), note="postgres14 group on PostgreSQL 17 (the seed fault)"),
        Example('''
from pulumi_aws import rds as db

cluster_params = db.ClusterParameterGroup("cluster-params", family="aurora-postgresql15")
cluster = db.Cluster(
    "aurora",
    engine="aurora-postgresql",
    engine_version="16.4",
    master_username="app",
    manage_master_user_password=True,
    db_cluster_parameter_group_name=cluster_params.name,
    skip_final_snapshot=True,
)
''', flagged=("aurora",), note="Aurora cluster parameter group one major behind"),
        Example('''
import pulumi_aws as aws

cluster = aws.rds.Cluster(
    "mysql",
    engine="aurora-mysql",
    engine_version="8.0.mysql_aurora.3.08.0",
    master_username="app",
    manage_master_user_password=True,
    skip_final_snapshot=True,
)
instance_params = aws.rds.ParameterGroup("instance-params", family="aurora-mysql5.7")
writer = aws.rds.ClusterInstance(
    "writer",
    cluster_identifier=cluster.id,
    engine="aurora-mysql",
    instance_class="db.r6g.large",
    db_parameter_group_name=instance_params.name,
)
''', flagged=("writer",), note="ClusterInstance takes the version of its cluster"),
        Example('''
from pulumi_aws.rds import Instance as Database

primary = Database(
    "primary",
    engine="postgres",
    engine_version="17.2",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    parameter_group_name="default.postgres16",
)
''', flagged=("primary",), note="an AWS default group named by literal"),
        Example('''
import pulumi_aws as aws

aws.rds.ParameterGroup("named", name="app-mysql", family="mysql5.7")
aws.rds.Instance(
    "mysql-db",
    engine="mysql",
    engine_version="8.0.39",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    parameter_group_name="app-mysql",
)
''', flagged=("mysql-db",), note="group referred to by its literal name"),
    ),
    good=(
        Example(_GOOD_SEED, note="family derived from the engine version"),
        Example('''
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="mysql8.0")
aws.rds.Instance(
    "db",
    engine="mysql",
    engine_version="8.0.39",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    parameter_group_name=params.name,
)
'''),
        Example('''
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance(
    "replica",
    replicate_source_db="arn:aws:rds:eu-west-1:123456789012:db:primary",
    instance_class="db.t4g.micro",
    parameter_group_name=params.name,
)
''', note="a read replica without engine_version: not applicable"),
        Example('''
import pulumi_aws as aws

cluster = aws.rds.Cluster(
    "aurora",
    engine="aurora-postgresql",
    engine_version="16.6-limitless",
    master_username="app",
    manage_master_user_password=True,
    db_cluster_parameter_group_name="default.aurora-postgresql16",
    skip_final_snapshot=True,
)
''', note="AWS default group of the right family, version with a suffix"),
        Example('''
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="sqlserver-ee-16.0")
aws.rds.Instance(
    "mssql",
    engine="sqlserver-ee",
    engine_version="16.00.4165.4.v1",
    instance_class="db.m6i.xlarge",
    allocated_storage=200,
    username="app",
    manage_master_user_password=True,
    license_model="license-included",
    parameter_group_name=params.name,
)
'''),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html",
        "https://www.pulumi.com/registry/packages/aws/api-docs/rds/parametergroup/",
    ),
    check=check,
    autofix=AutoFix(
        FixSafety.SAFE,
        "Sets the parameter group's `family` to the one the engine version needs, where the family is "
        "written: the string literal, a module constant (also in another file of the project), the "
        "constant holding the major of an f-string, or the `default.<family>` group name. When the "
        "engine version is a constant and the code already has a function deriving the family from "
        "it, the family becomes a call of that function instead.",
        "when the family or the engine version is computed where the analyzer can't follow, when the "
        "literal also feeds other values, or when one call site serves databases of different versions.",
    ),
)
