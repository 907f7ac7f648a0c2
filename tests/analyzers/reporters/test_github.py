from analyzers.reporters import renderer
from analyzers.reporters.escaping import workflow_data, workflow_property


def test_workflow_commands(make_report) -> None:
    lines = renderer("github")(make_report()).splitlines()
    assert lines[0] == (
        "::error file=infra/db.py,line=4,col=6,endLine=13,endColumn=2,"
        "title=SG201 rds-parameter-group-family-mismatch::SG201 [error] Instance 'db' runs PostgreSQL 17.5, "
        "which needs parameter group family 'postgres17'."
    )
    assert lines[1].startswith("::warning file=infra/100%25 done%2C really%3A yes.py,line=3,")
    assert lines[1].endswith("created at the stack root,%0Anot inside a component.")
    assert lines[2].startswith("::notice ")
    assert len(lines) == 3


def test_escaping() -> None:
    assert workflow_data("100%\r\n") == "100%25%0D%0A"
    assert workflow_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert renderer("github").__module__ == "analyzers.reporters.github"
