"""Run a Pulumi Python program under the SDK's mock monitor and record its resource graph.

Every ``RegisterResource`` request the program sends is recorded the way the
engine later hands it to a policy pack's ``AnalyzeStack``: type, logical name,
URN, parent, dependencies, property dependencies, inputs (camelCase, with
preview-time unknowns and secrets in their wire form) and options. Needs the
``pack`` extra (pulumi, pulumi-aws); nothing here talks to AWS.

Usage::

    from policypack.capture import capture_program, to_analyze_stack_request

    resources = capture_program("infra/", config={"aws:region": "eu-west-1"}, preview=True)
    for r in resources:
        print(r.urn, r.parent, r.property_dependencies)
    request = to_analyze_stack_request(resources)   # feed a policy pack in-process

``program`` is a project directory (``__main__.py`` or Pulumi.yaml's ``main``)
or a single ``.py`` file. The project name and plain config come from
Pulumi.yaml / Pulumi.<stack>.yaml when present; ``config`` overrides them.
``preview=True`` models ``pulumi preview``: values a provider computes (ids,
ARNs, endpoints) are unknown, so inputs built from them carry the unknown
sentinel while their property dependencies still name the source URNs.
Autonamed ``name``s are known in preview, as the AWS provider computes them in
Check. A failing program raises :class:`CaptureError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import importlib
import json
import logging
import os
import re
import runpy
import sys
import tempfile
import threading
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockCallArgs, MockEngine, MockMonitor, MockResourceArgs
from pulumi.runtime.proto import analyzer_pb2, resource_pb2
from pulumi.runtime.stack import run_in_stack

__all__ = [
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "CaptureError",
    "CapturedResource",
    "RealisticMocks",
    "StackCapture",
    "capture_program",
    "capture_program_detailed",
    "capture_source",
    "to_analyze_stack_request",
]

# Wire encodings the engine uses (sdk/go/common/resource/properties.go).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

STACK_TYPE = "pulumi:pulumi:Stack"
ACCOUNT_ID = "123456789012"


class CaptureError(Exception):
    """The program could not be run (missing file, bad Pulumi.yaml, or the program raised)."""


@dataclass(frozen=True, repr=False)
class CapturedResource:
    """One resource registration, with the fields the engine sends to AnalyzeStack."""

    type: str
    name: str
    urn: str
    custom: bool
    parent: str | None
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]
    # Wire form: unknowns are the UNKNOWN sentinel string, secrets are
    # {SIG_KEY: SECRET_SIG, "value": ...}, numbers are floats (protobuf Struct).
    inputs: dict[str, Any]
    provider: str | None
    additional_secret_outputs: tuple[str, ...]
    protect: bool
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool | None = None
    read: bool = False  # a `Resource.get(...)` read of an existing resource

    def __repr__(self) -> str:
        # Inputs may hold secrets: never put them in a repr a test failure prints.
        return f"CapturedResource(type={self.type!r}, name={self.name!r}, urn={self.urn!r})"


@dataclass(frozen=True, repr=False)
class StackCapture:
    """A whole run: resources in registration order and the outputs components registered."""

    resources: list[CapturedResource]
    # URN -> outputs passed to register_outputs (wire form, like CapturedResource.inputs).
    registered_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def stack(self) -> CapturedResource:
        return next(r for r in self.resources if r.type == STACK_TYPE)

    @property
    def stack_outputs(self) -> dict[str, Any]:
        return self.registered_outputs.get(self.stack.urn, {})

    def by_urn(self) -> dict[str, CapturedResource]:
        return {r.urn: r for r in self.resources}

    def __repr__(self) -> str:
        return f"StackCapture({len(self.resources)} resources)"


# --------------------------------------------------------------------------- mocks


def _digest(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:length]


def _token_parts(token: str) -> tuple[str, str, str]:
    """("aws", "rds", "Instance") for "aws:rds/instance:Instance"."""
    pieces = token.split(":")
    if len(pieces) != 3:
        return token, "", token
    package, module, member = pieces
    return package, module.split("/")[0], member


def _resource_class(token: str) -> type | None:
    """The pulumi_aws class for a type token, to learn which properties it has."""
    package, module, member = _token_parts(token)
    if package != "aws":
        return None
    python_module = "pulumi_aws" if module == "index" else f"pulumi_aws.{module}"
    for candidate in (python_module, python_module + "_"):  # lambda → lambda_
        try:
            return getattr(importlib.import_module(candidate), member, None)
        except ImportError:
            continue
    return None


@functools.cache
def _required_string_outputs(token: str) -> tuple[str, ...]:
    """Engine names of the class's outputs typed ``Output[str]`` (never None after a deploy)."""
    cls = _resource_class(token)
    names = []
    for attribute in vars(cls).values() if cls is not None else ():
        getter = attribute.fget if isinstance(attribute, property) else None
        engine_name = getattr(getter, "_pulumi_name", None)
        annotation = getattr(getter, "__annotations__", {}).get("return")
        if engine_name and typing.get_args(annotation) == (str,):
            names.append(engine_name)
    return tuple(names)


# The property the AWS provider autonames, where it is not `name`.
_AUTONAME_PROPERTY = {
    "aws:rds/instance:Instance": "identifier",
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
}
# AWS requires lower-case names for these, so the provider lower-cases the autoname.
_LOWERCASE_AUTONAME = ("aws:rds/", "aws:s3/", "aws:elasticache/")

_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
}

_DB_PORTS = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "mariadb": 3306,
             "aurora-mysql": 3306, "aurora": 3306, "oracle": 1521, "sqlserver": 1433, "db2": 50000}


def _db_port(engine: Any) -> int:
    engine = engine if isinstance(engine, str) else ""
    for prefix, port in _DB_PORTS.items():
        if engine.startswith(prefix):
            return port
    return 5432


def _policy_document(args: Mapping[str, Any]) -> str:
    """The JSON `aws.iam.get_policy_document` would render from its statements."""
    statements = []
    for raw in args.get("statements") or []:
        statement: dict[str, Any] = {"Effect": raw.get("effect") or "Allow"}
        if raw.get("sid"):
            statement["Sid"] = raw["sid"]
        for key, wire in (("actions", "Action"), ("notActions", "NotAction"),
                          ("resources", "Resource"), ("notResources", "NotResource")):
            if raw.get(key):
                statement[wire] = raw[key]
        for key, wire in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            principals: dict[str, Any] = {}
            for principal in raw.get(key) or []:
                principals.setdefault(principal.get("type"), []).extend(principal.get("identifiers") or [])
            if principals:
                statement[wire] = principals
        conditions: dict[str, Any] = {}
        for condition in raw.get("conditions") or []:
            conditions.setdefault(condition.get("test"), {})[condition.get("variable")] = condition.get("values")
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return json.dumps({"Version": args.get("version") or "2012-10-17", "Statement": statements})


class RealisticMocks(pulumi.runtime.Mocks):
    """Mock provider answers shaped like real AWS ones, deterministic per logical name.

    Outputs echo the inputs plus what AWS computes (ids, ARNs, endpoints,
    autonamed names). With ``preview=True`` only inputs and autonames come
    back and ids are empty, so the SDK treats computed outputs as unknown, as
    during ``pulumi preview``.
    """

    def __init__(self, region: str = "us-east-1", account_id: str = ACCOUNT_ID,
                 preview: bool = False, partition: str = "aws") -> None:
        self.region = region
        self.account_id = account_id
        self.preview = preview
        self.partition = partition

    # -- resources

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        if not args.custom:
            return "", {}
        if args.typ.startswith("pulumi:providers:"):
            return ("" if self.preview else f"{_digest(args.typ, args.name, length=8)}-provider"), inputs
        if args.resource_id:  # a read of an existing resource
            return args.resource_id, {**inputs, **self._computed(args.typ, args.name, inputs, args.resource_id)}
        self._autoname(args.typ, args.name, inputs)
        if self.preview:
            return "", inputs
        resource_id = self._physical_id(args.typ, args.name, inputs)
        outputs = {**inputs, **self._computed(args.typ, args.name, inputs, resource_id)}
        # Any other string output the provider always sets (repositoryUrl, dnsName, ...):
        # a plausible value, so programs that format outputs run as after a real deploy.
        for name in _required_string_outputs(args.typ):
            if outputs.get(name) is None:
                outputs[name] = f"{resource_id}-{name.lower()}"
        return resource_id, outputs

    def _autoname(self, token: str, logical: str, inputs: dict) -> None:
        prop = _AUTONAME_PROPERTY.get(token)
        if prop is None:
            cls = _resource_class(token)
            if cls is None or not isinstance(getattr(cls, "name", None), property):
                return
            prop = "name"
        if inputs.get(prop) is not None:
            return
        prefix = inputs.get(prop + "Prefix") or f"{logical}-"
        value = f"{prefix}{_digest(token, logical)}"
        inputs[prop] = value.lower() if token.startswith(_LOWERCASE_AUTONAME) else value

    def _physical_id(self, token: str, logical: str, inputs: Mapping[str, Any]) -> str:
        if token in _ID_PREFIX:
            return _ID_PREFIX[token] + _digest(token, logical, length=17)
        prop = _AUTONAME_PROPERTY.get(token, "name")
        if isinstance(inputs.get(prop), str):
            return inputs[prop]
        if token.startswith("aws:apigateway/"):  # API Gateway ids are short lower-case strings
            return _digest(token, logical, length=10)
        return f"{logical}-{_digest(token, logical, length=8)}"

    def _arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        return ":".join(["arn", self.partition, service, self.region if regional else "",
                         self.account_id if account else "", resource])

    def _computed(self, token: str, logical: str, inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
        """Outputs AWS computes for ``token`` (camelCase), beyond the echoed inputs."""
        region = self.region
        _, module, member = _token_parts(token)
        name = inputs.get("name") if isinstance(inputs.get("name"), str) else rid
        out: dict[str, Any] = {}
        if token == "aws:lambda/function:Function":
            arn = self._arn("lambda", f"function:{name}")
            out.update(arn=arn, qualifiedArn=f"{arn}:$LATEST", version="$LATEST",
                       invokeArn=f"arn:{self.partition}:apigateway:{region}:lambda:path/2015-03-31/functions/"
                                 f"{arn}/invocations",
                       qualifiedInvokeArn=f"arn:{self.partition}:apigateway:{region}:lambda:path/2015-03-31/"
                                          f"functions/{arn}:$LATEST/invocations",
                       sourceCodeHash=_digest(token, logical, length=44))
        elif token == "aws:apigateway/restApi:RestApi":
            out.update(rootResourceId=_digest(token, logical, "root", length=10),
                       executionArn=self._arn("execute-api", rid),
                       arn=f"arn:{self.partition}:apigateway:{region}::/restapis/{rid}",
                       createdDate="2025-01-01T00:00:00Z")
        elif token == "aws:apigateway/resource:Resource":
            out["path"] = "/" + str(inputs.get("pathPart") or "")
        elif token == "aws:apigateway/deployment:Deployment":
            api = inputs.get("restApi")
            out.update(createdDate="2025-01-01T00:00:00Z",
                       invokeUrl=f"https://{api}.execute-api.{region}.amazonaws.com/",
                       executionArn=self._arn("execute-api", f"{api}/"))
        elif token == "aws:apigateway/stage:Stage":
            api, stage = inputs.get("restApi"), inputs.get("stageName")
            out.update(invokeUrl=f"https://{api}.execute-api.{region}.amazonaws.com/{stage}",
                       executionArn=self._arn("execute-api", f"{api}/{stage}"),
                       arn=f"arn:{self.partition}:apigateway:{region}::/restapis/{api}/stages/{stage}")
        elif token == "aws:apigatewayv2/api:Api":
            protocol = inputs.get("protocolType")
            scheme = "wss" if protocol == "WEBSOCKET" else "https"
            out.update(apiEndpoint=f"{scheme}://{rid}.execute-api.{region}.amazonaws.com",
                       executionArn=self._arn("execute-api", rid),
                       arn=f"arn:{self.partition}:apigateway:{region}::/apis/{rid}")
        elif token == "aws:apigatewayv2/stage:Stage":
            api, stage = inputs.get("apiId"), inputs.get("name")
            path = "" if stage == "$default" else stage
            out.update(invokeUrl=f"https://{api}.execute-api.{region}.amazonaws.com/{path}",
                       executionArn=self._arn("execute-api", f"{api}/{stage}"))
        elif token in ("aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"):
            port = int(inputs.get("port") or _db_port(inputs.get("engine")))
            address = f"{rid}.c{_digest(token, logical, length=11)}.{region}.rds.amazonaws.com"
            out.update(address=address, endpoint=f"{address}:{port}", port=port,
                       arn=self._arn("rds", f"db:{rid}"), resourceId=f"db-{_digest(token, logical, length=26)}",
                       hostedZoneId="Z2R2ITUGPM61AM")
            if inputs.get("manageMasterUserPassword"):
                out["masterUserSecrets"] = [{
                    "secretArn": self._arn("secretsmanager", f"secret:rds!db-{_digest(token, logical, length=8)}"),
                    "secretStatus": "active", "kmsKeyId": self._arn("kms", "key/aws-rds")}]
        elif token == "aws:rds/cluster:Cluster":
            host = f"{rid}.cluster-c{_digest(token, logical, length=11)}.{region}.rds.amazonaws.com"
            out.update(endpoint=host, readerEndpoint=host.replace(".cluster-", ".cluster-ro-"),
                       port=int(inputs.get("port") or _db_port(inputs.get("engine"))),
                       arn=self._arn("rds", f"cluster:{rid}"))
        elif module == "rds" and member in ("ParameterGroup", "ClusterParameterGroup", "OptionGroup", "SubnetGroup"):
            kind = {"ParameterGroup": "pg", "ClusterParameterGroup": "cluster-pg",
                    "OptionGroup": "og", "SubnetGroup": "subgrp"}[member]
            out["arn"] = self._arn("rds", f"{kind}:{rid}")
        elif module == "iam" and member in ("Role", "Policy", "User", "InstanceProfile"):
            kind = {"Role": "role", "Policy": "policy", "User": "user", "InstanceProfile": "instance-profile"}[member]
            path = inputs.get("path") or "/"
            out.update(arn=self._arn("iam", f"{kind}{path}{name}", regional=False),
                       uniqueId=f"AROA{_digest(token, logical, length=17).upper()}")
            if member == "Policy":
                out["policyId"] = f"ANPA{_digest(token, logical, length=17).upper()}"
        elif token == "aws:ec2/vpc:Vpc":
            out.update(arn=self._arn("ec2", f"vpc/{rid}"),
                       defaultSecurityGroupId="sg-" + _digest(token, logical, "sg", length=17),
                       mainRouteTableId="rtb-" + _digest(token, logical, "rtb", length=17),
                       defaultNetworkAclId="acl-" + _digest(token, logical, "acl", length=17),
                       ownerId=self.account_id)
        elif token == "aws:ec2/subnet:Subnet":
            out.update(arn=self._arn("ec2", f"subnet/{rid}"), ownerId=self.account_id,
                       availabilityZone=inputs.get("availabilityZone") or f"{region}a")
        elif token == "aws:ec2/securityGroup:SecurityGroup":
            out.update(arn=self._arn("ec2", f"security-group/{rid}"), ownerId=self.account_id)
        elif token in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            out.update(arn=f"arn:{self.partition}:s3:::{rid}", bucketDomainName=f"{rid}.s3.amazonaws.com",
                       bucketRegionalDomainName=f"{rid}.s3.{region}.amazonaws.com", region=region)
        elif token == "aws:cloudwatch/logGroup:LogGroup":
            out["arn"] = self._arn("logs", f"log-group:{name}")
        elif token == "aws:sqs/queue:Queue":
            out.update(arn=self._arn("sqs", name), url=f"https://sqs.{region}.amazonaws.com/{self.account_id}/{name}")
        elif token == "aws:sns/topic:Topic":
            out["arn"] = self._arn("sns", name)
        elif token == "aws:secretsmanager/secret:Secret":
            out["arn"] = self._arn("secretsmanager", f"secret:{name}-{_digest(token, logical, length=6)}")
        elif token == "aws:kms/key:Key":
            out.update(arn=self._arn("kms", f"key/{rid}"), keyId=rid)
        elif token == "aws:dynamodb/table:Table":
            out["arn"] = self._arn("dynamodb", f"table/{name}")
        elif token in ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
            # programs export f"http://{alb.dns_name}"; a None here breaks Output.concat
            kind = "net" if inputs.get("loadBalancerType") == "network" else "app"
            out.update(arn=self._arn("elasticloadbalancing", f"loadbalancer/{kind}/{name}/{rid[-16:]}"),
                       dnsName=f"{name}-{_digest(token, logical, length=10)}.{region}.elb.amazonaws.com",
                       zoneId="Z35SXDOTRQ7X7K")
        elif module and _resource_class(token) is not None and isinstance(
                getattr(_resource_class(token), "arn", None), property):
            out["arn"] = self._arn(module, f"{member[0].lower()}{member[1:]}/{rid}")
        return out

    # -- invokes

    def call(self, args: MockCallArgs) -> tuple[dict, list]:
        region = self.region
        token, inputs = args.token, args.args or {}
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account_id, "id": self.account_id,
                    "arn": f"arn:{self.partition}:iam::{self.account_id}:user/stackguard",
                    "userId": "AIDA" + _digest(self.account_id, length=17).upper()}, []
        if token == "aws:index/getRegion:getRegion":
            return {"name": region, "region": region, "id": region,
                    "endpoint": f"ec2.{region}.amazonaws.com", "description": region}, []
        if token == "aws:index/getPartition:getPartition":
            return {"partition": self.partition, "id": self.partition, "dnsSuffix": "amazonaws.com",
                    "reverseDnsPrefix": "com.amazonaws"}, []
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            letters = "abc"
            return {"id": region, "names": [region + x for x in letters], "state": "available",
                    "zoneIds": [f"{region[:3]}{region.split('-')[-1]}-az{i}" for i in range(1, 4)],
                    "groupNames": [region]}, []
        if token == "aws:ec2/getAmi:getAmi":
            return {"id": "ami-0123456789abcdef0", "imageId": "ami-0123456789abcdef0",
                    "architecture": "x86_64", "name": "al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64",
                    "ownerId": "137112412989", "rootDeviceName": "/dev/xvda"}, []
        if token == "aws:ec2/getVpc:getVpc":
            return {"id": "vpc-0default0000000001", "cidrBlock": "172.31.0.0/16", "default": True,
                    "arn": self._arn("ec2", "vpc/vpc-0default0000000001")}, []
        if token == "aws:ec2/getSubnets:getSubnets":
            return {"id": region, "ids": [f"subnet-0default00000000{i}" for i in range(1, 4)]}, []
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = _policy_document(inputs)
            return {"id": _digest(document, length=10), "json": document,
                    "minifiedJson": json.dumps(json.loads(document), separators=(",", ":"))}, []
        if token == "aws:rds/getEngineVersion:getEngineVersion":
            from policypack.knowledge.rds_engines import expected_family

            engine = inputs.get("engine") or "postgres"
            version = inputs.get("version") or ("17.5" if "postgres" in engine else "8.0.40")
            return {"engine": engine, "version": version, "versionActual": version, "id": engine,
                    "parameterGroupFamily": expected_family(engine, version) or ""}, []
        return {}, []


# --------------------------------------------------------------------------- monitor


def _wire(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as a dict in the engine's analyzer encoding (resource refs become id / URN)."""
    return _drop_resource_refs(json_format.MessageToDict(struct))


def _drop_resource_refs(value: Any) -> Any:
    # The engine marshals analyzer properties without KeepResources: a reference
    # becomes the resource's id (custom) or URN (component); pulumi_policy
    # cannot decode the reference signature at all.
    if isinstance(value, list):
        return [_drop_resource_refs(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == _RESOURCE_REF_SIG:
            if "id" in value:
                return value["id"] if value["id"] != "" else UNKNOWN
            return value.get("urn", UNKNOWN)
        if sig == _OUTPUT_VALUE_SIG:
            inner = value.get("value", UNKNOWN)
            inner = _drop_resource_refs(inner)
            return {SIG_KEY: SECRET_SIG, "value": inner} if value.get("secret") else inner
        return {k: _drop_resource_refs(v) for k, v in value.items()}
    return value


def _qualified_type(urn: str) -> str:
    return urn.split("::")[2] if urn.count("::") >= 3 else ""


class _RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, recording requests and minting engine-shaped URNs."""

    # With resource references on, an output holding a resource (e.g. a Stage's
    # `deployment=dep`) is rehydrated through a resource read that the mock
    # monitor cannot answer on the program's loop, and the run never ends.
    # Without them the SDK sends the resource's id, as the analyzer sees it anyway.
    # (The SDK reads features from GetDeploymentInfo; SupportsFeature is only its
    # fallback for monitors without it.)
    def GetDeploymentInfo(self, request):
        info = super().GetDeploymentInfo(request)
        kept = [f for f in info.supportedFeatures if f != resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES]
        return resource_pb2.DeploymentInfo(supportedFeatures=kept)

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self._lock = threading.Lock()
        self.captured: list[CapturedResource] = []
        self._registered: set[str] = set()
        self.duplicate_urn: str | None = None
        self.registered_outputs: dict[str, dict[str, Any]] = {}
        # The base monitor creates an event loop in each executor thread it runs
        # on; they are closed after the run so none leaks into the caller.
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()

    def _track_thread_loop(self) -> None:
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_event_loop_policy().get_event_loop()
            with self._lock:
                self.thread_loops.add(loop)

    def close_thread_loops(self) -> None:
        for loop in self.thread_loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()
        self.thread_loops.clear()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine qualifies a child's type with its parent's whole qualified
        # type chain, except for children of the stack (resource/urn.go NewURN).
        parent_type = _qualified_type(parent) if parent else ""
        if parent_type and parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
        stack, project = pulumi_settings.get_stack(), pulumi_settings.get_project()
        return f"urn:pulumi:{stack}::{project}::{type_}::{name}"

    def _record(self, resource: CapturedResource) -> None:
        with self._lock:
            self.captured.append(resource)

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:
            # The engine fails the deployment here (the run reports it when it
            # ends); two registrations under one URN would let one stand in
            # for the other in the graph.
            if urn in self._registered and self.duplicate_urn is None:
                self.duplicate_urn = urn
            self._registered.add(urn)
        self._record(CapturedResource(
            type=request.type,
            name=request.name,
            urn=urn,
            custom=bool(request.custom),
            parent=request.parent or None,
            dependencies=tuple(request.dependencies),
            property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
            inputs=_wire(request.object),
            provider=request.provider or None,
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
            protect=bool(request.protect),
            ignore_changes=tuple(request.ignoreChanges),
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
        ))
        try:
            return super().RegisterResource(request)
        finally:
            self._track_thread_loop()

    def Invoke(self, request):
        try:
            return super().Invoke(request)
        finally:
            self._track_thread_loop()

    def ReadResource(self, request):
        try:
            response = super().ReadResource(request)
        finally:
            self._track_thread_loop()
        self._record(CapturedResource(
            type=request.type, name=request.name, urn=response.urn, custom=True,
            parent=request.parent or None, dependencies=tuple(request.dependencies),
            property_dependencies={}, inputs=_wire(request.properties), provider=request.provider or None,
            additional_secret_outputs=tuple(request.additionalSecretOutputs), protect=False, read=True,
        ))
        return response

    def RegisterResourceOutputs(self, request):
        with self._lock:
            self.registered_outputs[request.urn] = _wire(request.outputs)
        return super().RegisterResourceOutputs(request)


# --------------------------------------------------------------------------- running a program


@dataclass(frozen=True)
class _Program:
    main: Path  # the file or directory runpy runs
    root: Path  # cwd and sys.path entry, like the language host
    project: str | None
    config: dict[str, str]


def _config_text(value: Any) -> str | None:
    """A config value as the engine passes it to the program (strings; JSON for the rest)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and "secure" in value:
        return None  # encrypted: not readable without the stack's secrets provider
    return json.dumps(value)


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CaptureError(f"{path}: cannot read: {exc}") from None
    return data if isinstance(data, dict) else {}


# The engine's rule for stack and project names (tokens.IsName): they become
# URN segments delimited by "::", and the stack name a file name.
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def _check_stack_name(stack: str) -> None:
    if not stack:
        raise CaptureError("a stack name may not be empty")
    if len(stack) > 100:
        raise CaptureError("a stack name cannot exceed 100 characters")
    if not _NAME.fullmatch(stack):
        raise CaptureError(f"a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
                           f"invalid stack name {stack!r}")


def _check_project_name(name: str, where: str) -> None:
    if not name:
        raise CaptureError(f"{where}: project names may not be empty")
    if len(name) > 100:
        raise CaptureError(f"{where}: project names are limited to 100 characters")
    if not _NAME.fullmatch(name):
        raise CaptureError(f"{where}: project names may only contain alphanumerics, hyphens, underscores, "
                           f"and periods (got {name!r})")


def _resolve_program(program: str | os.PathLike, stack: str) -> _Program:
    _check_stack_name(stack)
    path = Path(program).resolve()
    if path.is_file():
        return _Program(main=path, root=path.parent, project=None, config={})
    if not path.is_dir():
        raise CaptureError(f"{program}: no such program file or directory")
    project_file = next((path / n for n in ("Pulumi.yaml", "Pulumi.yml") if (path / n).is_file()), None)
    project_data = _load_yaml(project_file) if project_file else {}
    project = project_data.get("name") if isinstance(project_data.get("name"), str) else None
    if project is not None:
        _check_project_name(project, str(project_file))
    main = path / str(project_data.get("main") or ".")
    if main.is_dir() and not (main / "__main__.py").is_file():
        raise CaptureError(f"{program}: no __main__.py in {main}")
    if not main.exists():
        raise CaptureError(f"{program}: main {main} does not exist")

    def qualified(key: str) -> str:
        return key if ":" in key or project is None else f"{project}:{key}"

    config: dict[str, str] = {}
    for key, spec in (project_data.get("config") or {}).items():
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        text = _config_text(value) if value is not None else None
        if text is not None:
            config[qualified(str(key))] = text
    stack_file = path / f"Pulumi.{stack}.yaml"
    for key, value in ((_load_yaml(stack_file).get("config") or {}) if stack_file.is_file() else {}).items():
        text = _config_text(value)
        if text is not None:
            config[qualified(str(key))] = text
    return _Program(main=main, root=main if main.is_dir() else main.parent, project=project, config=config)


def _is_under(module: Any, root: str) -> bool:
    location = getattr(module, "__file__", None) or ""
    return bool(location) and os.path.abspath(location).startswith(root + os.sep)


@contextlib.contextmanager
def _program_environment(root: Path) -> Iterator[None]:
    """cwd and sys.path as the language host sets them; program-local modules removed afterwards."""
    saved_cwd, saved_path = os.getcwd(), list(sys.path)
    before = set(sys.modules)
    os.chdir(root)
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        root_text = str(root)
        for name in [n for n in sys.modules if n not in before]:
            if _is_under(sys.modules[name], root_text):
                del sys.modules[name]


# A program that still has not finished after this long under mocks is waiting
# for something mocks never provide (e.g. a multi-language component's outputs).
DEFAULT_TIMEOUT = 300.0


def _run_isolated(main: Path, root: Path, project: str, stack: str, preview: bool,
                  config: Mapping[str, str], secret_keys: Iterable[str], monitor: _RecordingMonitor,
                  timeout: float | None = DEFAULT_TIMEOUT) -> None:
    """Run the program in a fresh thread: fresh context variables, event loop and runtime settings.

    ``timeout=None`` waits for ever: for a caller that is itself stopped from
    outside (:mod:`policypack.capture_process`).
    """
    failure: list[BaseException] = []

    def target() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            pulumi_config.set_all_config(dict(config), list(secret_keys))
            pulumi_settings.ROOT.set(None)
            pulumi_settings.configure(pulumi_settings.Settings(
                project=project, stack=stack, monitor=monitor,
                engine=MockEngine(logging.getLogger("stackguard.capture")),
                dry_run=preview, organization="organization", root_directory=str(root),
            ))
            loop.run_until_complete(run_in_stack(lambda: runpy.run_path(str(main), run_name="__main__")))
        except BaseException as exc:
            failure.append(exc)
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            asyncio.set_event_loop(None)
            monitor.close_thread_loops()

    thread = threading.Thread(target=target, name="stackguard-capture", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():  # the daemon thread is abandoned; the caller gets a clear error
        raise TimeoutError(
            f"the program did not finish within {timeout:g} s under mocks: it waits for something the "
            "mock monitor never provides (multi-language components such as pulumi_aws_apigateway or "
            "awsx are not supported under mocks)"
        )
    if failure:
        raise failure[0]


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text != type(exc).__name__ else text


def capture_program_detailed(
    program: str | os.PathLike, *, config: Mapping[str, str] | None = None, project: str | None = None,
    stack: str = "dev", preview: bool = False, mocks: pulumi.runtime.Mocks | None = None,
    secret_keys: Iterable[str] = (), timeout: float | None = DEFAULT_TIMEOUT,
) -> StackCapture:
    """Run ``program`` under mocks; return its resources and registered outputs.

    ``project`` defaults to Pulumi.yaml's name (else "stack"); ``config`` (full
    keys such as "aws:region") overrides Pulumi.yaml / Pulumi.<stack>.yaml;
    ``secret_keys`` marks config keys as secret.
    """
    secret_keys = list(secret_keys)
    resolved = _resolve_program(program, stack)
    merged = {**resolved.config, **(config or {})}
    project_name = project or resolved.project or "stack"
    _check_project_name(project_name, "project")
    region = merged.get("aws:region") or "us-east-1"
    monitor = _RecordingMonitor(mocks or RealisticMocks(region=region, preview=preview))
    with _program_environment(resolved.root):
        try:
            _run_isolated(resolved.main, resolved.root, project_name, stack, preview, merged,
                          secret_keys, monitor, timeout)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise CaptureError(f"{program}: the program exited with status {exc.code}") from None
        except Exception as exc:
            message = _error_text(exc)
            for key in secret_keys:  # a program may echo a secret into its own error
                if merged.get(key):
                    message = message.replace(merged[key], "[secret]")
            raise CaptureError(f"{program}: {message}") from None
    if monitor.duplicate_urn is not None:
        raise CaptureError(f"{program}: Duplicate resource URN {monitor.duplicate_urn!r}; try giving it a unique name")
    return StackCapture(resources=list(monitor.captured), registered_outputs=dict(monitor.registered_outputs))


def capture_program(
    program: str | os.PathLike, *, config: Mapping[str, str] | None = None, project: str | None = None,
    stack: str = "dev", preview: bool = False, mocks: pulumi.runtime.Mocks | None = None,
    secret_keys: Iterable[str] = (), timeout: float | None = DEFAULT_TIMEOUT,
) -> list[CapturedResource]:
    """Run ``program`` under mocks and return every resource it registered (stack included)."""
    return capture_program_detailed(program, config=config, project=project, stack=stack, preview=preview,
                                    mocks=mocks, secret_keys=secret_keys, timeout=timeout).resources


def capture_source(source: str, **kwargs: Any) -> list[CapturedResource]:
    """Run program text (as a one-file program) and return its resources."""
    with tempfile.TemporaryDirectory(prefix="stackguard-capture-") as workdir:
        main = Path(workdir) / "__main__.py"
        main.write_text(source, encoding="utf-8")
        try:
            return capture_program(workdir, **kwargs)
        except CaptureError as exc:
            raise CaptureError(str(exc).replace(workdir, "<source>")) from None


# --------------------------------------------------------------------------- AnalyzeStack


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(dict(values), struct)
    return struct


def _provider_urn(reference: str) -> str:
    # Provider references are "<urn>::<id>".
    return reference.rsplit("::", 1)[0]


def to_analyze_stack_request(resources: Sequence[CapturedResource]) -> analyzer_pb2.AnalyzeStackRequest:
    """The AnalyzeStack request the engine would send for ``resources``.

    Properties are the registered inputs in the engine's encoding (unknown
    sentinel, secret signature objects). The engine sends each resource's
    outputs, which during a preview create are these inputs as the provider's
    Check returned them; providers may add computed values that are absent
    here. A resource's ``provider`` is filled in when the program registered
    that provider explicitly (the engine's default providers are not seen).
    """
    by_urn = {r.urn: r for r in resources}
    request = analyzer_pb2.AnalyzeStackRequest()
    for r in resources:
        options = analyzer_pb2.AnalyzerResourceOptions(
            protect=r.protect, ignoreChanges=list(r.ignore_changes),
            deleteBeforeReplace=bool(r.delete_before_replace),
            deleteBeforeReplaceDefined=r.delete_before_replace is not None,
            additionalSecretOutputs=list(r.additional_secret_outputs), parent=r.parent or "",
        )
        item = analyzer_pb2.AnalyzerResource(
            type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name, options=options,
            parent=r.parent or "", dependencies=list(r.dependencies),
            propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(v))
                                  for k, v in r.property_dependencies.items()},
        )
        provider = by_urn.get(_provider_urn(r.provider)) if r.provider else None
        if provider is not None:
            item.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
                type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name))
        request.resources.append(item)
    return request

