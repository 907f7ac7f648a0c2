"""The end-of-support calendar: every engine SG202 checks has dated, sourced facts and a family rule."""

from __future__ import annotations

import datetime as dt

from policypack.knowledge import rds_engines, rds_support

# An engine version of each calendar engine and its parameter group family (aws-facts.md).
SAMPLES = {
    "postgres": ("16.4", "postgres16"),
    "mysql": ("8.0.39", "mysql8.0"),
    "mariadb": ("10.11.5.R2.20231201", "mariadb10.11"),
    "aurora-postgresql": ("16.6-limitless", "aurora-postgresql16"),
    "aurora-mysql": ("8.0.mysql_aurora.3.08.0", "aurora-mysql8.0"),
    "aurora": ("5.6.10a", "aurora5.6"),
}


def test_every_calendar_engine_has_a_family_rule_and_dated_facts() -> None:
    assert set(SAMPLES) == set(rds_support.CALENDAR_ENGINES)
    for engine, (version, family) in SAMPLES.items():
        assert rds_engines.expected_family(engine, version) == family, engine
        facts = [f for f in rds_support.FACTS if f.engine == engine]
        assert facts, f"{engine} has no support calendar"
        for fact in facts:
            assert rds_engines.major_version(engine, f"{fact.major}.1") == fact.major, fact


def test_every_fact_names_its_source_and_when_it_was_recorded() -> None:
    keys = [(f.engine, f.major) for f in rds_support.FACTS]
    assert len(keys) == len(set(keys))
    for fact in rds_support.FACTS:
        assert fact.source.startswith("https://") and "amazon" in fact.source, fact
        assert dt.date(2025, 1, 1) <= fact.recorded <= dt.date(2027, 1, 1), fact
        assert fact.engine in rds_support.CALENDAR_ENGINES


def test_unverified_majors_are_not_guessed() -> None:
    for engine, majors in rds_support.UNVERIFIED.items():
        for major in majors:
            assert rds_support.end_of_standard_support(engine, major) is None, (engine, major)


def test_aurora_majors_past_and_inside_the_window() -> None:
    assert rds_support.end_of_standard_support("aurora-postgresql", "12") == dt.date(2025, 2, 28)
    assert rds_support.end_of_standard_support("aurora-postgresql", "11") == dt.date(2024, 2, 29)
    assert rds_support.end_of_standard_support("aurora-mysql", "5.7") == dt.date(2024, 10, 31)
    assert rds_engines.major_version("aurora-mysql", "5.7.mysql_aurora.2.12.0") == "5.7"
    assert rds_engines.major_version("aurora-postgresql", "12.22") == "12"
