"""Focused cases for SG203."""

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg203_rds_option_group_engine_mismatch import RULE
from tests.support.graphs import graph, res


def option_group(name, engine, major, **props):
    return res(tokens.RDS_OPTION_GROUP, name, engineName=engine, majorEngineVersion=major, **props)


def instance(name, engine, version, group):
    return res(tokens.RDS_INSTANCE, name, engine=engine, engineVersion=version,
               optionGroupName=UNKNOWN, prop_deps={"optionGroupName": (group.urn,)})


def test_major_and_engine_mismatch_named_in_one_message() -> None:
    group = option_group("og", "mariadb", "10.11")
    [violation] = RULE.run(graph(group, instance("db", "mysql", "8.0.39", group)))
    assert violation.message.startswith("[SG203] ")
    assert "engine_name 'mariadb'" in violation.message and "major_engine_version '10.11'" in violation.message


def test_matching_and_unknown_groups_pass() -> None:
    ok = option_group("ok", "mysql", "8.0")
    unknown = option_group("unknown", UNKNOWN, UNKNOWN)
    assert RULE.run(graph(ok, instance("a", "mysql", "8.0.39", ok))) == []
    assert RULE.run(graph(unknown, instance("b", "mysql", "8.0.39", unknown))) == []


def test_instance_without_version_checks_engine_only() -> None:
    group = option_group("og", "oracle-ee", "19")
    assert len(RULE.run(graph(group, instance("db", "mysql", None, group)))) == 1
    assert RULE.run(graph(group, instance("db", "oracle-ee", None, group))) == []
