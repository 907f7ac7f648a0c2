import xml.etree.ElementTree as ET

from analyzers.reporters import renderer


def test_structure(make_report) -> None:
    root = ET.fromstring(renderer("junit")(make_report()))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "stackguard"
    cases = suite.findall("testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    assert suite.get("tests") == str(len(cases)) == "4"  # 3 findings + 1 clean file
    assert suite.get("failures") == str(len(failures)) == "3"
    first = failures[0]
    assert first.get("classname") == "infra/db.py" and first.get("line") == "4"
    assert first.get("name") == "SG201 rds-parameter-group-family-mismatch (line 4, column 6)"
    failure = first.find("failure")
    assert failure.get("type") == "SG201 error"
    assert failure.get("message").startswith("Instance 'db' runs PostgreSQL 17.5")
    assert failure.text.startswith("infra/db.py:4:6: SG201 [error]")
    # a multi-line message survives the XML round trip
    assert "\nnot inside a component." in failures[1].find("failure").get("message")
    clean = [case for case in cases if case.find("failure") is None]
    assert [case.get("classname") for case in clean] == ["infra/clean.py"]
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties == {"version": "0.1.0", "fail-on": "warning"}


def test_clean_run(make_report) -> None:
    root = ET.fromstring(renderer("junit")(make_report(findings=[], files=["a.py", "b.py"])))
    suite = root.find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
