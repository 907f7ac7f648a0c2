"""A static finding: one rule, one place in one file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from policypack.rules.base import Severity


@dataclass(frozen=True)
class Finding:
    code: str  # "SG201"
    name: str  # "rds-parameter-group-family-mismatch"
    severity: Severity
    path: str  # relative to the current directory, "/" separated
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    message: str  # starts with "[SG201]"
    # What the finding is about (a resource's logical name or a class name),
    # so fingerprints survive unrelated edits that move lines.
    subject: str = ""

    @property
    def fingerprint(self) -> str:
        key = "\x1f".join((self.code, self.path, self.subject or str(self.line), self.message))
        # surrogatepass: a non-UTF-8 file name (or a lone surrogate in a string literal)
        # hashes its own code points, the same every run; valid text hashes as before.
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def report_properties(self) -> dict[str, object]:
        """Extra machine-readable facts for reports (SARIF ``properties``); the CI gate's
        findings add the detectors and resource URNs."""
        return {}
