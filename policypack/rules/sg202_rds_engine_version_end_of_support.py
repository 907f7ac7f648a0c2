"""SG202 rds-engine-version-end-of-support."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph
from policypack.knowledge import rds_engines, rds_links, rds_support, tokens
from policypack.rules import clock
from policypack.rules.base import Detector, Example, Option, Rule, Severity, Violation


def _reference_date(value: Any) -> dt.date:
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # an invalid date falls back to today rather than failing the whole policy
    return clock.today()


def _below_minimum(major: str, minimum: Any) -> bool:
    have = rds_engines.version_numbers(major)
    want = rds_engines.version_numbers(str(minimum)) if minimum is not None else ()
    return bool(have and want) and have < want


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    today = _reference_date(options.get("referenceDate"))
    warn_days = options.get("warnDays")
    warn_days = warn_days if isinstance(warn_days, int) and warn_days >= 0 else 180
    configured = options.get("minimumMajor")
    minimums = configured if isinstance(configured, Mapping) else {}
    for database in graph.of_type(*tokens.RDS_DATABASES):
        info = rds_links.engine_of(graph, database)
        if database.type == tokens.RDS_CLUSTER_INSTANCE and info.source is not database:
            continue  # the cluster itself is reported; one finding per engine choice
        engine, major = rds_engines.normalize_engine(info.engine), info.major
        if engine is None or major is None:
            continue
        version = rds_links.describe(info, database)
        minimum = minimums.get(engine)
        if _below_minimum(major, minimum):
            yield RULE.violation(
                database,
                f"'{database.name}' runs {version}, below the minimum major version {minimum} that "
                f"this organisation allows for {engine}. Upgrade the engine (and its parameter group "
                "family).",
            )
            continue
        end = rds_support.end_of_standard_support(engine, major)
        if end is None:
            continue
        days_left = (end - today).days
        if days_left < 0:
            when = f"ended on {end.isoformat()}"
        elif days_left <= warn_days:
            when = f"ends on {end.isoformat()} ({days_left} days from now)"
        else:
            continue
        newer = [m for m in rds_support.supported_majors(engine)
                 if rds_engines.version_numbers(m) > rds_engines.version_numbers(major)]
        target = f" to {engine} {newer[-1]}" if newer else ""
        yield RULE.violation(
            database,
            f"'{database.name}' runs {version}; RDS standard support for {engine} {major} {when}. "
            "After that AWS bills the instance for RDS Extended Support. Plan a major version "
            f"upgrade{target} and move the parameter group family with it.",
        )


RULE = Rule(
    code="SG202",
    name="rds-engine-version-end-of-support",
    severity=Severity.WARNING,
    tags=("reliability", "rds"),
    summary=(
        "Checks that an RDS database's engine major version is not past, or close to, the end of "
        "RDS standard support."
    ),
    why=(
        "After the end of standard support AWS automatically enrols the database in paid RDS "
        "Extended Support (charged per vCPU-hour) and eventually forces a major upgrade during a "
        "maintenance window. Code that pins an old major keeps creating such databases."
    ),
    fix=(
        "Move to a supported major version (PostgreSQL 16/17, MySQL 8.4) and the matching "
        "parameter group family. The dated table, each date with its source, lives in "
        "`policypack/knowledge/rds_support.py`; majors whose date is not yet verified there "
        "are not checked."
    ),
    bad=(
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "legacy",
    engine="postgres",
    engine_version="13.15",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
''', flagged=("legacy",), note="PostgreSQL 13 left standard support on 2026-02-28"),
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "orders",
    engine="mysql",
    engine_version="8.0.39",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
''', flagged=("orders",), note="MySQL 8.0 left standard support on 2026-07-31"),
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "reports",
    engine="postgres",
    engine_version="14.12",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
''', flagged=("reports",), config={"referenceDate": "2026-11-26"},
            note="PostgreSQL 14 ends 2027-02-28, inside the 180-day warning window"),
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "analytics",
    engine="postgres",
    engine_version="15.7",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
''', flagged=("analytics",), config={"minimumMajor": {"postgres": 16}},
            note="below an organisation's configured minimum"),
        Example('''
import pulumi_aws as aws

aws.rds.Cluster(
    "ledger",
    engine="aurora-postgresql",
    engine_version="12.22",
    master_username="app",
    manage_master_user_password=True,
    skip_final_snapshot=True,
)
''', flagged=("ledger",),
            note="Aurora PostgreSQL 12 left standard support on 2025-02-28"),
        Example('''
import pulumi_aws as aws

aws.rds.Cluster(
    "sessions",
    engine="aurora-mysql",
    engine_version="5.7.mysql_aurora.2.12.0",
    master_username="app",
    manage_master_user_password=True,
    skip_final_snapshot=True,
)
''', flagged=("sessions",),
            note="Aurora MySQL version 2 (MySQL 5.7) left standard support on 2024-10-31"),
    ),
    good=(
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version="17.5",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
'''),
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "orders",
    engine="mysql",
    engine_version="8.4.3",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
'''),
        Example('''
import pulumi
import pulumi_aws as aws

aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version=pulumi.Config().require("engineVersion"),
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
''', detectors=frozenset({Detector.STATIC}), note="a version from config is unknown to the analyzer"),
        Example('''
import pulumi_aws as aws

aws.rds.Instance(
    "reports",
    engine="postgres",
    engine_version="14.12",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
)
''', config={"referenceDate": "2026-06-01", "warnDays": 90},
            note="PostgreSQL 14 is more than warnDays away from its end date"),
        Example('''
import pulumi_aws as aws

aws.rds.Cluster(
    "ledger",
    engine="aurora-postgresql",
    engine_version="12.22",
    master_username="app",
    manage_master_user_password=True,
    skip_final_snapshot=True,
)
''', config={"referenceDate": "2024-06-01", "warnDays": 90},
            note="Aurora PostgreSQL 12 was still inside its support window in mid 2024"),
    ),
    options=(
        Option("warnDays", {"type": "integer", "minimum": 0}, 180,
               "Warn this many days before the end of standard support."),
        Option("minimumMajor", {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
               {}, 'Lowest major version allowed per engine, e.g. `{"postgres": 16, "mysql": "8.4"}`.'),
        Option("referenceDate", {"type": ["string", "null"], "format": "date"}, None,
               "The date to compare against (ISO `YYYY-MM-DD`); today when unset."),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html",
    ),
    check=check,
    no_autofix=(
        "a major engine upgrade is a data migration (new parameter and option groups, a "
        "maintenance window, application testing); it is planned, not made by a linter."
    ),
)
