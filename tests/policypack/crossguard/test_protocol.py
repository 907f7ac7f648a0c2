"""Start the pack exactly as the Python language host does and talk gRPC to it.

The host runs ``python -u -m pulumi.policy <engineAddr> <packDir>`` with
cwd = pack dir, reads the port from the first line of stdout and calls the
Analyzer service.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policypack.crossguard.results import POLICY_NAME as RESULTS_POLICY
from policypack.knowledge import tokens
from policypack.rules import runtime_rules
from tests.support.engine_messages import UNKNOWN_WIRE, resource, stack_request

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(REPO)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first_line = process.stdout.readline().strip()
        if not first_line.isdigit():
            process.kill()
            pytest.fail(f"pack did not print a port: {first_line!r}\n{process.stderr.read()}")
        channel = grpc.insecure_channel(f"127.0.0.1:{first_line}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait(timeout=10)


def test_analyzer_info_lists_every_runtime_rule_with_its_level(analyzer) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "stackguard"
    levels = {p.name: p.enforcementLevel for p in info.policies}
    expected = {
        rule.name: analyzer_pb2.MANDATORY if rule.severity.value == "error" else analyzer_pb2.ADVISORY
        for rule in runtime_rules()
    }
    expected[RESULTS_POLICY] = analyzer_pb2.ADVISORY  # names the results file; never reports
    # Remediations are extra resource policies, off unless the pack config enables them.
    expected["rds-parameter-group-family-mismatch-remediation"] = analyzer_pb2.DISABLED
    assert levels == expected
    schemas = {p.name: dict(p.configSchema.properties) for p in info.policies}
    assert "allowedTypes" in schemas["resource-outside-component"]
    assert {"warnDays", "minimumMajor"} <= set(schemas["rds-engine-version-end-of-support"])
    rules = {rule.name for rule in runtime_rules()}
    assert all(p.policy_type == analyzer_pb2.POLICY_TYPE_STACK for p in info.policies if p.name in rules)


def _faulty_stack(engine_version: str) -> analyzer_pb2.AnalyzeStackRequest:
    group = resource(tokens.RDS_PARAMETER_GROUP, "params", {"family": "postgres14", "name": UNKNOWN_WIRE})
    db = resource(tokens.RDS_INSTANCE, "db",
                  {"engine": "postgres", "engineVersion": engine_version, "parameterGroupName": UNKNOWN_WIRE},
                  prop_deps={"parameterGroupName": (group.urn,)})
    return stack_request(group, db)


def test_analyze_stack_reports_violations_on_urns(analyzer) -> None:
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(), timeout=30)
    response = analyzer.AnalyzeStack(_faulty_stack("17.5"), timeout=60)
    by_policy = {}
    for diagnostic in response.diagnostics:
        by_policy.setdefault(diagnostic.policyName, []).append(diagnostic)
    [family] = by_policy["rds-parameter-group-family-mismatch"]
    assert family.urn.endswith("::db") and family.enforcementLevel == analyzer_pb2.MANDATORY
    assert "[SG201]" in family.message
    outside = by_policy["resource-outside-component"]
    assert {d.urn.rsplit("::", 1)[1] for d in outside} == {"params", "db"}
    assert all(d.enforcementLevel == analyzer_pb2.ADVISORY for d in outside)


def test_unknown_outputs_during_preview_are_not_applicable(analyzer) -> None:
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(), timeout=30)
    response = analyzer.AnalyzeStack(_faulty_stack(UNKNOWN_WIRE), timeout=60)
    assert all(d.policyName != "rds-parameter-group-family-mismatch" for d in response.diagnostics)
    assert all("can't run policy" not in d.message for d in response.diagnostics)


def test_configure_changes_levels_and_options(analyzer) -> None:
    options = struct_pb2.Struct()
    options.update({"allowedTypes": ["aws:rds/*"]})
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    request.policyConfig["resource-outside-component"].CopyFrom(
        analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.ADVISORY, properties=options))
    request.policyConfig["rds-parameter-group-family-mismatch"].CopyFrom(
        analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.DISABLED))
    analyzer.Configure(request, timeout=30)
    response = analyzer.AnalyzeStack(_faulty_stack("17.5"), timeout=60)
    names = {d.policyName for d in response.diagnostics}
    assert "rds-parameter-group-family-mismatch" not in names
    assert "resource-outside-component" not in names
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(), timeout=30)


def test_per_resource_analyze_has_nothing_to_say(analyzer) -> None:
    # Every stackguard rule relates resources, so all are stack validations.
    request = analyzer_pb2.AnalyzeRequest(type=tokens.RDS_INSTANCE, urn="urn:x", name="db")
    response = analyzer.Analyze(request, timeout=30)
    assert list(response.diagnostics) == []
