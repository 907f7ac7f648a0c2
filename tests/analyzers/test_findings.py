"""Findings: the one builder every finding is made with, and fingerprints (stable identities, also
for file names that are not valid UTF-8)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from analyzers.extract.summary import Span
from analyzers.findings import FILE_START, Finding
from analyzers.gate.merge import GateFinding
from policypack.rules import rule_by_code_or_name
from policypack.rules.base import Severity
from tests.analyzers.reporters.conftest import sample_findings


def test_fingerprints_of_ordinary_findings_are_unchanged() -> None:
    # Baselines and code-scanning alerts match on these: any change re-opens every alert.
    assert [finding.fingerprint for finding in sample_findings()] == [
        "0db0b43bd6a3482e02e26c3554e0e638", "092ebd9b3cbe6d50bc105eaa68e32222", "8b57785a3110cfd246ed41b99190aff0"]


def test_a_non_utf8_file_name_has_a_fingerprint_of_its_own() -> None:
    finding = sample_findings()[0]
    not_utf8 = replace(finding, path=os.fsdecode(b"bad\xff.py"))
    assert not_utf8.fingerprint == replace(finding, path=os.fsdecode(b"bad\xff.py")).fingerprint
    assert len({not_utf8.fingerprint, replace(finding, path="bad\\xff.py").fingerprint,
                replace(finding, path=os.fsdecode(b"bad\xfe.py")).fingerprint}) == 3
    assert len(replace(finding, message="[SG201] name '\ud800'").fingerprint) == 32  # a lone surrogate literal


def test_the_builder_fills_name_severity_and_the_code_prefix_from_the_catalog() -> None:
    rule = rule_by_code_or_name("SG201")
    assert rule is not None
    by_code = Finding.at("SG201", "app/db.py", Span(3, 5, 4, 9), "text", subject="db")
    assert by_code == Finding.at(rule, "app/db.py", Span(3, 5, 4, 9), "text", subject="db")
    assert by_code == Finding(code="SG201", name=rule.name, severity=rule.severity, path="app/db.py", line=3,
                              column=5, end_line=4, end_column=9, message="[SG201] text", subject="db")
    # a name finds the rule too; a Violation's message already carries its code
    assert Finding.with_message(rule.name, "app/db.py", Span(3, 5, 4, 9), "[SG201] text", subject="db") == by_code


def test_a_whole_file_finding_points_at_its_start() -> None:
    found = Finding.whole_file("SG002", "link.py", "Leads outside.", subject="symlink")
    assert (found.line, found.column, found.end_line, found.end_column) == (1, 1, 1, 1)
    assert (found.name, found.message) == ("symlink-outside-project", "[SG002] Leads outside.")


def test_subclasses_build_their_own_type_and_may_set_the_severity() -> None:
    found = GateFinding.with_message("SG101", "Pulumi.yaml", FILE_START, "[SG101] m", severity=Severity.INFO,
                                     detectors=("runtime",))
    assert isinstance(found, GateFinding) and found.severity is Severity.INFO and found.detectors == ("runtime",)


def test_a_code_the_catalog_does_not_know_is_refused() -> None:
    with pytest.raises(LookupError, match="SG999"):
        Finding.whole_file("SG999", "a.py", "text")
