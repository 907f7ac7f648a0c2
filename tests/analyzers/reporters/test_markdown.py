from analyzers.reporters import renderer


def test_table(make_report) -> None:
    out = renderer("markdown")(make_report())
    lines = out.splitlines()
    assert lines[2] == "Found 3 findings (1 error, 1 warning, 1 info) in 3 files checked."
    assert lines[4] == "| severity | code | rule | location | message |"
    rows = [line for line in lines if line.startswith("| error") or line.startswith("| warning")]
    assert rows[0].startswith("| error | SG201 | rds-parameter-group-family-mismatch | ` infra/db.py:4:6 ` |")
    assert "root,\\nnot inside" in rows[1]  # newlines shown as escapes: one row per finding
    assert all(line.count(" | ") == 4 for line in rows)


def test_clean(make_report) -> None:
    assert "All checks passed (2 files checked)." in renderer("markdown")(make_report(findings=[], files=["a", "b"]))
    assert "All checks passed (1 file checked)." in renderer("markdown")(make_report(findings=[], files=["a"]))


def test_messages_cannot_break_the_table_or_inject_markup(make_report) -> None:
    from dataclasses import replace

    from tests.analyzers.reporters.conftest import sample_findings

    finding = replace(sample_findings()[0], message="[SG201] a | b *c* d_e_f `g` <img src=x>\nnext \\ end",
                      path="my_dir/a.py")
    row = renderer("markdown")(make_report(findings=[finding])).splitlines()[-1]
    # user text is one code span (inert markup), pipes escaped for the table, fence longer than `g`
    assert row == ("| error | SG201 | rds-parameter-group-family-mismatch | ` my_dir/a.py:4:6 ` | "
                   "`` a \\| b *c* d_e_f `g` <img src=x>\\nnext \\ end `` |")
