"""Sample findings and reports for the reporter tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.findings import Finding
from analyzers.reporters import Report
from policypack.rules.base import Severity

SCHEMAS = Path(__file__).resolve().parents[2] / "fixtures" / "schemas"


def sample_findings() -> list[Finding]:
    return [
        Finding("SG201", "rds-parameter-group-family-mismatch", Severity.ERROR, "infra/db.py", 4, 6, 13, 2,
                "[SG201] Instance 'db' runs PostgreSQL 17.5, which needs parameter group family 'postgres17'.",
                "db"),
        Finding("SG101", "resource-outside-component", Severity.WARNING, "infra/100% done, really: yes.py",
                3, 1, 3, 20, "[SG101] Bucket 'logs' is created at the stack root,\nnot inside a component.",
                "logs"),
        Finding("SG001", "unused-suppression", Severity.INFO, "infra/db.py", 9, 10, 9, 25,
                "[SG001] Unused suppression: no SG203 finding on the lines this comment covers.", "SG203"),
    ]


@pytest.fixture
def make_report(tmp_path: Path):
    def make(findings=None, files=None, fail_on=Severity.WARNING, cwd: Path | None = None,
             source_root: Path | None = None, **kwargs) -> Report:
        chosen = sample_findings() if findings is None else findings
        return Report(
            findings=chosen,
            files=files if files is not None else sorted({f.path for f in chosen} | {"infra/clean.py"}),
            fail_on=fail_on,
            tool_version="0.1.0",
            cwd=cwd or tmp_path,
            source_root=source_root or tmp_path,
            **kwargs,
        )

    return make
