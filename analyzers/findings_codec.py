"""Findings as cache data, and what every entry of the cache is read with.

A project's findings are stored as MessagePack rows (never pickles: see
``cache_codec``), each field's type checked on the way back. A run answered from
the cache reads nothing else, so it needs only this module: the summary codec
(``cache_codec``, with the IR types phase 1 and 2 share, ~35 ms to import) is
loaded when summaries are to be decoded. ``unpack`` and the two errors are the
strict reading both codecs share.
"""

from __future__ import annotations

from typing import Any

import msgpack

from analyzers.findings import Finding
from policypack.rules.base import Severity

_SEVERITY = {severity.value: severity for severity in Severity}


class DecodeError(ValueError):
    """The data is not something this version wrote."""


class EncodeError(ValueError):
    """The value holds something the format can't carry (then it is just not cached)."""


def unpack(data: bytes, hook: Any) -> Any:
    """MessagePack ``data``; ``hook`` (a ``list_hook``) builds each array's value, or None
    leaves arrays as lists. Anything malformed is a DecodeError."""
    try:
        if hook is None:
            return msgpack.unpackb(data, raw=False, strict_map_key=True)
        return msgpack.unpackb(data, list_hook=hook, raw=False, strict_map_key=True)
    except DecodeError:
        raise
    except Exception as error:  # msgpack raises several types of its own for malformed data
        raise DecodeError(type(error).__name__) from None


def dump_findings(findings: list[Finding]) -> bytes:
    rows = [
        [f.code, f.name, f.severity.value, f.path, f.line, f.column, f.end_line, f.end_column, f.message, f.subject,
         list(f.instances), f.site_key]
        for f in findings
    ]
    try:
        return msgpack.packb(rows, use_bin_type=True)
    except (TypeError, ValueError, OverflowError) as error:
        raise EncodeError(f"cannot encode these findings ({type(error).__name__})") from None


def load_findings(data: bytes) -> list[Finding]:
    """The inverse of :func:`dump_findings`, checking every field's type."""
    rows = unpack(data, None)
    if not isinstance(rows, list):
        raise DecodeError("not a list of findings")
    findings = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 12):
            raise DecodeError("not a finding")
        code, name, severity, path, line, column, end_line, end_column, message, subject, instances, site_key = row
        if not isinstance(instances, list):
            raise DecodeError("not a finding")
        texts = (code, name, path, message, subject, site_key, *instances)
        numbers = (line, column, end_line, end_column)
        if not all(type(text) is str for text in texts) or not all(type(n) is int for n in numbers):
            raise DecodeError("not a finding")
        if severity not in _SEVERITY:
            raise DecodeError("unknown severity")
        findings.append(Finding(code, name, _SEVERITY[severity], path, line, column, end_line, end_column,
                                message, subject, tuple(instances), site_key))
    return findings
