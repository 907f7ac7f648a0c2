"""How API Gateway resources hang together, and where API Gateway invokes Lambda.

Membership (which Methods, Integrations, Deployments, Stages and Routes belong
to which API) is read from the ``restApi`` / ``apiId`` property dependency
first (a URN, known during preview), then from a literal id. A member whose
API cannot be told is *unattributed*: it might belong to any API, so rules
that would report something missing from an API stay silent.

An invocation edge is API Gateway calling a Lambda function:

- a REST (v1) Integration of type ``AWS_PROXY`` / ``AWS`` whose ``uri`` is a
  Lambda invoke ARN or depends on a Function (or an Alias of one);
- a REST API whose OpenAPI ``body`` holds ``x-amazon-apigateway-integration``
  entries with such a ``uri`` (while the body is unknown, its dependencies on
  Functions stand for them);
- an HTTP/WebSocket (v2) Integration of type ``AWS_PROXY`` / ``AWS`` whose
  ``integrationUri`` is a function ARN or invoke ARN;
- an HTTP (v2) Api created with quick-create ``target`` pointing at a Lambda;
- a Lambda authorizer: a REST Authorizer of type ``TOKEN`` (the default) or
  ``REQUEST``, an HTTP/WebSocket Authorizer of type ``REQUEST``, or an OpenAPI
  body's ``x-amazon-apigateway-authorizer``, whose ``authorizerUri`` is a
  Lambda invoke ARN. API Gateway invokes the authorizer function before the
  route's own, so it needs a Permission of its own (or credentials): without
  one every request is refused (HTTP 500, "AuthorizerConfigurationException").
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any

from policypack.graph import UNKNOWN, Resource, ResourceGraph, known_str
from policypack.knowledge import tokens
from policypack.knowledge.lambda_permissions import (
    FunctionRef,
    function_ref,
    literal_ref,
    parse_invoke_arn,
    parse_lambda_uri,
    resource_ref,
)

IAM_ROLE = "aws:iam/role:Role"
_LAMBDA_INTEGRATION_TYPES = frozenset({"aws_proxy", "aws"})
_OPENAPI_INTEGRATION = "x-amazon-apigateway-integration"
_OPENAPI_AUTHORIZER = "x-amazon-apigateway-authorizer"
# Authorizer types that call no Lambda function (Cognito user pools, JWT issuers).
_NON_LAMBDA_AUTHORIZERS = frozenset({"cognito_user_pools", "jwt"})
# ``uri:`` (and ``authorizerUri:``) lines of a YAML OpenAPI document holding a Lambda invoke ARN.
# Blanks are ``[ \t]``, not ``\s``: ``^\s*`` would run over every following empty line
# from every line start, quadratic in a body of blank lines.
_YAML_URI = re.compile(
    r"""^[ \t]*(?:uri|authorizerUri)[ \t]*:[ \t]*["']?"""
    r"""(?P<uri>arn:[^:\s"']+:apigateway:[^:\s"']*:lambda:path/\S+?invocations)["']?[ \t]*\r?$""",
    re.MULTILINE,
)
_YAML_CREDENTIALS = re.compile(r"^[ \t]*(?:credentials|authorizerCredentials)[ \t]*:", re.MULTILINE)


# ---------------------------------------------------------------- ARNs and ids


@dataclass(frozen=True)
class Arn:
    """``arn:<partition>:<service>:<region>:<account>:<resource>`` (fields may hold globs)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def api_id(self) -> str:
        """For ``execute-api``: the API id, the resource up to its first ``/``."""
        return self.resource.split("/", 1)[0]


def parse_arn(text: str) -> Arn | None:
    parts = text.strip().split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(*parts[1:])


def api_id(api: Resource) -> str | None:
    """An API's id when its outputs tell (``id``, ``executionArn`` or ``arn``)."""
    known = known_str(api.prop("id"))
    if known:
        return known
    execution = known_str(api.prop("executionArn"))
    parsed = parse_arn(execution) if execution else None
    if parsed and parsed.api_id:
        return parsed.api_id
    arn = known_str(api.prop("arn"))  # arn:aws:apigateway:<region>::/restapis/<id>
    if arn and "/" in arn:
        segments = arn.rsplit("/", 2)
        if len(segments) == 3 and segments[1] in ("restapis", "apis"):
            return segments[2]
    return None


# ---------------------------------------------------------------- membership

# Member types and the prop naming their API.
_V1_MEMBERS = (tokens.REST_METHOD, tokens.REST_INTEGRATION, tokens.REST_DEPLOYMENT, tokens.REST_STAGE)
_V2_MEMBERS = (tokens.V2_INTEGRATION, tokens.V2_ROUTE, tokens.V2_DEPLOYMENT, tokens.V2_STAGE)


def _api_prop(member_type: str) -> tuple[str, str]:
    """(prop naming the API, API type) of a member type."""
    if member_type.startswith("aws:apigatewayv2/"):
        return "apiId", tokens.V2_API
    return "restApi", tokens.REST_API


@dataclass
class ApiMembers:
    """What the stack attaches to one API."""

    api: Resource
    methods: list[Resource] = field(default_factory=list)
    integrations: list[Resource] = field(default_factory=list)
    routes: list[Resource] = field(default_factory=list)
    deployments: list[Resource] = field(default_factory=list)
    stages: list[Resource] = field(default_factory=list)


_MEMBER_LISTS = {
    tokens.REST_METHOD: "methods",
    tokens.REST_INTEGRATION: "integrations",
    tokens.REST_DEPLOYMENT: "deployments",
    tokens.REST_STAGE: "stages",
    tokens.V2_INTEGRATION: "integrations",
    tokens.V2_ROUTE: "routes",
    tokens.V2_DEPLOYMENT: "deployments",
    tokens.V2_STAGE: "stages",
}


class ApiIndex:
    """Every API of a stack with its members: built once per graph (``ApiIndex.of``) and
    shared by the API Gateway rules."""

    @classmethod
    def of(cls, graph: ResourceGraph) -> ApiIndex:
        return graph.derived(cls, lambda kept_by: cls(kept_by, kept_by_graph=True))

    def __init__(self, graph: ResourceGraph, *, kept_by_graph: bool = False) -> None:
        # An index the graph keeps (``of``) refers to it weakly: the two would form a cycle
        # that outlives the analysis until the cyclic collector finds it, and with it every
        # object of the stack (40–100 ms at 10,000 resources, paid at the next collection).
        self._graph: Callable[[], ResourceGraph | None] = (
            weakref.ref(graph) if kept_by_graph else (lambda: graph))
        self._members: dict[str, ApiMembers] = {}
        self._by_id: dict[str, Resource] = {}
        self._unattributed: set[str] = set()  # member types with an undeterminable API
        for api in graph.of_type(tokens.REST_API, tokens.V2_API):
            self._members[api.urn] = ApiMembers(api)
            known_id = api_id(api)
            if known_id:
                self._by_id[f"{api.type}|{known_id}"] = api
        for member_type in (*_V1_MEMBERS, *_V2_MEMBERS):
            for member in graph.of_type(member_type):
                apis = self.apis_of(member)
                if apis is None:
                    self._unattributed.add(member_type)
                for api in apis or ():
                    getattr(self._members[api.urn], _MEMBER_LISTS[member_type]).append(member)

    @property
    def graph(self) -> ResourceGraph:
        graph = self._graph()
        assert graph is not None, "an API index outlived its graph"
        return graph

    def members(self, api: Resource) -> ApiMembers:
        return self._members.get(api.urn) or ApiMembers(api)

    def has_unattributed(self, member_type: str) -> bool:
        """Whether some ``member_type`` resource might belong to any API."""
        return member_type in self._unattributed

    def apis_of(self, member: Resource) -> list[Resource] | None:
        """The API(s) a member belongs to: [] when none of the stack's, None when unknown.

        A v1 Stage without a resolvable ``restApi`` belongs to its Deployment's API.
        """
        prop, api_type = _api_prop(member.type)
        apis = self._apis_by_prop(member, prop, api_type)
        if apis is None and member.type == tokens.REST_STAGE:
            deployments = self.graph.prop_targets(member, "deployment", tokens.REST_DEPLOYMENT)
            if len(deployments) == 1:
                return self._apis_by_prop(deployments[0], "restApi", tokens.REST_API)
        return apis

    def _apis_by_prop(self, member: Resource, prop: str, api_type: str) -> list[Resource] | None:
        apis = self.graph.prop_targets(member, prop, api_type)
        if apis:
            return apis
        if prop in member.unresolved:
            return None
        value = member.prop(prop)
        if value is UNKNOWN:
            return None
        literal = known_str(value)
        if literal is None:
            return []  # absent or not an id: belongs to no API of the stack
        # A literal id names an API of the stack only if that API's id is known
        # to be it; ids of APIs created by this stack are not written in code.
        api = self._by_id.get(f"{api_type}|{literal}")
        return [api] if api else []

    def api_of(self, member: Resource) -> Resource | None:
        """The one API a member belongs to, when that is known."""
        apis = self.apis_of(member)
        return apis[0] if apis and len(apis) == 1 else None


def is_set(resource: Resource, prop: str) -> bool:
    """Whether ``prop`` is given a value, known or not (unresolved counts as given)."""
    return prop in resource.unresolved or resource.prop(prop) not in (None, "")


def has_body(api: Resource) -> bool:
    """Whether the API is defined by an OpenAPI ``body`` (set, even if unknown)."""
    body = api.prop("body")
    return "body" in api.unresolved or body is UNKNOWN or bool(known_str(body))


def is_quick_create(api: Resource) -> bool:
    """A v2 Api with ``target`` set: AWS creates its route, integration and stage."""
    return is_set(api, "target")


def depends_transitively(graph: ResourceGraph, resource: Resource, type_prefix: str) -> set[str]:
    """URNs ``resource`` waits for, following resources whose type starts with ``type_prefix``.

    Creation order is transitive (a Deployment that depends on an
    IntegrationResponse is created after its Integration). A dependency on a
    component stands for its children.
    """
    seen: set[str] = set()
    stack = graph.dependency_targets(resource)
    while stack:
        current = stack.pop()
        if current.urn in seen:
            continue
        seen.add(current.urn)
        if current.type.startswith(type_prefix):
            stack.extend(graph.dependency_targets(current))
        elif not current.is_custom and not current.is_stack and not current.is_provider:
            stack.extend(graph.children_of(current))
    return seen


# ---------------------------------------------------------------- invocation edges


@dataclass(frozen=True)
class InvocationEdge:
    """API Gateway calling one Lambda function."""

    source: Resource  # what to report on: the Integration, or the API for body/quick-create
    api: Resource | None  # the API the call comes from, when known
    function: FunctionRef
    via_role: bool  # invokes with an IAM role (credentials): no Permission needed


def _lambda_type(value: Any) -> bool | None:
    """Whether an integration type calls Lambda-capable AWS integrations (None: unknown)."""
    if value is UNKNOWN:
        return None
    return isinstance(value, str) and value.lower() in _LAMBDA_INTEGRATION_TYPES


def _v1_integration_edges(graph: ResourceGraph, apis: ApiIndex) -> Iterator[InvocationEdge]:
    for integration in graph.of_type(tokens.REST_INTEGRATION):
        if not _lambda_type(integration.prop("type")):
            continue
        ref = function_ref(graph, integration, "uri", parse_invoke_arn)
        if ref is None or ref.anything:
            continue
        yield InvocationEdge(integration, apis.api_of(integration), ref, is_set(integration, "credentials"))


def _openapi_lambda_uris(document: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(uri, uses credentials) of each Lambda-type integration of an OpenAPI document."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path_item in paths.values():
        if not isinstance(path_item, dict):
            continue
        for operation in path_item.values():
            integration = operation.get(_OPENAPI_INTEGRATION) if isinstance(operation, dict) else None
            if not isinstance(integration, dict) or not _lambda_type(integration.get("type")):
                continue
            uri = integration.get("uri")
            if isinstance(uri, str):
                yield uri, integration.get("credentials") not in (None, "")
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    schemes = schemes if isinstance(schemes, dict) else document.get("securityDefinitions")  # Swagger 2
    for scheme in schemes.values() if isinstance(schemes, dict) else ():
        authorizer = scheme.get(_OPENAPI_AUTHORIZER) if isinstance(scheme, dict) else None
        if not isinstance(authorizer, dict) or _lambda_authorizer(authorizer.get("type")) is False:
            continue
        uri = authorizer.get("authorizerUri")
        if isinstance(uri, str):
            yield uri, authorizer.get("authorizerCredentials") not in (None, "")


def _body_lambda_uris(body: str) -> Iterator[tuple[str, bool]]:
    """Lambda integration uris of an OpenAPI body in JSON, or best effort for YAML."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack allows
        document = None
    if isinstance(document, dict):
        yield from _openapi_lambda_uris(document)
        return
    uses_credentials = bool(_YAML_CREDENTIALS.search(body))
    for match in _YAML_URI.finditer(body):
        yield match.group("uri"), uses_credentials


def _body_edges(graph: ResourceGraph) -> Iterator[InvocationEdge]:
    for api in graph.of_type(tokens.REST_API):
        body = api.prop("body")
        depended = graph.prop_targets(api, "body", tokens.LAMBDA_FUNCTION, tokens.LAMBDA_ALIAS)
        if isinstance(body, str):
            functions = [f for f in depended if f.type == tokens.LAMBDA_FUNCTION]
            for uri, uses_credentials in _body_lambda_uris(body):
                literal = parse_invoke_arn(uri)
                if literal is not None and literal.name is not None:
                    ref = replace(literal_ref(literal, functions), secret="body" in api.secret_props)
                    yield InvocationEdge(api, api, ref, uses_credentials)
        elif body is UNKNOWN and depended:
            # The document is not known yet (preview): each Function it is built
            # from stands for an integration. A Role among its inputs suggests
            # integrations that invoke with credentials.
            via_role = bool(graph.prop_targets(api, "body", IAM_ROLE)) or "body" in api.unresolved
            for target in depended:
                ref = resource_ref(graph, target)
                if not ref.anything:
                    yield InvocationEdge(api, api, ref, via_role)


def _lambda_authorizer(value: Any) -> bool | None:
    """Whether an authorizer type calls a Lambda function (absent: the default, TOKEN)."""
    if value is UNKNOWN:
        return None
    return not (isinstance(value, str) and value.lower() in _NON_LAMBDA_AUTHORIZERS)


def _authorizer_edges(graph: ResourceGraph, apis: ApiIndex) -> Iterator[InvocationEdge]:
    for kind, type_prop, credentials in ((tokens.REST_AUTHORIZER, "type", "authorizerCredentials"),
                                         (tokens.V2_AUTHORIZER, "authorizerType", "authorizerCredentialsArn")):
        for authorizer in graph.of_type(kind):
            if _lambda_authorizer(authorizer.prop(type_prop)) is False:
                continue
            ref = function_ref(graph, authorizer, "authorizerUri", parse_lambda_uri)
            if ref is None or ref.anything:
                continue
            yield InvocationEdge(authorizer, apis.api_of(authorizer), ref, is_set(authorizer, credentials))


def _v2_edges(graph: ResourceGraph, apis: ApiIndex) -> Iterator[InvocationEdge]:
    for integration in graph.of_type(tokens.V2_INTEGRATION):
        if not _lambda_type(integration.prop("integrationType")):
            continue
        if is_set(integration, "integrationSubtype"):
            continue  # an AWS service integration (SQS-SendMessage, ...), not Lambda
        ref = function_ref(graph, integration, "integrationUri", parse_lambda_uri)
        if ref is None or ref.anything:
            continue
        yield InvocationEdge(integration, apis.api_of(integration), ref,
                             is_set(integration, "credentialsArn"))
    for api in graph.of_type(tokens.V2_API):
        if api.prop("target") is None:
            continue
        ref = function_ref(graph, api, "target", parse_lambda_uri)
        if ref is None or ref.anything:
            continue
        yield InvocationEdge(api, api, ref, is_set(api, "credentialsArn"))


def invocation_edges(graph: ResourceGraph, apis: ApiIndex | None = None) -> list[InvocationEdge]:
    """Every place where API Gateway calls a Lambda function the stack can name."""
    apis = apis or ApiIndex.of(graph)
    return [*_v1_integration_edges(graph, apis), *_body_edges(graph), *_v2_edges(graph, apis),
            *_authorizer_edges(graph, apis)]


# ---------------------------------------------------------------- source ARN scope


def _literal_source_may_match(text: str, api: Resource) -> bool:
    """Whether a literal source ARN pattern (ArnLike globs) may match calls from ``api``."""
    arn = parse_arn(text)
    if arn is None:
        return True  # not readable as an ARN: no judgement
    if not fnmatchcase("execute-api", arn.service):
        return False  # an ARN of another service never matches an API Gateway call
    execution = known_str(api.prop("executionArn"))
    own = parse_arn(execution) if execution else None
    if own is not None and not (fnmatchcase(own.region, arn.region) and fnmatchcase(own.account, arn.account)):
        return False
    own_id = api_id(api)
    if own_id is None:
        return True
    pattern = arn.api_id
    if "*" in pattern:
        # In ArnLike ``*`` also spans ``/``: only the part before it must match.
        prefix = pattern.split("*", 1)[0]
        return fnmatchcase(own_id[: len(prefix)], prefix)
    return fnmatchcase(own_id, pattern)


_SOURCE_OWNER_TYPES = (tokens.REST_STAGE, tokens.REST_DEPLOYMENT, tokens.V2_STAGE, tokens.V2_DEPLOYMENT)


def source_may_be_api(apis: ApiIndex, permission: Resource, api: Resource | None) -> bool:
    """Whether a Permission's ``sourceArn`` may let ``api`` invoke (absent: any source may).

    Graph first: a source ARN built from an API, or from a Stage or Deployment
    of it, names that API. Built only from other APIs, it does not let this
    one invoke. Otherwise a literal ARN is matched against the API's id.
    """
    if api is None or "sourceArn" in permission.unresolved:
        return True
    value = permission.prop("sourceArn")
    if value is None or value == "":
        return True
    owners: set[str] = set()
    undetermined = False
    for target in apis.graph.prop_targets(permission, "sourceArn"):
        if target.type in (tokens.REST_API, tokens.V2_API):
            owners.add(target.urn)
        elif target.type in _SOURCE_OWNER_TYPES:
            found = apis.apis_of(target)
            if found is None:
                undetermined = True
            else:
                owners.update(a.urn for a in found)
    if api.urn in owners or undetermined:
        return True
    if owners:
        return False  # built from other APIs only
    if isinstance(value, str):
        return _literal_source_may_match(value, api)
    return True  # unknown value
