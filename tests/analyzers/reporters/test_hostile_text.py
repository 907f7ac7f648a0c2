"""Every format on findings whose paths, names and messages come from a hostile repository.

Each output is read back the way its consumer reads it (json.loads, ElementTree, the SARIF
schema, the GitHub runner's command syntax, GFM table cells and code spans, a terminal's lines).
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analyzers.findings import Finding
from analyzers.reporters import renderer
from policypack.rules.base import Severity
from tests.analyzers.test_sarif import validator

HOSTILE = (
    "\n::error file=x::pwned", "\r::warning::cr", "\x1b[31m", "\x00", "\t", "\x85", "\u2028", "\u202e",
    "</failure>", "]]>", "[link](http://evil)", "![img](http://evil/x.png)", "@org/team", "<img src=x>",
    "`", "``` fence", "|", "a\\|b", "%0A", "\ud800",
)
COMBINED = "".join(HOSTILE)
# A file name can't hold NUL, and the surrogates Python gives it are U+DC80..U+DCFF (PEP 383).
COMBINED_PATH = f"infra/{COMBINED.replace(chr(0), '').replace(chr(0xD800), '')}.py"
NOT_UTF8 = "bad\udcff.py"  # os.fsdecode(b"bad\xff.py")
ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def sg101(path: str, name: str, severity: Severity = Severity.WARNING) -> Finding:
    return Finding("SG101", "resource-outside-component", severity, path, 2, 1, 2, 30,
                   f"[SG101] aws:s3/bucket:Bucket '{name}' is created at the stack root.", name)


def hostile_findings() -> list[Finding]:
    findings = [
        sg101(COMBINED_PATH, COMBINED),
        sg101("::error file=x::pwned.py", "::warning::y", Severity.ERROR),
        sg101(" ::notice::z.py", "z", Severity.INFO),
        sg101(NOT_UTF8, "b"),
        *(sg101(f"piece{index}.py", piece) for index, piece in enumerate(HOSTILE)),
    ]
    return sorted(findings, key=Finding.sort_key)  # as the runner hands them over


def raw_controls(text: str, allowed: str = "\n") -> list[str]:
    """Characters a terminal, log or viewer would act on or hide, other than ``allowed``."""
    return [char for char in text if char not in allowed
            and (unicodedata.category(char) in ESCAPED_CATEGORIES or char in "\ufffe\uffff")]


@pytest.fixture
def render(make_report):
    def run(fmt: str, findings: list[Finding] | None = None) -> str:
        chosen = hostile_findings() if findings is None else findings
        out = renderer(fmt)(make_report(findings=chosen, files=sorted({f.path for f in chosen})))
        out.encode("utf-8")  # strict: every format can be written as UTF-8
        return out

    return run


def test_text_lines_cannot_be_split_or_start_a_workflow_command(render) -> None:
    findings = hostile_findings()
    out = render("text")
    assert raw_controls(out) == []
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == len(findings) + 1  # one line per finding + summary
    assert not [line for line in lines if line.lstrip().startswith("::")]
    assert lines[0].startswith("./ ::notice::z.py:2:1: SG101 [info]")
    assert lines[1].startswith("./::error file=x::pwned.py:2:1: SG101 [error] aws:s3/bucket:Bucket '::warning::y'")
    assert "bad\\xff.py:2:1: SG101 [warning]" in out
    combined = next(line for line in lines if line.startswith("infra/"))
    assert combined.startswith("infra/\\n::error file=x::pwned\\r::warning::cr\\x1b[31m\\t\\u0085")
    assert "'\\n::error file=x::pwned\\r::warning::cr\\x1b[31m\\x00\\t\\u0085\\u2028\\u202e</failure>" in combined
    assert combined.endswith("a\\|b%0A\\ud800' is created at the stack root.")


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """What the Actions runner does with a ``::command key=value,...::message`` line."""
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, line

    def unescape(text: str) -> str:
        for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(escaped, char)
        return text

    properties = dict(pair.split("=", 1) for pair in match[2].split(","))
    return match[1], {key: unescape(value) for key, value in properties.items()}, unescape(match[3])


def test_github_one_command_per_finding_and_spec_escaping(render) -> None:
    findings = hostile_findings()
    out = render("github")
    assert raw_controls(out) == []
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == len(findings)
    commands = [parse_workflow_command(line) for line in lines[:-1]]
    assert [command for command, _, _ in commands].count("error") == 1
    by_file = {properties["file"]: (properties, message) for _, properties, message in commands}
    assert len(by_file) == len(findings)
    properties, message = by_file["::error file=x::pwned.py"]
    assert properties["line"] == "2" and message == (
        "SG101 [error] aws:s3/bucket:Bucket '::warning::y' is created at the stack root.")
    assert "bad\\xff.py" in by_file and " ::notice::z.py" in by_file
    # CR and LF travel as %0D/%0A (the annotation shows them); everything else is a visible escape
    [combined] = [path for path in by_file if path.startswith("infra/")]
    assert combined.startswith("infra/\n::error file=x::pwned\r::warning::cr\\x1b[31m\\t\\u0085\\u2028")
    assert combined.endswith("|a\\|b%0A.py")
    assert "'\n::error file=x::pwned\r::warning::cr\\x1b[31m" in by_file[combined][1]


def test_junit_is_well_formed_and_keeps_the_text(render) -> None:
    out = render("junit")
    assert raw_controls(out) == []
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]  # `cat report.xml` in CI
    root = ET.fromstring(out)
    cases = root.find("testsuite").findall("testcase")
    assert len(cases) == len(hostile_findings())
    by_file = {case.get("file"): case for case in cases}
    assert "bad\\xff.py" in by_file and "::error file=x::pwned.py" in by_file
    [combined] = [case for path, case in by_file.items() if path.startswith("infra/")]
    failure = combined.find("failure")
    # attributes keep tab, CR and LF (serialized as character references); XML-illegal ones are escaped
    assert failure.get("message").startswith(
        "aws:s3/bucket:Bucket '\n::error file=x::pwned\r::warning::cr\\x1b[31m\\x00\t\\u0085\\u2028\\u202e"
        "</failure>]]>")
    # the body repeats the text format's line: one line
    assert failure.text.startswith("infra/\\n::error file=x::pwned\\r::warning::cr\\x1b[31m\\t")
    assert "\n" not in failure.text and "a\\|b%0A\\ud800' is created" in failure.text


def gfm_cells(row: str) -> list[str]:
    """A GFM table row's cells: a pipe preceded by a backslash is not a delimiter; ``\\|`` → ``|``."""
    assert row.startswith("|") and row.endswith("|"), row
    cells, current, previous = [], "", ""
    for char in row[1:-1]:
        if char == "|" and previous != "\\":
            cells.append(current)
            current = ""
        else:
            current += char
        previous = char
    cells.append(current)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def code_span_content(cell: str) -> str:
    """The text of a cell that is exactly one CommonMark code span, else fail."""
    match = re.fullmatch(r"(`+)(.*)\1", cell, re.DOTALL)
    assert match, cell
    fence, inner = match[1], match[2]
    assert all(len(run) != len(fence) for run in re.findall("`+", inner)), cell  # nothing closes it early
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
        inner = inner[1:-1]
    return inner


def test_markdown_user_text_is_inert(render) -> None:
    findings = hostile_findings()
    out = render("markdown")
    assert raw_controls(out) == []
    rows = [line for line in out.splitlines() if line.startswith("| ") and "SG101" in line]
    assert len(rows) == len(findings)
    locations, messages = [], []
    for row in rows:
        cells = gfm_cells(row)
        assert len(cells) == 5 and cells[1] == "SG101", row
        locations.append(code_span_content(cells[3]))
        messages.append(code_span_content(cells[4]))
        outside = re.sub(r"(`+) .*? \1", "", row)  # what is left outside the code spans
        for markup in ("evil", "@org", "<", "[", "!", "::", "pwned"):
            assert markup not in outside, row
    assert "bad\\xff.py:2:1" in locations and "::error file=x::pwned.py:2:1" in locations
    [combined] = [m for m in messages if m.startswith("aws:s3/bucket:Bucket '\\n::error") and "fence" in m]
    assert combined == (
        "aws:s3/bucket:Bucket '\\n::error file=x::pwned\\r::warning::cr\\x1b[31m\\x00\\t\\u0085\\u2028\\u202e"
        "</failure>]]>[link](http://evil)![img](http://evil/x.png)@org/team<img src=x>```` fence|a\\|b%0A"
        "\\ud800' is created at the stack root.")
    assert "aws:s3/bucket:Bucket '`' is created at the stack root." in messages


def test_json_keeps_the_text_exactly(render) -> None:
    findings = hostile_findings()
    document = json.loads(render("json"))
    shown = document["findings"]
    assert len(shown) == len(findings)
    by_path = {item["path"]: item for item in shown}
    original = {finding.path: finding for finding in findings}
    assert by_path["bad\\xff.py"]["fingerprint"] == original[NOT_UTF8].fingerprint
    combined = by_path[COMBINED_PATH]
    assert combined["message"] == original[COMBINED_PATH].message.replace("\ud800", "\\ud800")
    assert by_path["::error file=x::pwned.py"]["message"] == original["::error file=x::pwned.py"].message


def test_gitlab_keeps_the_text_exactly(render) -> None:
    issues = json.loads(render("gitlab"))
    paths = {issue["location"]["path"]: issue for issue in issues}
    assert "bad\\xff.py" in paths and "::error file=x::pwned.py" in paths
    assert paths["piece0.py"]["description"] == sg101("piece0.py", HOSTILE[0]).message
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_sarif_is_valid_and_uris_hold_the_real_bytes(render, tmp_path: Path) -> None:
    log = json.loads(render("sarif"))
    validator().validate(log)
    results = log["runs"][0]["results"]
    uris = [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results]
    assert "bad%FF.py" in uris and "%3A%3Aerror%20file%3Dx%3A%3Apwned.py" in uris
    assert not [uri for uri in uris if re.search(r"[^A-Za-z0-9%._~/-]", uri)]
    messages = [result["message"]["text"] for result in results]
    assert sg101("::error file=x::pwned.py", "::warning::y").message in messages
