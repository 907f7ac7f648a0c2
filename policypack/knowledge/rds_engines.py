"""RDS engine + engine version → parameter group family and major version.

The family is AWS's ``DBParameterGroupFamily`` as listed by
``aws rds describe-db-engine-versions``. Every function here returns None when
the answer cannot be derived (unknown engine, major-only version where the
family needs a minor, RDS Custom engines, unparseable text): callers treat None
as "not applicable", never as a violation.
"""

from __future__ import annotations

import re
from typing import Any

# Suffixes AWS appends to some versions ("11.22-RDS.20241121", "16.6-limitless").
_SUFFIX = re.compile(r"-(rds\.\d+|limitless)$", re.IGNORECASE)
_NUMBERS = re.compile(r"\d+")

ORACLE_ENGINES = ("oracle-ee", "oracle-se2", "oracle-ee-cdb", "oracle-se2-cdb", "oracle-se", "oracle-se1")
SQLSERVER_ENGINES = ("sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web")
DB2_ENGINES = ("db2-se", "db2-ae", "db2-ce")


def normalize_engine(engine: Any) -> str | None:
    return engine.strip().lower() if isinstance(engine, str) and engine.strip() else None


def version_numbers(version: Any) -> tuple[int, ...]:
    """The leading dotted numbers of a version: "8.0.mysql_aurora.3.08.0" → (8, 0).

    Stops at the first dot-separated part that is not purely numeric, so
    Oracle's "19.0.0.0.ru-2024-10..." gives (19, 0, 0, 0).
    """
    if not isinstance(version, str):
        return ()
    text = _SUFFIX.sub("", version.strip())
    numbers: list[int] = []
    for part in text.split("."):
        if not (part.isascii() and part.isdigit()):  # "¹".isdigit() is True, int("¹") fails
            break
        numbers.append(int(part))
    return tuple(numbers)


def _major_minor(version: Any) -> tuple[int, int] | None:
    numbers = version_numbers(version)
    return (numbers[0], numbers[1]) if len(numbers) >= 2 else None


def expected_family(engine: Any, version: Any) -> str | None:
    """The parameter group family for ``engine`` at ``version``, or None."""
    name = normalize_engine(engine)
    numbers = version_numbers(version)
    if name is None or not numbers or name.startswith("custom-"):
        return None
    major = numbers[0]
    major_minor = _major_minor(version)
    if name in ("postgres", "aurora-postgresql"):
        if major >= 10:
            return f"{name}{major}"
        return f"{name}{major_minor[0]}.{major_minor[1]}" if major_minor else None
    if name in ("mysql", "mariadb", "aurora-mysql"):
        return f"{name}{major_minor[0]}.{major_minor[1]}" if major_minor else None
    if name == "aurora":  # Aurora MySQL 1 (MySQL 5.6 compatible)
        return "aurora5.6"
    if name in ORACLE_ENGINES:
        if major >= 18:
            return f"{name}-{major}"
        return f"{name}-{major_minor[0]}.{major_minor[1]}" if major_minor else None
    if name in SQLSERVER_ENGINES:
        return f"{name}-{major}.0"
    if name in DB2_ENGINES:
        return f"{name}-{major_minor[0]}.{major_minor[1]}" if major_minor else None
    return None


def major_version(engine: Any, version: Any) -> str | None:
    """The engine's major version as AWS names it: "17", "9.6", "8.0", "10.11"."""
    name = normalize_engine(engine)
    numbers = version_numbers(version)
    if name is None or not numbers:
        return None
    if name in ("postgres", "aurora-postgresql") and numbers[0] >= 10:
        return str(numbers[0])
    if name in ORACLE_ENGINES or name in SQLSERVER_ENGINES:
        return str(numbers[0])
    major_minor = _major_minor(version)
    return f"{major_minor[0]}.{major_minor[1]}" if major_minor else None


def option_group_major(engine: Any, version: Any) -> str | None:
    """An option group's ``major_engine_version`` for ``engine`` at ``version``.

    As AWS writes it: the major version, except SQL Server's "16.00".
    """
    name = normalize_engine(engine)
    numbers = version_numbers(version)
    if name in SQLSERVER_ENGINES and numbers:
        return f"{numbers[0]}.00"
    return major_version(engine, version)


def same_family(a: str, b: str) -> bool:
    """AWS compares family names case-insensitively."""
    return a.strip().lower() == b.strip().lower()


def version_has_prefix(version: Any, prefix: Any) -> bool | None:
    """Whether ``version`` is within the (major) ``prefix``: "15.00.4073" in "15.00".

    Compares numerically, so "15.00" and "15.0" agree. None when either side
    has no leading numbers.
    """
    whole, head = version_numbers(version), version_numbers(prefix)
    if not whole or not head or len(head) > len(whole):
        return None
    return whole[: len(head)] == head


def default_group_family(group_name: Any) -> str | None:
    """The family of an AWS default group ("default.postgres17" → "postgres17")."""
    if isinstance(group_name, str) and group_name.lower().startswith("default."):
        return group_name[len("default."):] or None
    return None
