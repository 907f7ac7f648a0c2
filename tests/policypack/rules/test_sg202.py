"""Focused cases for SG202: dates, windows, minimums, unknowns."""

from policypack.graph import UNKNOWN
from policypack.knowledge import rds_support, tokens
from policypack.rules.sg202_rds_engine_version_end_of_support import RULE
from tests.support.graphs import graph, res


def db(name: str, engine, version, **props):
    return res(tokens.RDS_INSTANCE, name, engine=engine, engineVersion=version, **props)


def test_past_end_is_reported_with_date_and_target() -> None:
    [violation] = RULE.run(graph(db("old", "postgres", "13.15")), {"referenceDate": "2026-11-26"})
    assert violation.message.startswith("[SG202] ")
    assert "ended on 2026-02-28" in violation.message
    assert "postgres 17" in violation.message  # the newest supported major as the upgrade target


def test_warning_window_uses_warn_days() -> None:
    g = graph(db("pg14", "postgres", "14.12"))
    assert len(RULE.run(g, {"referenceDate": "2026-11-26"})) == 1  # 94 days left, within 180
    assert RULE.run(g, {"referenceDate": "2026-11-26", "warnDays": 30}) == []


def test_minimum_major_per_engine() -> None:
    g = graph(db("pg15", "postgres", "15.7"), db("pg17", "postgres", "17.5"))
    found = RULE.run(g, {"referenceDate": "2026-11-26", "minimumMajor": {"postgres": "16"}})
    assert [v.resource.name for v in found] == ["pg15"]


def test_unknown_or_untabled_versions_are_silent() -> None:
    g = graph(
        db("unknown", "postgres", UNKNOWN),
        db("noversion", "postgres", None),
        db("oracle", "oracle-ee", "19.0.0.0.ru-2024-10.rur-2024-10.r1"),
        db("garbage", "postgres", ["17"]),
    )
    assert RULE.run(g, {"referenceDate": "2026-11-26"}) == []


def test_invalid_reference_date_falls_back_to_today() -> None:
    found = RULE.run(graph(db("old", "postgres", "12.20")), {"referenceDate": "not-a-date"})
    assert len(found) == 1


def test_cluster_instance_following_its_cluster_is_reported_once() -> None:
    cluster = res(tokens.RDS_CLUSTER, "aurora", engine="postgres", engineVersion="13.15",
                  clusterIdentifier="aurora-x")
    member = res(tokens.RDS_CLUSTER_INSTANCE, "writer", engine="postgres",
                 clusterIdentifier="aurora-x")
    found = RULE.run(graph(cluster, member), {"referenceDate": "2026-11-26"})
    assert [v.resource.name for v in found] == ["aurora"]


def test_secret_engine_version_is_never_printed() -> None:
    from dataclasses import replace

    secret_db = replace(db("old", "postgres", "13.15"), secret_props=frozenset({"engineVersion"}))
    [violation] = RULE.run(graph(secret_db), {"referenceDate": "2026-11-26"})
    assert "13.15" not in violation.message and "[secret]" in violation.message


def test_table_is_ordered_and_dated() -> None:
    assert rds_support.AS_OF.year >= 2026
    assert rds_support.supported_majors("postgres")[0] == "14"
