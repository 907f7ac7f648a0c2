"""A fake AWS for the mock monitor: provider answers shaped like real AWS ones, deterministic per logical name.

Autonamed names and physical ids come from :mod:`policypack.harness.fake_names`
(the table the e2e stand-in provider shares); this module adds what only a
deployed resource has (ARNs, endpoints, computed outputs) and the answers of
the data-source functions programs call.
"""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

from policypack.harness.fake_names import (
    ACCOUNT_ID,
    autoname,
    autoname_property,
    caller_identity,
    digest,
    physical_id,
    resource_class,
    token_parts,
)

__all__ = ["RealisticMocks"]


@functools.cache
def _required_string_outputs(token: str) -> tuple[str, ...]:
    """Engine names of the class's outputs typed ``Output[str]`` (never None after a deploy)."""
    cls = resource_class(token)
    names = []
    for attribute in vars(cls).values() if cls is not None else ():
        getter = attribute.fget if isinstance(attribute, property) else None
        engine_name = getattr(getter, "_pulumi_name", None)
        annotation = getattr(getter, "__annotations__", {}).get("return")
        if engine_name and typing.get_args(annotation) == (str,):
            names.append(engine_name)
    return tuple(names)




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

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        if not args.custom:
            return "", {}
        if args.typ.startswith("pulumi:providers:"):
            return ("" if self.preview else f"{digest(args.typ, args.name, length=8)}-provider"), inputs
        if args.resource_id:  # a read of an existing resource
            return args.resource_id, {**inputs, **self._computed(args.typ, args.name, inputs, args.resource_id)}
        self._autoname(args.typ, args.name, inputs)
        if self.preview:
            return "", inputs
        resource_id = physical_id(args.typ, args.name, inputs)
        outputs = {**inputs, **self._computed(args.typ, args.name, inputs, resource_id)}
        # Any other string output the provider always sets (repositoryUrl, dnsName, ...):
        # a plausible value, so programs that format outputs run as after a real deploy.
        for name in _required_string_outputs(args.typ):
            if outputs.get(name) is None:
                outputs[name] = f"{resource_id}-{name.lower()}"
        return resource_id, outputs

    def _autoname(self, token: str, logical: str, inputs: dict[str, Any]) -> None:
        prop = autoname_property(token)
        name = autoname(token, logical, inputs, prop) if prop is not None else None
        if prop is not None and name is not None:
            inputs[prop] = name

    def _arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        return ":".join(["arn", self.partition, service, self.region if regional else "",
                         self.account_id if account else "", resource])

    def _computed(self, token: str, logical: str, inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
        """Outputs AWS computes for ``token`` (camelCase), beyond the echoed inputs."""
        region = self.region
        _, module, member = token_parts(token)
        given = inputs.get("name")
        name = given if isinstance(given, str) else rid
        out: dict[str, Any] = {}
        if token == "aws:lambda/function:Function":
            arn = self._arn("lambda", f"function:{name}")
            out.update(arn=arn, qualifiedArn=f"{arn}:$LATEST", version="$LATEST",
                       invokeArn=f"arn:{self.partition}:apigateway:{region}:lambda:path/2015-03-31/functions/"
                                 f"{arn}/invocations",
                       qualifiedInvokeArn=f"arn:{self.partition}:apigateway:{region}:lambda:path/2015-03-31/"
                                          f"functions/{arn}:$LATEST/invocations",
                       sourceCodeHash=digest(token, logical, length=44))
        elif token == "aws:apigateway/restApi:RestApi":
            out.update(rootResourceId=digest(token, logical, "root", length=10),
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
            address = f"{rid}.c{digest(token, logical, length=11)}.{region}.rds.amazonaws.com"
            out.update(address=address, endpoint=f"{address}:{port}", port=port,
                       arn=self._arn("rds", f"db:{rid}"), resourceId=f"db-{digest(token, logical, length=26)}",
                       hostedZoneId="Z2R2ITUGPM61AM")
            if inputs.get("manageMasterUserPassword"):
                out["masterUserSecrets"] = [{
                    "secretArn": self._arn("secretsmanager", f"secret:rds!db-{digest(token, logical, length=8)}"),
                    "secretStatus": "active", "kmsKeyId": self._arn("kms", "key/aws-rds")}]
        elif token == "aws:rds/cluster:Cluster":
            host = f"{rid}.cluster-c{digest(token, logical, length=11)}.{region}.rds.amazonaws.com"
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
                       uniqueId=f"AROA{digest(token, logical, length=17).upper()}")
            if member == "Policy":
                out["policyId"] = f"ANPA{digest(token, logical, length=17).upper()}"
        elif token == "aws:ec2/vpc:Vpc":
            out.update(arn=self._arn("ec2", f"vpc/{rid}"),
                       defaultSecurityGroupId="sg-" + digest(token, logical, "sg", length=17),
                       mainRouteTableId="rtb-" + digest(token, logical, "rtb", length=17),
                       defaultNetworkAclId="acl-" + digest(token, logical, "acl", length=17),
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
            out["arn"] = self._arn("secretsmanager", f"secret:{name}-{digest(token, logical, length=6)}")
        elif token == "aws:kms/key:Key":
            out.update(arn=self._arn("kms", f"key/{rid}"), keyId=rid)
        elif token == "aws:dynamodb/table:Table":
            out["arn"] = self._arn("dynamodb", f"table/{name}")
        elif token in ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
            # programs export f"http://{alb.dns_name}"; a None here breaks Output.concat
            kind = "net" if inputs.get("loadBalancerType") == "network" else "app"
            out.update(arn=self._arn("elasticloadbalancing", f"loadbalancer/{kind}/{name}/{rid[-16:]}"),
                       dnsName=f"{name}-{digest(token, logical, length=10)}.{region}.elb.amazonaws.com",
                       zoneId="Z35SXDOTRQ7X7K")
        elif module and resource_class(token) is not None and isinstance(
                getattr(resource_class(token), "arn", None), property):
            out["arn"] = self._arn(module, f"{member[0].lower()}{member[1:]}/{rid}")
        return out

    # -- invokes

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        region = self.region
        token, inputs = args.token, args.args or {}
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return caller_identity(self.account_id, self.partition), []
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
            return {"id": digest(document, length=10), "json": document,
                    "minifiedJson": json.dumps(json.loads(document), separators=(",", ":"))}, []
        if token == "aws:rds/getEngineVersion:getEngineVersion":
            from policypack.knowledge.rds_engines import expected_family

            engine = inputs.get("engine") or "postgres"
            version = inputs.get("version") or ("17.5" if "postgres" in engine else "8.0.40")
            return {"engine": engine, "version": version, "versionActual": version, "id": engine,
                    "parameterGroupFamily": expected_family(engine, version) or ""}, []
        return {}, []
