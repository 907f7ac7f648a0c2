"""Runtime → source: every runtime violation points at the line that creates its resource.

Expected lines are found independently of the analyzer: with the stdlib
``ast``, the constructor call whose first argument is the resource's name
(a literal) or a given f-string.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from analyzers.extract.resource_sites import ResourceSite
from analyzers.gate.runtime_results import RuntimeViolation, parse_urn
from analyzers.gate.source_map import AMBIGUOUS, MAPPED, UNMAPPED, SourceIndex
from tests.analyzers.gate.conftest import FAULTY, REPO, check_json, copy_program, program_id, write_runtime_results


def calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args]


def line_of_literal(program: Path, name: str) -> tuple[str, int, int]:
    found = [(path.relative_to(program).as_posix(), call.lineno, call.col_offset + 1)
             for path in program.rglob("*.py") for call in calls(path)
             if isinstance(call.args[0], ast.Constant) and call.args[0].value == name]
    assert len(found) == 1, (name, found)
    return found[0]


@pytest.mark.parametrize("program", FAULTY, ids=program_id)
def test_every_runtime_violation_of_every_faulty_program_maps_to_its_constructor(
        program: Path, runtime_results: dict[str, Path], tmp_path: Path) -> None:
    project = copy_program(program, tmp_path / "project")
    results = runtime_results[program_id(program)]
    violations = json.loads(results.read_text(encoding="utf-8"))["violations"]
    expected_runtime = json.loads((program / "expected.json").read_text(encoding="utf-8"))["runtime"]
    assert sorted({(v["code"], v["name"]) for v in violations}) == sorted(
        (code, name) for code, names in expected_runtime.items() for name in names)

    _, report, _ = check_json([".", "--runtime-results", str(results)], project)
    assert report["summary"]["runtime"]["mapped"] == len(violations)
    runtime = {(f["code"], urn): f for f in report["findings"] for urn in f["urns"]}
    for violation in violations:
        finding = runtime[(violation["code"], violation["urn"])]
        path, line, column = line_of_literal(project, violation["name"])
        assert (finding["path"], finding["line"], finding["column"]) == (path, line, column), violation["name"]
        assert finding["source_location"] == "mapped"


# The reference stack passes both detectors, so every resource it creates is mapped instead:
# its names are all computed (config prefix, component names, a loop, a comprehension).
REFERENCE_NAMES = {
    "app-network": ("__main__.py", 'f"{prefix}-network"'),
    "app-db": ("__main__.py", 'f"{prefix}-db"'),
    "app-lambda": ("__main__.py", 'f"{prefix}-lambda"'),
    "app-api": ("__main__.py", 'f"{prefix}-api"'),
    "app-network-vpc": ("components/network.py", 'f"{name}-vpc"'),
    "app-network-private-0": ("components/network.py", 'f"{name}-private-{index}"'),
    "app-network-private-1": ("components/network.py", 'f"{name}-private-{index}"'),
    "app-network-lambda-sg": ("components/network.py", 'f"{name}-lambda-sg"'),
    "app-network-database-sg": ("components/network.py", 'f"{name}-database-sg"'),
    "app-network-endpoint-sg": ("components/network.py", 'f"{name}-endpoint-sg"'),
    "app-network-database-from-lambda": ("components/network.py", 'f"{name}-database-from-lambda"'),
    "app-network-lambda-to-database": ("components/network.py", 'f"{name}-lambda-to-database"'),
    "app-network-endpoint-from-lambda": ("components/network.py", 'f"{name}-endpoint-from-lambda"'),
    "app-network-lambda-to-endpoints": ("components/network.py", 'f"{name}-lambda-to-endpoints"'),
    "app-network-secretsmanager": ("components/network.py", 'f"{name}-secretsmanager"'),
    "app-db-subnets": ("components/database.py", 'f"{name}-subnets"'),
    "app-db-params": ("components/database.py", 'f"{name}-params"'),
    "app-db-instance": ("components/database.py", 'f"{name}-instance"'),
    "app-lambda-role": ("components/iam.py", 'f"{name}-role"'),
    "app-lambda-basic-execution": ("components/iam.py", 'f"{name}-{suffix}"'),
    "app-lambda-vpc-access": ("components/iam.py", 'f"{name}-{suffix}"'),
    "app-lambda-read-secrets": ("components/iam.py", 'f"{name}-read-secrets"'),
    "app-api-logs": ("components/serverless.py", 'f"{name}-logs"'),
    "app-api-function": ("components/serverless.py", 'f"{name}-function"'),
    "app-api-api": ("components/serverless.py", 'f"{name}-api"'),
    "app-api-items": ("components/serverless.py", 'f"{name}-{args.route}"'),
    "app-api-items-post": ("components/serverless.py", 'f"{name}-{args.route}-{args.http_method.lower()}"'),
    "app-api-items-integration": ("components/serverless.py", 'f"{name}-{args.route}-integration"'),
    "app-api-invoke-permission": ("components/serverless.py", 'f"{name}-invoke-permission"'),
    "app-api-deployment": ("components/serverless.py", 'f"{name}-deployment"'),
    "app-api-stage": ("components/serverless.py", 'f"{name}-stage"'),
}


def line_of_f_string(root: Path, file: str, text: str) -> tuple[int, int]:
    source = (root / file).read_text(encoding="utf-8")
    found = [(call.lineno, call.col_offset + 1) for call in calls(root / file)
             if ast.get_source_segment(source, call.args[0]) == text]
    assert len(found) == 1, (file, text, found)
    return found[0]


def test_every_resource_of_the_reference_stack_maps_to_its_line(tmp_path: Path) -> None:
    from policypack.harness import capture_program

    resources = [r for r in capture_program(REPO / "reference_stack", preview=True)
                 if r.type != "pulumi:pulumi:Stack"]
    assert {r.name for r in resources} == set(REFERENCE_NAMES)
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [
        {"code": "SG101", "policy": "resource-outside-component", "enforcement": "advisory", "urn": r.urn,
         "type": r.type, "name": r.name, "parent": r.parent or "", "message": "[SG101] every resource"}
        for r in resources]}), encoding="utf-8")
    project = copy_program(REPO / "reference_stack", tmp_path / "project")
    _, report, _ = check_json([".", "--runtime-results", str(results)], project)
    assert report["summary"]["runtime"] == {"source": f"results file {results}", "violations": len(resources),
                                            "mapped": len(resources), "ambiguous": 0, "unmapped": 0}
    located = {parse_urn(urn).name: (f["path"], f["line"], f["column"])
               for f in report["findings"] for urn in f["urns"]}
    for name, (file, text) in REFERENCE_NAMES.items():
        assert located[name] == (file, *line_of_f_string(project, file, text)), name


SHAPES = '''\
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
env = config.get("env") or "dev"
zones = config.get_object("zones") or ["a", "b"]


class Queues(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("shapes:queues:Queues", name, None, opts)
        for kind in ["orders", "refunds"]:
            aws.sqs.Queue(f"{name}-{kind}", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def bucket(name):
    return aws.s3.Bucket(name)


for zone in zones:
    aws.ec2.Subnet(f"{env}-subnet-{zone}", vpc_id="vpc-1", cidr_block="10.0.0.0/24")
bucket(f"{env}-logs")
bucket("assets")
Queues(f"{env}-queues")
Queues("audit")
'''

SHAPE_LINES = {"dev-subnet-a": 22, "dev-subnet-b": 22, "dev-logs": 18, "assets": 18, "dev-queues": 25,
               "audit": 26, "dev-queues-orders": 13, "dev-queues-refunds": 13, "audit-orders": 13,
               "audit-refunds": 13}


def test_loops_helpers_and_components_of_a_program_run_under_mocks(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: shapes\nruntime: python\n", encoding="utf-8")
    (project / "__main__.py").write_text(SHAPES, encoding="utf-8")
    results = write_runtime_results(project, tmp_path / "results.json")
    violations = json.loads(results.read_text(encoding="utf-8"))["violations"]
    assert {v["name"] for v in violations} == {"dev-subnet-a", "dev-subnet-b", "dev-logs", "assets"}
    # Every resource, not only the flagged ones: components and their children too.
    from policypack.harness import capture_program

    every = [r for r in capture_program(project, preview=True) if r.type != "pulumi:pulumi:Stack"]
    results.write_text(json.dumps({"format": "stackguard-runtime-results", "formatVersion": 1, "violations": [
        {"code": "SG101", "enforcement": "advisory", "urn": r.urn, "parent": r.parent or "", "message": "m"}
        for r in every]}), encoding="utf-8")
    _, report, _ = check_json([".", "--runtime-results", str(results), "--select", "SG101"], project)
    located = {parse_urn(urn).name: f["line"] for f in report["findings"] for urn in f["urns"]}
    assert located == SHAPE_LINES
    merged = {parse_urn(urn).name: f["detectors"] for f in report["findings"] for urn in f["urns"]}
    assert merged["dev-logs"] == merged["assets"] == ["static", "runtime"]  # the helper's call, flagged by both
    assert merged["audit-orders"] == ["runtime"]  # a fake violation the static analyzer rightly doesn't report


def site(line: int, type_: str, *name: str | None, parent: int | None = None, at_root: bool = True,
         path: str = "main.py") -> ResourceSite:
    return ResourceSite(path, line, 1, line, 9, type_, tuple(name), parent, at_root and parent is None, True)


def violation(urn: str, parent: str | None = None) -> RuntimeViolation:
    return RuntimeViolation("SG101", "p", "advisory", parse_urn(urn), urn, "[SG101] m",
                            parse_urn(parent) if parent else None)


BUCKET = "aws:s3/bucket:Bucket"


def test_two_sites_that_can_both_produce_the_name_are_ambiguous_not_guessed() -> None:
    index = SourceIndex([site(3, BUCKET, None, "-logs"), site(7, BUCKET, "app-", None)])
    found = index.map(violation(f"urn:pulumi:dev::p::{BUCKET}::app-logs"))
    assert found.status == AMBIGUOUS and [c.line for c in found.candidates] == [3, 7]


def test_a_literal_name_wins_over_a_pattern_and_a_wrong_type_never_matches() -> None:
    index = SourceIndex([site(3, BUCKET, None), site(7, BUCKET, "logs"), site(9, "aws:sqs/queue:Queue", "logs")])
    assert index.map(violation(f"urn:pulumi:dev::p::{BUCKET}::logs")).site.line == 7
    assert index.map(violation(f"urn:pulumi:dev::p::{BUCKET}::other")).site.line == 3
    assert index.map(violation("urn:pulumi:dev::p::aws:sns/topic:Topic::logs")).status == UNMAPPED


def test_the_parent_chain_tells_two_component_instances_apart() -> None:
    component = "acme:store:Store"
    index = SourceIndex([
        site(2, component, "media"), site(3, component, "backups"),
        site(9, BUCKET, None, "-bucket", parent=0), site(9, BUCKET, None, "-bucket", parent=1),
        site(12, BUCKET, None, "-bucket"),  # a root bucket with the same pattern, elsewhere
    ])
    inside = violation(f"urn:pulumi:dev::p::{component}${BUCKET}::media-bucket",
                       f"urn:pulumi:dev::p::{component}::media")
    found = index.map(inside)
    assert found.status == MAPPED and found.site.line == 9
    at_root = index.map(violation(f"urn:pulumi:dev::p::{BUCKET}::x-bucket"))
    assert at_root.status == MAPPED and at_root.site.line == 12


def test_a_resource_of_a_component_the_analyzer_cannot_see_into_maps_to_the_component() -> None:
    index = SourceIndex([site(5, "awsx:ec2:Vpc", "net")])
    found = index.map(violation("urn:pulumi:dev::p::awsx:ec2:Vpc$aws:ec2/vpc:Vpc::net",
                                "urn:pulumi:dev::p::awsx:ec2:Vpc::net"))
    assert found.status == MAPPED and found.site.line == 5 and found.via_parent is found.site


def test_mapping_many_violations_stays_linear() -> None:
    import time

    def run(size: int) -> float:
        sites = [site(line, BUCKET, f"bucket-{line}") for line in range(1, size + 1)]
        sites += [site(size + 1 + k, BUCKET, f"p{k}-", None) for k in range(20)]
        index = SourceIndex(sites)
        violations = [violation(f"urn:pulumi:dev::p::{BUCKET}::bucket-{n}") for n in range(1, size + 1)]
        started = time.process_time()
        assert all(index.map(v).status == MAPPED for v in violations)
        return time.process_time() - started

    small, large = run(2000), run(6000)
    assert large < 6 * small + 0.5 and large < 10
