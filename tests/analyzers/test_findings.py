"""Finding fingerprints: stable identities, also for file names that are not valid UTF-8."""

from __future__ import annotations

import os
from dataclasses import replace

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
