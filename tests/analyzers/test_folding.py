"""One finding per rule and place: instances of a helper, loop or component fold into one finding."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.findings import Finding
from analyzers.reporters import Report, renderer
from policypack.rules.base import Severity
from tests.analyzers.extract.sources import findings_of

HELPER = '''
import pulumi_aws as aws


def make_topic(name):
    return aws.sns.Topic(name)

{calls}
'''


def _helper(*names: str) -> str:
    return HELPER.format(calls="\n".join(f"make_topic({name!r})" for name in names))


def _sg101(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "SG101"]


def test_a_helper_called_twice_is_one_finding_naming_both_calls() -> None:
    findings = _sg101(findings_of(_helper("orders", "invoices")))
    assert len(findings) == 1
    only = findings[0]
    assert only.line == 6
    assert only.instances == ("orders", "invoices")
    assert "2 resources this call creates: 'orders', 'invoices'" in only.message


def test_the_fingerprint_stays_when_instances_are_added_anywhere() -> None:
    one = _sg101(findings_of(_helper("orders")))[0]
    two = _sg101(findings_of(_helper("orders", "invoices")))[0]
    three = _sg101(findings_of(_helper("accounts", "orders", "invoices")))[0]
    assert one.fingerprint == two.fingerprint == three.fingerprint
    assert one.instances == ("orders",) and len(three.instances) == 3


def test_module_level_calls_keep_their_own_findings_and_fingerprints() -> None:
    code = "import pulumi_aws as aws\na = aws.sns.Topic('a')\nb = aws.sns.Topic('b')\n"
    findings = _sg101(findings_of(code))
    assert [f.subject for f in findings] == ["a", "b"]
    assert all(f.instances == () and f.site_key == "" for f in findings)
    assert findings[0].fingerprint != findings[1].fingerprint


def test_a_loop_over_known_names_is_one_finding() -> None:
    code = "import pulumi_aws as aws\nfor n in ['x', 'y', 'z']:\n    aws.sns.Topic(n)\n"
    findings = _sg101(findings_of(code))
    assert len(findings) == 1 and findings[0].instances == ("x", "y", "z")


def test_a_component_child_without_parent_is_one_sg103_per_call() -> None:
    code = '''
import pulumi
import pulumi_aws as aws


class Store(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:Store", name, None, opts)
        aws.s3.Bucket(f"{name}-bucket")
        self.register_outputs({})


Store("a")
Store("b")
'''
    sg103 = [f for f in findings_of(code) if f.code == "SG103"]
    assert len(sg103) == 1
    assert sg103[0].site_key == "Bucket at __main__.py:9"


def test_json_carries_the_instances(tmp_path: Path) -> None:
    findings = findings_of(_helper("orders", "invoices"))
    report = Report(findings, ["__main__.py"], Severity.WARNING, "0.1.0", tmp_path, tmp_path)
    entries = json.loads(renderer("json")(report))["findings"]
    folded = [e for e in entries if e["code"] == "SG101"]
    assert folded[0]["instances"] == ["orders", "invoices"]
    sarif = json.loads(renderer("sarif")(report))
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SG101")
    assert result["properties"]["instances"] == ["orders", "invoices"]


_NAMES = st.text(alphabet="abcdefgh", min_size=1, max_size=4)


@st.composite
def programs(draw: st.DrawFn) -> str:
    """Helpers, loops and components called with constant names, in any mix."""
    lines = ["import pulumi", "import pulumi_aws as aws", "",
             "def topic(name):", "    return aws.sns.Topic(name)", "",
             "def api(name):", "    rest = aws.apigateway.RestApi(name)",
             "    aws.apigateway.Deployment(name + '-d', rest_api=rest.id)", "    return rest", "",
             "class Box(pulumi.ComponentResource):",
             "    def __init__(self, name, opts=None):",
             "        super().__init__('acme:Box', name, None, opts)",
             "        aws.s3.Bucket(name + '-b')",
             "        self.register_outputs({})", ""]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["topic", "api", "Box", "loop"]))
        name = draw(_NAMES)
        if kind == "loop":
            names = draw(st.lists(_NAMES, min_size=1, max_size=3))
            lines.append(f"for n in {names!r}:\n    topic(n + {name!r})")
        else:
            lines.append(f"{kind}({name!r})")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_no_two_findings_share_code_file_and_span(program: str) -> None:
    findings = findings_of(program)
    places = Counter((f.code, f.path, f.line, f.column, f.end_line, f.end_column) for f in findings)
    assert [place for place, count in places.items() if count > 1] == []


def _runtime(name: str, line: int = 6) -> object:
    from analyzers.gate.merge import MAPPED, RUNTIME, GateFinding

    return GateFinding("SG101", "resource-outside-component", Severity.WARNING, "__main__.py", line, 12, line, 32,
                       f"[SG101] Topic '{name}' is created at the stack root.", name, instances=(name,),
                       site_key="Topic at __main__.py:6", detectors=(RUNTIME,),
                       urns=(f"urn:pulumi:dev::p::aws:sns/topic:Topic::{name}",), location=MAPPED)


def test_gate_folds_runtime_violations_at_one_call_and_keeps_one_urn_each() -> None:
    from analyzers.gate.merge import merge

    merged = merge([_runtime("orders"), _runtime("invoices")])
    assert len(merged) == 1
    assert merged[0].instances == ("orders", "invoices") and len(merged[0].urns) == 2
    assert "'orders', 'invoices'" in merged[0].message


def test_gate_runtime_violations_join_the_folded_static_finding() -> None:
    from analyzers.gate.merge import RUNTIME, STATIC, merge

    static = next(f for f in findings_of(_helper("orders", "invoices")) if f.code == "SG101")
    runtime = [_runtime("orders", static.line), _runtime("invoices", static.line)]
    runtime = [r.__class__(**{**r.__dict__, "column": static.column}) for r in runtime]
    merged = merge([static, *runtime])
    assert len(merged) == 1
    assert merged[0].detectors == (STATIC, RUNTIME) and len(merged[0].urns) == 2


REPO = Path(__file__).resolve().parents[2]


def _corpus() -> list[tuple[str, dict[str, bytes]]]:
    """Every program the test suite holds: the fixtures, the reference stack, every rule example."""
    from policypack.rules import all_rules

    programs = []
    manifests = [*sorted((REPO / "tests" / "fixtures").rglob("Pulumi.yaml")), REPO / "reference_stack" / "Pulumi.yaml"]
    for manifest in manifests:
        root = manifest.parent
        files = {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*.py"))}
        programs.append((root.relative_to(REPO).as_posix(), files))
    for rule in all_rules():
        for index, example in enumerate((*rule.bad, *rule.good)):
            programs.append((f"{rule.code}-{index}", {"__main__.py": example.code.encode()}))
    return programs


def test_no_duplicate_code_and_location_anywhere_in_the_test_corpus() -> None:
    from analyzers.project import analyze, summarize_file

    duplicated = []
    for name, files in _corpus():
        findings = analyze([summarize_file(path, source) for path, source in files.items()])
        places = Counter((f.code, f.path, f.line, f.column, f.end_line, f.end_column) for f in findings)
        duplicated.extend((name, place) for place, count in places.items() if count > 1)
    assert duplicated == []
