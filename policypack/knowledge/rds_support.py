"""End of RDS standard support per engine major version: the one dated table.

After the date AWS enrols instances in paid RDS Extended Support; nothing is
removed, but the bill grows and upgrades become urgent. Update this table (and
its ``AS_OF`` date) in one place when AWS publishes new calendars.

Sources:
- https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
- https://docs.aws.amazon.com/AmazonRDS/latest/MySQLReleaseNotes/mysql-release-calendar.html
"""

from __future__ import annotations

import datetime as dt

AS_OF = dt.date(2026, 11, 1)

# (engine, major) → last day of standard support.
END_OF_STANDARD_SUPPORT: dict[tuple[str, str], dt.date] = {
    ("postgres", "9.6"): dt.date(2022, 4, 30),
    ("postgres", "10"): dt.date(2023, 4, 30),
    ("postgres", "11"): dt.date(2024, 2, 29),
    ("postgres", "12"): dt.date(2025, 2, 28),
    ("postgres", "13"): dt.date(2026, 2, 28),
    ("postgres", "14"): dt.date(2027, 2, 28),
    ("postgres", "15"): dt.date(2028, 2, 29),
    ("postgres", "16"): dt.date(2029, 2, 28),
    ("postgres", "17"): dt.date(2030, 2, 28),
    ("mysql", "5.7"): dt.date(2024, 2, 29),
    ("mysql", "8.0"): dt.date(2026, 7, 31),
    ("mysql", "8.4"): dt.date(2029, 7, 31),
}


def end_of_standard_support(engine: str, major: str) -> dt.date | None:
    return END_OF_STANDARD_SUPPORT.get((engine, major))


def supported_majors(engine: str) -> list[str]:
    """Majors of ``engine`` still in standard support on :data:`AS_OF`, oldest first."""
    return [m for (e, m), end in END_OF_STANDARD_SUPPORT.items() if e == engine and end >= AS_OF]
