"""The family derivation for every engine row of the domain facts, and its edges."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policypack.knowledge.rds_engines import (
    default_group_family,
    expected_family,
    major_version,
    same_family,
    version_has_prefix,
    version_numbers,
)


@pytest.mark.parametrize(
    ("engine", "version", "family"),
    [
        # postgres: postgres9.6 below 10, else postgres{major}
        ("postgres", "9.6.24", "postgres9.6"),
        ("postgres", "16.4", "postgres16"),
        ("postgres", "17", "postgres17"),
        ("postgres", "17.5", "postgres17"),
        ("postgres", "11.22-RDS.20241121", "postgres11"),
        # aurora-postgresql{major}
        ("aurora-postgresql", "16.4", "aurora-postgresql16"),
        ("aurora-postgresql", "16.6-limitless", "aurora-postgresql16"),
        # mysql{major}.{minor}
        ("mysql", "5.7.44", "mysql5.7"),
        ("mysql", "8.0.39", "mysql8.0"),
        ("mysql", "8.4", "mysql8.4"),
        # mariadb{major}.{minor}
        ("mariadb", "10.6.19", "mariadb10.6"),
        ("mariadb", "10.11.9", "mariadb10.11"),
        ("mariadb", "11.4.3", "mariadb11.4"),
        ("mariadb", "11.8.2", "mariadb11.8"),
        # aurora-mysql{first two numbers}
        ("aurora-mysql", "5.7.mysql_aurora.2.12.0", "aurora-mysql5.7"),
        ("aurora-mysql", "8.0.mysql_aurora.3.08.0", "aurora-mysql8.0"),
        ("aurora-mysql", "8.4.mysql_aurora.8.4.7", "aurora-mysql8.4"),
        # Aurora MySQL 1 (legacy)
        ("aurora", "5.6.10a", "aurora5.6"),
        # oracle: {engine}-{major}
        ("oracle-ee", "19.0.0.0.ru-2024-10.rur-2024-10.r1", "oracle-ee-19"),
        ("oracle-se2", "19.0.0.0.ru-2024-10.rur-2024-10.r1", "oracle-se2-19"),
        ("oracle-ee-cdb", "21.0.0.0.ru-2024-10.rur-2024-10.r1", "oracle-ee-cdb-21"),
        ("oracle-se2-cdb", "19.0.0.0.ru-2024-10.rur-2024-10.r1", "oracle-se2-cdb-19"),
        # sqlserver: {engine}-{major}.0
        ("sqlserver-ee", "16.00.4165.4.v1", "sqlserver-ee-16.0"),
        ("sqlserver-se", "15.00.4415.2.v1", "sqlserver-se-15.0"),
        ("sqlserver-ex", "16.00.4165.4.v1", "sqlserver-ex-16.0"),
        ("sqlserver-web", "14.00.3465.1.v1", "sqlserver-web-14.0"),
        # db2: {engine}-{major}.{minor}
        ("db2-se", "11.5.9.0.sb00000000.r1", "db2-se-11.5"),
        ("db2-ae", "11.5.9.0.sb00000000.r1", "db2-ae-11.5"),
        ("db2-ce", "11.5.9.0.sb00000000.r1", "db2-ce-11.5"),
        # engine names are case-insensitive
        ("Postgres", "17.2", "postgres17"),
    ],
)
def test_expected_family(engine: str, version: str, family: str) -> None:
    assert expected_family(engine, version) == family


@pytest.mark.parametrize(
    ("engine", "version"),
    [
        ("custom-oracle-ee", "19.c.ee.002"),  # RDS Custom: parameter groups don't apply
        ("custom-sqlserver-ee", "15.00.4073.23.v1"),
        ("mysql", "8"),  # major-only where the family needs a minor
        ("mariadb", "10"),
        ("postgres", "9"),
        ("postgres", None),  # restore / replica without a version
        (None, "17.5"),
        ("neptune", "1.3.2.0"),  # not an RDS parameter-group engine
        ("postgres", "latest"),
        ("postgres", ""),
        ("postgres", 17),  # not a string: not derivable, no crash
    ],
)
def test_expected_family_not_derivable(engine, version) -> None:
    assert expected_family(engine, version) is None


@pytest.mark.parametrize(
    ("engine", "version", "major"),
    [
        ("postgres", "17.5", "17"),
        ("postgres", "9.6.24", "9.6"),
        ("mysql", "8.0.39", "8.0"),
        ("mariadb", "10.11.9", "10.11"),
        ("sqlserver-ee", "16.00.4165.4.v1", "16"),
        ("oracle-ee", "19.0.0.0.ru-2024-10.rur-2024-10.r1", "19"),
        ("mysql", "8", None),
    ],
)
def test_major_version(engine: str, version: str, major: str | None) -> None:
    assert major_version(engine, version) == major


def test_version_numbers_stop_at_text() -> None:
    assert version_numbers("8.0.mysql_aurora.3.08.0") == (8, 0)
    assert version_numbers("11.22-RDS.20241121") == (11, 22)
    assert version_numbers("16.6-limitless") == (16, 6)
    assert version_numbers("v17") == ()


def test_version_has_prefix_compares_numbers() -> None:
    assert version_has_prefix("15.00.4073.23.v1", "15.00") is True
    assert version_has_prefix("15.00.4073.23.v1", "15.0") is True
    assert version_has_prefix("8.0.39", "5.7") is False
    assert version_has_prefix("8.0.39", "") is None


def test_default_group_family_and_case() -> None:
    assert default_group_family("default.postgres17") == "postgres17"
    assert default_group_family("custom-group") is None
    assert same_family("Postgres17", "postgres17")


@given(st.one_of(st.none(), st.text(), st.integers()), st.one_of(st.none(), st.text(), st.integers()))
def test_derivation_never_raises(engine, version) -> None:
    family = expected_family(engine, version)
    assert family is None or isinstance(family, str)
    major = major_version(engine, version)
    assert major is None or isinstance(major, str)
