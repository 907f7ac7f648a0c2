"""Run-time remediation: SG201's AWS default group named on the database, and only when enabled."""

from __future__ import annotations

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from policypack.crossguard import local
from policypack.crossguard.policies import build_policies
from policypack.crossguard.remediations import default_group_names
from policypack.knowledge import tokens
from tests.support.engine_messages import UNKNOWN_WIRE
from tests.support.graphs import urn

POLICY = "rds-parameter-group-family-mismatch-remediation"


def remediate(type_: str, props: dict, config: dict | None) -> list[analyzer_pb2.Remediation]:
    servicer = local._servicer()
    servicer.Configure(local.configure_request(config, build_policies()), None)
    struct = struct_pb2.Struct()
    struct.update(props)
    request = analyzer_pb2.AnalyzeRequest(type=type_, properties=struct, urn=urn(type_, "db"), name="db")
    return list(servicer.Remediate(request, None).remediations)


DB = {"engine": "postgres", "engineVersion": "17.5", "parameterGroupName": "default.postgres16",
      "instanceClass": "db.t4g.micro", "vpcSecurityGroupIds": [UNKNOWN_WIRE]}


def test_off_by_default() -> None:
    assert remediate(tokens.RDS_INSTANCE, DB, None) == []


def test_enabled_it_renames_the_default_group_and_keeps_every_other_input() -> None:
    [done] = remediate(tokens.RDS_INSTANCE, DB, {POLICY: "remediate"})
    assert done.policyName == POLICY and not done.diagnostic
    props = json_format.MessageToDict(done.properties)
    assert props["parameterGroupName"] == "default.postgres17"
    assert {k: v for k, v in props.items() if k != "parameterGroupName"} == {
        k: v for k, v in DB.items() if k != "parameterGroupName"}  # the unknown input survives


def test_nothing_to_do_when_it_matches_or_cannot_be_known() -> None:
    enabled = {POLICY: "remediate"}
    assert remediate(tokens.RDS_INSTANCE, {**DB, "parameterGroupName": "default.postgres17"}, enabled) == []
    assert remediate(tokens.RDS_INSTANCE, {**DB, "engineVersion": UNKNOWN_WIRE}, enabled) == []
    assert remediate(tokens.RDS_INSTANCE, {**DB, "parameterGroupName": "my-group"}, enabled) == []
    assert remediate(tokens.RDS_PARAMETER_GROUP, {"family": "postgres14"}, enabled) == []


def test_cluster_props_use_the_same_family_knowledge() -> None:
    cluster = {"engine": "aurora-mysql", "engineVersion": "8.0.mysql_aurora.3.08.0",
               "dbClusterParameterGroupName": "default.aurora-mysql5.7",
               "dbInstanceParameterGroupName": "Default.aurora-mysql8.0"}
    changed = default_group_names(tokens.RDS_CLUSTER, cluster)
    assert changed == {**cluster, "dbClusterParameterGroupName": "default.aurora-mysql8.0"}
    assert default_group_names(tokens.RDS_CLUSTER_INSTANCE, {"dbParameterGroupName": "default.postgres14"}) is None
