import json

import jsonschema

from analyzers.reporters import renderer
from tests.analyzers.reporters.conftest import SCHEMAS, sample_findings


def schema():
    return json.loads((SCHEMAS / "stackguard-lint.schema.json").read_text())


def test_contract_and_schema(make_report) -> None:
    document = json.loads(renderer("json")(make_report()))
    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["tool"] == "stackguard" and document["version"] == "0.1.0"
    first = document["findings"][0]
    assert first == {
        "code": "SG201",
        "name": "rds-parameter-group-family-mismatch",
        "severity": "error",
        "path": "infra/db.py",
        "line": 4,
        "column": 6,
        "end_line": 13,
        "end_column": 2,
        "message": "[SG201] Instance 'db' runs PostgreSQL 17.5, which needs parameter group family 'postgres17'.",
        "fingerprint": sample_findings()[0].fingerprint,
    }


def test_empty_run_is_valid(make_report) -> None:
    document = json.loads(renderer("json")(make_report(findings=[])))
    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["findings"] == []


def test_schema_rejects_a_broken_document(make_report) -> None:
    document = json.loads(renderer("json")(make_report()))
    document["findings"][0]["line"] = 0
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(document))
