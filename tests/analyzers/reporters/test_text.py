from analyzers.reporters import renderer


def test_ruff_style_lines_and_summary(make_report) -> None:
    out = renderer("text")(make_report())
    lines = out.splitlines()
    assert lines[0] == (
        "infra/db.py:4:6: SG201 [error] Instance 'db' runs PostgreSQL 17.5, which needs parameter "
        "group family 'postgres17'."
    )
    assert lines[-1] == "Found 3 findings (1 error, 1 warning, 1 info)."
    assert "[SG201] Instance" not in out  # the code is shown once


def test_clean_run_and_quiet(make_report) -> None:
    assert renderer("text")(make_report(findings=[])) == "All checks passed.\n"
    assert renderer("text")(make_report(findings=[], quiet=True)) == ""
    assert not renderer("text")(make_report(quiet=True)).splitlines()[-1].startswith("Found")


def test_singular_summary(make_report) -> None:
    from tests.analyzers.reporters.conftest import sample_findings

    out = renderer("text")(make_report(findings=sample_findings()[:1]))
    assert out.splitlines()[-1] == "Found 1 finding (1 error)."


def test_statistics(make_report) -> None:
    from tests.analyzers.reporters.conftest import sample_findings

    findings = sample_findings() + sample_findings()[:1]
    lines = renderer("text")(make_report(findings=findings, statistics=True)).splitlines()
    assert lines[0] == "2\tSG201\t[error] rds-parameter-group-family-mismatch"
    assert len(lines) == 4 and lines[-1] == "Found 4 findings (2 errors, 1 warning, 1 info)."
