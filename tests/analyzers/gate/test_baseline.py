"""Baselines: keyed without line numbers, so moved code and unrelated edits add no findings;
a new fault is exactly one new finding; a fixed one is listed; --update-baseline ratchets down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.analyzers.gate.conftest import check, check_json

PROGRAM = '''\
import pulumi_aws as aws


def network():
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    return vpc


def storage():
    logs = aws.s3.Bucket("logs")
    data = aws.s3.Bucket("data")
    return logs, data


def database():
    group = aws.rds.ParameterGroup("params", family="postgres14")
    return aws.rds.Instance("db", engine="postgres", engine_version="17.5", instance_class="db.t3.micro",
                            parameter_group_name=group.name)


network()
storage()
database()
'''

# The same program with its functions reordered, comments added and a variable renamed.
MOVED = '''\
"""Moved around: nothing here is a new finding."""

import pulumi_aws as aws


def database():
    # the database, with its parameter group
    group = aws.rds.ParameterGroup("params", family="postgres14")
    return aws.rds.Instance("db", engine="postgres", engine_version="17.5", instance_class="db.t3.micro",
                            parameter_group_name=group.name)


def storage():
    log_bucket = aws.s3.Bucket("logs")
    data = aws.s3.Bucket("data")
    return log_bucket, data


def network():
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    return vpc


network()
storage()
database()
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: adopt\nruntime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    return tmp_path


def codes(report: dict, key: str = "findings") -> list[tuple[str, str]]:
    return sorted((f["code"], f["message"].split("'")[1]) for f in report[key])


def test_round_trip(project: Path) -> None:
    code, report, err = check_json([".", "--write-baseline", "baseline.json"], project)
    assert code == 0 and report["findings"] == [] and len(report["baselined"]) == 6
    assert "wrote 6 findings to the baseline baseline.json" in err
    written = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert {(e["code"], e["scope"], e["subject"], e["count"]) for e in written["findings"]} == {
        ("SG101", "network", "vpc", 1), ("SG101", "storage", "logs", 1), ("SG101", "storage", "data", 1),
        ("SG101", "database", "params", 1), ("SG101", "database", "db", 1), ("SG201", "database", "db", 1)}
    assert all(e["path"] == "__main__.py" for e in written["findings"])

    (project / "__main__.py").write_text(MOVED, encoding="utf-8")
    code, report, _ = check_json([".", "--baseline", "baseline.json"], project)
    assert (code, report["findings"], report["fixed"], len(report["baselined"])) == (0, [], [], 6)

    faulty = MOVED.replace('    return log_bucket, data', '    aws.s3.Bucket("extra")\n    return log_bucket, data')
    (project / "__main__.py").write_text(faulty, encoding="utf-8")
    code, report, _ = check_json([".", "--baseline", "baseline.json"], project)
    assert code == 1 and codes(report) == [("SG101", "extra")] and report["fixed"] == []

    fixed = MOVED.replace('    data = aws.s3.Bucket("data")\n', "    data = None\n")
    (project / "__main__.py").write_text(fixed, encoding="utf-8")
    code, report, _ = check_json([".", "--baseline", "baseline.json"], project)
    assert code == 0 and report["findings"] == []
    assert report["fixed"] == [{"code": "SG101", "path": "__main__.py", "scope": "storage", "subject": "data",
                                "count": 1}]
    assert report["summary"]["fixed"] == 1

    # ratchet down: the fixed entry goes, a new finding is never added
    (project / "__main__.py").write_text(fixed.replace("    data = None\n", '    aws.s3.Bucket("new")\n'),
                                         encoding="utf-8")
    code, report, _ = check_json([".", "--baseline", "baseline.json", "--update-baseline"], project)
    assert code == 1 and codes(report) == [("SG101", "new")]
    after = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert {e["subject"] for e in after} == {"vpc", "logs", "params", "db"} and len(after) == 5


def test_counts_absorb_duplicates_only_up_to_the_recorded_number(project: Path) -> None:
    loop = 'import pulumi\nimport pulumi_aws as aws\nfor n in pulumi.Config().require_object("n"):\n' \
           '    aws.s3.Bucket(f"b-{n}")\n'
    (project / "__main__.py").write_text(loop, encoding="utf-8")
    check_json([".", "--write-baseline", "baseline.json"], project)
    entries = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["subject"], e["count"]) for e in entries] == [("Bucket at __main__.py", 1)]  # no line number
    (project / "__main__.py").write_text("\n\n" + loop + '    aws.s3.Bucket(f"c-{n}")\n', encoding="utf-8")
    code, report, _ = check_json([".", "--baseline", "baseline.json"], project)
    assert code == 1 and len(report["findings"]) == 1 and len(report["baselined"]) == 1


def test_unsuppressible_rules_are_never_baselined(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.stackguard]\nunsuppressible = ["SG201"]\n', encoding="utf-8")
    code, report, _ = check_json([".", "--write-baseline", "baseline.json"], project)
    assert code == 1 and codes(report) == [("SG201", "db")]
    recorded = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert "SG201" not in {e["code"] for e in recorded}
    recorded.append({"code": "SG201", "path": "__main__.py", "scope": "database", "subject": "db", "count": 1})
    (project / "baseline.json").write_text(json.dumps({"format": "stackguard-baseline", "formatVersion": 1,
                                                       "findings": recorded}), encoding="utf-8")
    code, report, _ = check_json([".", "--baseline", "baseline.json"], project)
    assert code == 1 and codes(report) == [("SG201", "db")] and report["fixed"] == []


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "baseline bad.json: not JSON"),
    ('{"format": "stackguard-baseline", "formatVersion": 1, "findings": {}}', "findings must be a list"),
    ('{"format": "other"}', "not a stackguard baseline"),
    ('{"format": "stackguard-baseline", "formatVersion": 9, "findings": []}', "formatVersion 9 is not supported"),
    ('{"format": "stackguard-baseline", "formatVersion": 1, "findings": [{"code": "SG101", "path": "a", '
     '"scope": "", "subject": "x", "count": true}]}', "findings[0].count must be a whole number"),
    ('{"format": "stackguard-baseline", "formatVersion": 1, "findings": [{"code": "rm -rf", "path": "a", '
     '"scope": "", "subject": "x", "count": 1}]}', "findings[0].code must look like SG201"),
    ('{"format": "stackguard-baseline", "formatVersion": 1, "findings": [{"code": "SG101", "path": 3}]}',
     "findings[0].path must be a string"),
    ("[" * 100_000, "not JSON"),
])
def test_a_hostile_baseline_is_a_one_line_error(project: Path, content: str, message: str) -> None:
    (project / "bad.json").write_text(content, encoding="utf-8")
    code, out, err = check([".", "--baseline", "bad.json"], project)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_missing_baseline_says_how_to_make_one(project: Path) -> None:
    code, _, err = check([".", "--baseline", "nope.json"], project)
    assert code == 2 and "create one with --write-baseline" in err
