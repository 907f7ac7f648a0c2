"""Focused cases for SG201: relations by URN, by name, defaults, unknowns."""

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg201_rds_parameter_group_family_mismatch import RULE
from tests.support.graphs import graph, res, urn


def pg(name: str, family, /, **props):
    return res(tokens.RDS_PARAMETER_GROUP, name, family=family, **props)


def instance(name: str, version, group_prop, deps=None, **props):
    return res(tokens.RDS_INSTANCE, name, engine="postgres", engineVersion=version,
               parameterGroupName=group_prop, prop_deps=deps, **props)


def test_relation_by_property_dependency_during_preview() -> None:
    group = pg("params", "postgres14")
    db = instance("db", "17.5", UNKNOWN, {"parameterGroupName": (group.urn,)})
    [violation] = RULE.run(graph(group, db))
    assert violation.resource.name == "db"
    assert "'postgres14'" in violation.message and "'postgres17'" in violation.message


def test_relation_by_literal_name_is_case_insensitive() -> None:
    group = pg("params", "postgres14", name="App-PG")
    db = instance("db", "17.5", "app-pg")
    assert len(RULE.run(graph(group, db))) == 1


def test_unknown_family_version_or_dangling_group_are_silent() -> None:
    unknown_family = pg("a", UNKNOWN)
    db1 = instance("db1", "17.5", UNKNOWN, {"parameterGroupName": (unknown_family.urn,)})
    db2 = instance("db2", UNKNOWN, UNKNOWN, {"parameterGroupName": (unknown_family.urn,)})
    db3 = instance("db3", "17.5", UNKNOWN, {"parameterGroupName": (urn(tokens.RDS_PARAMETER_GROUP, "gone"),)})
    db4 = instance("db4", "17.5", "some-group-outside-the-stack")
    assert RULE.run(graph(unknown_family, db1, db2, db3, db4)) == []


def test_default_group_by_name() -> None:
    assert len(RULE.run(graph(instance("db", "17.1", "default.postgres16")))) == 1
    assert RULE.run(graph(instance("db", "17.1", "default.postgres17"))) == []


def test_cluster_instance_version_from_cluster_by_dependency() -> None:
    cluster = res(tokens.RDS_CLUSTER, "c", engine="aurora-postgresql", engineVersion="16.4")
    group = pg("p", "aurora-postgresql15")
    member = res(tokens.RDS_CLUSTER_INSTANCE, "w", engine="aurora-postgresql",
                 clusterIdentifier=UNKNOWN, dbParameterGroupName=UNKNOWN,
                 prop_deps={"clusterIdentifier": (cluster.urn,), "dbParameterGroupName": (group.urn,)})
    [violation] = RULE.run(graph(cluster, group, member))
    assert violation.resource.name == "w" and "from its cluster 'c'" in violation.message


def test_cluster_instance_parameters_checked_against_cluster_family() -> None:
    cluster_group = res(tokens.RDS_CLUSTER_PARAMETER_GROUP, "cp", family="aurora-mysql8.0")
    instance_group = pg("ip", "aurora-mysql8.0")
    cluster = res(tokens.RDS_CLUSTER, "c", engine="aurora-mysql", engineVersion="8.0.mysql_aurora.3.08.0",
                  dbClusterParameterGroupName=UNKNOWN, dbInstanceParameterGroupName=UNKNOWN,
                  prop_deps={"dbClusterParameterGroupName": (cluster_group.urn,),
                             "dbInstanceParameterGroupName": (instance_group.urn,)})
    assert RULE.run(graph(cluster_group, instance_group, cluster)) == []


def test_garbage_values_do_not_crash() -> None:
    db = res(tokens.RDS_INSTANCE, "db", engine=["postgres"], engineVersion={"v": 1}, parameterGroupName=5)
    assert RULE.run(graph(db)) == []
