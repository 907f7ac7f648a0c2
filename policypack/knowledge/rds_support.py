"""End of RDS and Aurora standard support per engine major version: the one dated table.

After the date AWS enrols databases in paid RDS Extended Support; nothing is
removed, but the bill grows and upgrades become urgent. Every fact below
names where it was read and when (``SupportFact.source`` / ``recorded``);
update them in one place when AWS publishes new calendars.

Only dates read in a published AWS source are here. A major without a
verified date is not in the table, so SG202 says nothing about it (precision
first) rather than guessing from another engine's calendar; see
``UNVERIFIED`` for the majors known to be missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AS_OF = dt.date(2026, 11, 1)

_RDS_POSTGRES = "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html"
_RDS_MYSQL = "https://docs.aws.amazon.com/AmazonRDS/latest/MySQLReleaseNotes/mysql-release-calendar.html"
_AURORA_PG_96 = "https://aws.amazon.com/blogs/database/upgrade-amazon-rds-and-amazon-aurora-postgresql-version-9-6/"
_AURORA_PG_11 = ("https://aws.amazon.com/blogs/database/"
                 "postgresql-11-upgrade-strategies-for-amazon-aurora-postgresql-and-amazon-rds-for-postgresql")
_AURORA_PG_12 = ("https://aws.amazon.com/blogs/database/"
                 "upgrade-strategies-for-amazon-aurora-postgresql-and-amazon-rds-for-postgresql-12")
_AURORA_EXTENDED = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/extended-support.html"
_AURORA_MYSQL_1 = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.MySQL56.EOL.html"
_MARIADB_102 = "https://aws.amazon.com/blogs/database/upgrading-from-amazon-rds-for-mariadb-version-10-2/"
_FACTS_PAGE = dt.date(2026, 11, 1)  # the project's aws-facts table ("as known in Nov 2026")
_READ = dt.date(2026, 12, 2)  # sources read for the Aurora and MariaDB entries


@dataclass(frozen=True)
class SupportFact:
    engine: str  # as RDS names it: "postgres", "aurora-postgresql", ...
    major: str  # as rds_engines.major_version gives it: "17", "9.6", "8.0", "10.11"
    end: dt.date  # last day of standard support (or end of life, for majors without Extended Support)
    source: str  # where the date is published
    recorded: dt.date  # when the source was read


FACTS: tuple[SupportFact, ...] = (
    SupportFact("postgres", "9.6", dt.date(2022, 4, 30), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "10", dt.date(2023, 4, 30), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "11", dt.date(2024, 2, 29), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "12", dt.date(2025, 2, 28), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "13", dt.date(2026, 2, 28), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "14", dt.date(2027, 2, 28), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "15", dt.date(2028, 2, 29), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "16", dt.date(2029, 2, 28), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("postgres", "17", dt.date(2030, 2, 28), _RDS_POSTGRES, _FACTS_PAGE),
    SupportFact("mysql", "5.7", dt.date(2024, 2, 29), _RDS_MYSQL, _FACTS_PAGE),
    SupportFact("mysql", "8.0", dt.date(2026, 7, 31), _RDS_MYSQL, _FACTS_PAGE),
    SupportFact("mysql", "8.4", dt.date(2029, 7, 31), _RDS_MYSQL, _FACTS_PAGE),
    # Aurora PostgreSQL 9.6 reached end of life (automatic upgrades from this date).
    SupportFact("aurora-postgresql", "9.6", dt.date(2022, 1, 31), _AURORA_PG_96, _READ),
    SupportFact("aurora-postgresql", "11", dt.date(2024, 2, 29), _AURORA_PG_11, _READ),
    SupportFact("aurora-postgresql", "12", dt.date(2025, 2, 28), _AURORA_PG_12, _READ),
    # Aurora MySQL version 2 (MySQL 5.7 compatible).
    SupportFact("aurora-mysql", "5.7", dt.date(2024, 10, 31), _AURORA_EXTENDED, _READ),
    # Aurora MySQL version 1 (MySQL 5.6 compatible, engine "aurora"): end of life.
    SupportFact("aurora", "5.6", dt.date(2023, 2, 28), _AURORA_MYSQL_1, _READ),
    SupportFact("mariadb", "10.2", dt.date(2022, 10, 15), _MARIADB_102, _READ),
)

# Majors whose end date could not be read in a published source when the table was last
# updated: not checked (no finding either way) until someone adds them with their source.
UNVERIFIED: dict[str, tuple[str, ...]] = {
    "postgres": ("18",),
    "aurora-postgresql": ("10", "13", "14", "15", "16", "17"),
    "aurora-mysql": ("8.0",),
    "mysql": (),
    "mariadb": ("10.3", "10.4", "10.5", "10.6", "10.11", "11.4", "11.8"),
}

# The engines SG202 checks: every one has a calendar (FACTS) and a family rule (rds_engines).
CALENDAR_ENGINES = ("postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql", "aurora")

# (engine, major) → last day of standard support.
END_OF_STANDARD_SUPPORT: dict[tuple[str, str], dt.date] = {(f.engine, f.major): f.end for f in FACTS}


def end_of_standard_support(engine: str, major: str) -> dt.date | None:
    return END_OF_STANDARD_SUPPORT.get((engine, major))


def supported_majors(engine: str) -> list[str]:
    """Majors of ``engine`` still in standard support on :data:`AS_OF`, oldest first."""
    return [m for (e, m), end in END_OF_STANDARD_SUPPORT.items() if e == engine and end >= AS_OF]
