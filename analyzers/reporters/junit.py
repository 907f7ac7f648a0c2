"""JUnit XML, for CI systems that show test reports.

One ``<testsuite name="stackguard">``; each finding is a failing ``<testcase>``
(classname = the file, name = code, rule and line), and each checked file with
no finding is one passing ``<testcase>``, so a clean run still shows what was
checked. ``failures`` counts every finding shown, whatever ``--fail-on`` says.
Text from the linted repository is escaped where XML 1.0 can't hold it, and the
failure body is the text format's one-line form (escaping.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from analyzers.reporters import Report, message_without_code
from analyzers.reporters.escaping import xml_attribute
from analyzers.reporters.text import finding_line


def render(report: Report) -> str:
    files_with_findings = {finding.path for finding in report.findings}
    clean_files = [path for path in report.files if path not in files_with_findings]
    suites = ET.Element("testsuites", name="stackguard")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="stackguard",
        tests=str(len(report.findings) + len(clean_files)),
        failures=str(len(report.findings)),
        errors="0",
        skipped="0",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="version", value=report.tool_version)
    ET.SubElement(properties, "property", name="fail-on", value=report.fail_on.value)
    for finding in report.findings:
        path = xml_attribute(finding.path)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=path,
            name=f"{finding.code} {finding.name} (line {finding.line}, column {finding.column})",
            file=path,
            line=str(finding.line),
        )
        failure = ET.SubElement(
            case,
            "failure",
            message=xml_attribute(message_without_code(finding)),
            type=f"{finding.code} {finding.severity.value}",
        )
        failure.text = finding_line(finding)
    for path in map(xml_attribute, clean_files):
        ET.SubElement(suite, "testcase", classname=path, name="stackguard", file=path)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
