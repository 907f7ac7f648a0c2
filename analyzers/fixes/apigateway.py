"""SG301–SG305: API Gateway → Lambda wiring.

SG304 (``depends_on``) is safe; the others add resources or change access and
are unsafe. Inserted code sits after the statement that builds the resource
it belongs to, spelled with the module's own aliases, named after the
neighbouring logical names, and inside a component with ``parent=self``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from analyzers.findings import Finding
from analyzers.fixes import edits, spelling
from analyzers.fixes.engine import key_of
from analyzers.fixes.model import Change, Edit, Fix
from analyzers.fixes.placement import (
    Site,
    bound_name,
    child_options,
    in_loop,
    name_argument,
    parent_self_option,
    reference_at,
    reference_through,
    site_of,
)
from analyzers.fixes.source import SourceFile, dotted, has_star_args, keyword
from analyzers.fixes.workspace import Workspace
from policypack.graph import Resource, known_str
from policypack.knowledge import tokens
from policypack.knowledge.apigateway import ApiIndex, has_body, invocation_edges, is_quick_create, is_set
from policypack.knowledge.lambda_permissions import APIGATEWAY_PRINCIPAL, grant_of
from policypack.rules import sg301_apigateway_lambda_permission_missing as sg301
from policypack.rules import sg304_apigateway_deployment_missing_dependencies as sg304
from policypack.rules.base import FixSafety

STAGE_NAME = "prod"
SOURCE_ARN = 'source_arn={api}.execution_arn.apply(lambda arn: f"{{arn}}/*/*")'
_CLASSES = {
    tokens.LAMBDA_PERMISSION: "pulumi_aws.lambda_.Permission",
    tokens.REST_DEPLOYMENT: "pulumi_aws.apigateway.Deployment",
    tokens.REST_STAGE: "pulumi_aws.apigateway.Stage",
    tokens.V2_STAGE: "pulumi_aws.apigatewayv2.Stage",
}


def _flagged_everywhere(workspace: Workspace, finding: Finding, flagged: set[str]) -> list[Resource] | None:
    """The resources the finding's call builds, when the rule flags every one of them (a fix at
    the call changes every run of it)."""
    built = workspace.resources_at(finding)
    if not built or any(resource.urn not in flagged for resource in built):
        return None
    return built


def _taken(site: Site) -> set[str]:
    return spelling.used_names(site.file)


def _unique_name(workspace: Workspace, type_token: str, names: Sequence[str], suffix: str) -> str | None:
    """A suffix that gives every instance a logical name no resource of ``type_token`` has yet."""
    existing = {resource.name for resource in workspace.graph.of_type(type_token)}
    for attempt in range(1, 10):
        candidate = suffix if attempt == 1 else f"{suffix}-{attempt}"
        if not any(f"{name}{candidate}" in existing for name in names):
            return candidate
    return None


def _callee(site: Site, type_token: str) -> str | None:
    prefer = dotted(site.call.func)
    return spelling.spell(site.file.module, _CLASSES[type_token], prefer=prefer)


def _inserted(instances: Sequence[Resource], type_token: str, suffix: str) -> frozenset[tuple[str, str]]:
    return frozenset((type_token, f"{resource.name}{suffix}") for resource in instances)


def _at_root(workspace: Workspace, resource: Resource) -> bool:
    parent = workspace.graph.parent_of(resource)
    return parent is not None and parent.is_stack


def _known_names(workspace: Workspace, instances: Sequence[Resource]) -> bool:
    """Whether every run's logical name is known (inserted names are derived from them)."""
    return all(getattr(workspace.node(resource), "name", None) is not None for resource in instances)


# --- SG301 -------------------------------------------------------------------------------------


def lambda_permission(workspace: Workspace, finding: Finding) -> Fix | None:
    uncovered = sg301.uncovered_edges(workspace.graph)
    anchors = _flagged_everywhere(workspace, finding, set(uncovered))
    if anchors is None or not _known_names(workspace, anchors):
        return None
    site = site_of(workspace, anchors[0])
    if site is None:
        return None
    uri_prop = {tokens.REST_INTEGRATION: "uri", tokens.V2_INTEGRATION: "integrationUri",
                tokens.V2_API: "target", tokens.REST_AUTHORIZER: "authorizerUri",
                tokens.V2_AUTHORIZER: "authorizerUri"}.get(anchors[0].type)
    if uri_prop is None:
        return None  # an OpenAPI body: its functions are written inside the document
    function_text = api_text = None
    extra: tuple[Edit, ...] = ()
    for anchor in anchors:
        for edge in uncovered[anchor.urn]:
            function = edge.function
            if len(function.functions) != 1 or function.literal_names or function.qualifier or edge.api is None:
                return None  # an alias or a literal ARN: which function to grant is not clear-cut
            found_function = reference_through(workspace, anchor, uri_prop, function.functions[0])
            if anchor.type == tokens.V2_API:
                own = bound_name(site)
                found_api, api_edits = (own, ()) if own is not None else (None, ())
            else:
                api_prop = "restApi" if anchor.type in (tokens.REST_INTEGRATION, tokens.REST_AUTHORIZER) else "apiId"
                found_api, api_edits = reference_through(workspace, anchor, api_prop, edge.api), ()
            if found_function is None or found_api is None:
                return None
            if function_text not in (None, found_function) or api_text not in (None, found_api):
                return None  # runs of this call differ
            function_text, api_text, extra = found_function, found_api, api_edits
    name_expr = name_argument(site.call)
    suffix = _unique_name(workspace, tokens.LAMBDA_PERMISSION, [a.name for a in anchors], "-invoke")
    name = spelling.derived_name(site.file, name_expr, suffix) if name_expr is not None and suffix else None
    callee = _callee(site, tokens.LAMBDA_PERMISSION)
    options = child_options(workspace, anchors[0], site)
    if name is None or callee is None or options is None:
        return None
    opts, option_edits = options
    arguments = [name, 'action="lambda:InvokeFunction"', f"function={function_text}.name",
                 f'principal="{APIGATEWAY_PRINCIPAL}"', SOURCE_ARN.format(api=api_text)]
    if opts:
        arguments.append(opts)
    insert = edits.insert_after(site.file, site.statement,
                                edits.call_lines(callee, arguments, site.file.module.default_indent))
    return Fix(key_of(finding), FixSafety.UNSAFE,
               f"add a Permission for API Gateway to invoke {function_text} from {api_text}",
               tuple(sorted({insert, *extra, *option_edits})),
               inserts=_inserted(anchors, tokens.LAMBDA_PERMISSION, suffix or ""),
               allow_root_inserts=_at_root(workspace, anchors[0]))


# --- SG302 / SG303 -------------------------------------------------------------------------------


def _apis_without(workspace: Workspace, finding: Finding, members: str) -> tuple[ApiIndex, list[Resource]] | None:
    apis = ApiIndex.of(workspace.graph)
    built = workspace.resources_at(finding)
    if not built or not _known_names(workspace, built):
        return None
    if any(getattr(apis.members(api), members) for api in built):
        return None
    return apis, built


def deployment_and_stage(workspace: Workspace, finding: Finding) -> Fix | None:
    found = _apis_without(workspace, finding, "deployments")
    if found is None:
        return None
    apis, built = found
    if any(api.type != tokens.REST_API or apis.members(api).stages for api in built):
        return None
    api_site = site_of(workspace, built[0])
    if api_site is None:
        return None
    extra: tuple[Edit, ...]
    if all(has_body(api) for api in built):
        api_text = bound_name(api_site)
        if api_text is None:
            return None
        anchor, depends, extra = api_site, None, ()
    else:
        if any(has_body(api) for api in built):
            return None
        prepared = _after_integrations(workspace, apis, built)
        if prepared is None:
            return None
        anchor, api_text, depends, extra = prepared
    return _deployment_fix(workspace, finding, built, api_site, anchor, api_text, depends, extra)


def _after_integrations(workspace: Workspace, apis: ApiIndex, built: Sequence[Resource]
                        ) -> tuple[Site, str, list[str], tuple[Edit, ...]] | None:
    """The statement after the API's last integration, the API's expression there, and the
    expressions of its integrations (binding bare ones to new variables)."""
    sites: dict[int, tuple[Site, Resource]] = {}
    api_text = None
    for api in built:
        integrations = apis.members(api).integrations
        if not integrations:
            return None
        for integration in integrations:
            site = site_of(workspace, integration)
            if site is None or in_loop(site):
                return None
            sites.setdefault(site.start, (site, integration))
            text = reference_through(workspace, integration, "restApi", api)
            if text is None or api_text not in (None, text):
                return None
            api_text = text
    ordered = [sites[start] for start in sorted(sites)]
    last = ordered[-1][0]
    if any(site.block is not last.block for site, _ in ordered) or api_text is None:
        return None
    taken = _taken(last)
    names: list[str] = []
    extra: list[Edit] = []
    for _, integration in ordered:
        reference = reference_at(workspace, integration, last, taken)
        if reference is None:
            return None
        names.append(reference[0])
        extra.extend(reference[1])
    return last, api_text, names, tuple(extra)


def _deployment_fix(workspace: Workspace, finding: Finding, built: Sequence[Resource], api_site: Site,
                    anchor: Site, api_text: str, depends: list[str] | None, extra: tuple[Edit, ...]) -> Fix | None:
    file = anchor.file
    name_expr = name_argument(api_site.call)
    if name_expr is None or (api_site.scope is not anchor.scope and not isinstance(name_expr, cst.SimpleString)):
        return None  # the API's name is computed from names the insertion point may not see
    names = [api.name for api in built]
    deployment_suffix = _unique_name(workspace, tokens.REST_DEPLOYMENT, names, "-deployment")
    stage_suffix = _unique_name(workspace, tokens.REST_STAGE, names, "-stage")
    if deployment_suffix is None or stage_suffix is None:
        return None
    deployment_name = spelling.derived_name(api_site.file, name_expr, deployment_suffix)
    stage_name = spelling.derived_name(api_site.file, name_expr, stage_suffix)
    deployment_class = _callee(api_site, tokens.REST_DEPLOYMENT)
    stage_class = _callee(api_site, tokens.REST_STAGE)
    options = spelling.resource_options(file) if depends is not None else ("", ())
    child = child_options(workspace, built[0], api_site)
    parent = parent_self_option(workspace, built[0], api_site)
    if None in (deployment_name, stage_name, deployment_class, stage_class, options, child):
        return None
    assert options is not None and child is not None
    taken = _taken(anchor) | {text.split(" = ")[0] for text in (e.text for e in extra)}
    variable = spelling.variable_name(spelling.name_hint(name_expr, built[0].name) + deployment_suffix, taken)
    unit = file.module.default_indent
    deployment_args = [str(deployment_name), f"rest_api={api_text}.id"]
    if depends is None:
        deployment_args.append(f"triggers={{\"body\": {api_text}.body}}")
        if child[0]:
            deployment_args.append(child[0])
    else:
        inner = ", ".join([*(p for p in [parent] if p), f"depends_on=[{', '.join(depends)}]"])
        deployment_args.append(f"opts={options[0]}({inner})")
    stage_args = [str(stage_name), f"rest_api={api_text}.id", f"deployment={variable}.id",
                  f'stage_name="{STAGE_NAME}"', *([child[0]] if child[0] else [])]
    lines = [*edits.call_lines(str(deployment_class), deployment_args, unit),
             *edits.call_lines(str(stage_class), stage_args, unit)]
    lines[0] = f"{variable} = {lines[0]}"
    insert = edits.insert_after(file, anchor.statement, lines)
    inserts = _inserted(built, tokens.REST_DEPLOYMENT, deployment_suffix) | _inserted(
        built, tokens.REST_STAGE, stage_suffix)
    return Fix(key_of(finding), FixSafety.UNSAFE, f"add a Deployment and a Stage for {api_text}",
               tuple(sorted({insert, *extra, *options[1], *child[1]})), inserts=inserts,
               allow_root_inserts=_at_root(workspace, built[0]))


def stage(workspace: Workspace, finding: Finding) -> Fix | None:
    found = _apis_without(workspace, finding, "stages")
    if found is None:
        return None
    apis, built = found
    if all(api.type == tokens.REST_API for api in built):
        if all(not apis.members(api).deployments for api in built):
            return deployment_and_stage(workspace, finding)  # the same edit as SG302's fix
        if any(len(apis.members(api).deployments) != 1 for api in built):
            return None  # several deployments: which one a stage serves is a choice
        return _rest_stage(workspace, finding, apis, built)
    if all(api.type == tokens.V2_API for api in built):
        return _http_stage(workspace, finding, apis, built)
    return None


def _rest_stage(workspace: Workspace, finding: Finding, apis: ApiIndex, built: Sequence[Resource]) -> Fix | None:
    deployments = [apis.members(api).deployments[0] for api in built]
    site = site_of(workspace, deployments[0])
    api_site = site_of(workspace, built[0])
    if site is None or api_site is None or any(site_of(workspace, d) is None for d in deployments):
        return None
    if len({(d.location.line, d.location.column) for d in deployments if d.location}) != 1:
        return None  # the deployments come from different calls
    if any("stage_name" in dict(getattr(workspace.node(d), "keywords", ())) for d in deployments):
        return None  # pulumi-aws 6's stage_name: SG402's fix makes the Stage, with the name the author chose
    api_text = reference_through(workspace, deployments[0], "restApi", built[0])
    taken = _taken(site)
    own = bound_name(site)
    extra: tuple[Edit, ...]
    if own is not None:
        deployment_text, extra = own, ()
    else:
        reference = reference_at(workspace, deployments[0], site, taken)
        if reference is None:
            return None
        deployment_text, extra = reference
    name_expr = name_argument(api_site.call)
    if name_expr is None or (api_site.scope is not site.scope and not isinstance(name_expr, cst.SimpleString)):
        return None
    if api_text is None:
        return None
    stage = rest_stage_after(workspace, site, deployments[0], StageName(api_site.file, name_expr, built),
                             f"{api_text}.id", deployment_text, f'"{STAGE_NAME}"')
    if stage is None:
        return None
    insert, inserts = stage
    return Fix(key_of(finding), FixSafety.UNSAFE, f"add a Stage serving {deployment_text}",
               tuple(sorted({*insert, *extra})), inserts=inserts, allow_root_inserts=_at_root(workspace, built[0]))


@dataclass(frozen=True)
class StageName:
    """Where an inserted Stage's logical name comes from: a resource's name argument (in ``file``)
    and that resource's instances, whose names + ``-stage`` name the Stage of each run."""

    file: SourceFile
    expression: cst.BaseExpression
    instances: Sequence[Resource]


def rest_stage_after(workspace: Workspace, site: Site, anchor: Resource, name: StageName, rest_api: str,
                     deployment: str, stage_name: str, comment: str = ""
                     ) -> tuple[tuple[Edit, ...], frozenset[tuple[str, str]]] | None:
    """An ``aws.apigateway.Stage`` serving ``deployment`` (an expression naming the Deployment,
    ``.id`` is added) inserted after ``site``'s statement, its options those of ``anchor``'s
    children; the edits and the resources it inserts. ``rest_api`` and ``stage_name`` are
    argument texts; ``comment`` goes at the end of the ``stage_name`` line."""
    suffix = _unique_name(workspace, tokens.REST_STAGE, [resource.name for resource in name.instances], "-stage")
    logical = spelling.derived_name(name.file, name.expression, suffix) if suffix else None
    callee = _callee(site, tokens.REST_STAGE)
    child = child_options(workspace, anchor, site)
    if logical is None or callee is None or child is None or suffix is None:
        return None
    arguments = [logical, f"rest_api={rest_api}", f"deployment={deployment}.id", f"stage_name={stage_name}",
                 *([child[0]] if child[0] else [])]
    lines = edits.call_lines(callee, arguments, site.file.module.default_indent)
    if comment:
        lines[1 + arguments.index(f"stage_name={stage_name}")] += f"  {comment}"
    insert = edits.insert_after(site.file, site.statement, lines)
    return (insert, *child[1]), _inserted(name.instances, tokens.REST_STAGE, suffix)


def _http_stage(workspace: Workspace, finding: Finding, apis: ApiIndex, built: Sequence[Resource]) -> Fix | None:
    for api in built:
        protocol = known_str(api.prop("protocolType"))
        if protocol is None or protocol.upper() != "HTTP" or is_quick_create(api) or apis.members(api).deployments:
            return None  # WebSocket, or deployments made by hand: which one a stage serves is a choice
    if apis.has_unattributed(tokens.V2_DEPLOYMENT):
        return None
    site = site_of(workspace, built[0])
    if site is None:
        return None
    api_text = bound_name(site)
    name_expr = name_argument(site.call)
    suffix = _unique_name(workspace, tokens.V2_STAGE, [api.name for api in built], "-stage")
    name = spelling.derived_name(site.file, name_expr, suffix) if name_expr is not None and suffix else None
    callee = _callee(site, tokens.V2_STAGE)
    child = child_options(workspace, built[0], site)
    if None in (api_text, name, callee, child):
        return None
    assert child is not None
    arguments = [str(name), f"api_id={api_text}.id", 'name="$default"', "auto_deploy=True",
                 *([child[0]] if child[0] else [])]
    insert = edits.insert_after(site.file, site.statement,
                                edits.call_lines(str(callee), arguments, site.file.module.default_indent))
    return Fix(key_of(finding), FixSafety.UNSAFE, f"add an auto-deploying $default Stage for {api_text}",
               tuple(sorted({insert, *child[1]})), inserts=_inserted(built, tokens.V2_STAGE, suffix or ""),
               allow_root_inserts=_at_root(workspace, built[0]))


# --- SG304 ---------------------------------------------------------------------------------------


def deployment_depends_on(workspace: Workspace, finding: Finding) -> Fix | None:
    missing = {found.deployment.urn: found for found in sg304.missing_dependencies(workspace.graph)}
    deployments = _flagged_everywhere(workspace, finding, set(missing))
    if deployments is None:
        return None
    site = site_of(workspace, deployments[0])
    if site is None:
        return None
    wanted: dict[int, Resource] = {}
    for deployment in deployments:
        if deployment.unresolved:
            return None
        for member in missing[deployment.urn].missing:
            member_site = site_of(workspace, member)
            if member_site is None:
                return None
            wanted.setdefault(member_site.start, member)
    per_run = {frozenset(_site_start(workspace, m) for m in missing[d.urn].missing) for d in deployments}
    if len(per_run) != 1:
        return None  # runs of this call miss different members
    taken = _taken(site)
    names: list[str] = []
    extra: list[Edit] = []
    for start in sorted(wanted):
        reference = reference_at(workspace, wanted[start], site, taken)
        if reference is None:
            return None
        names.append(reference[0])
        extra.extend(reference[1])
    change = _add_depends_on(site, names)
    if change is None:
        return None
    changes: frozenset[Change] = frozenset((workspace.identity(d), "@dependencies") for d in deployments)
    return Fix(key_of(finding), FixSafety.SAFE, f"make the deployment depend on {', '.join(names)}",
               tuple(sorted({*change, *extra})), changes)


def _site_start(workspace: Workspace, resource: Resource) -> int:
    site = site_of(workspace, resource)
    return site.start if site is not None else -1


def _add_depends_on(site: Site, names: list[str]) -> tuple[Edit, ...] | None:
    file, call = site.file, site.call
    positional = [arg for arg in call.args if arg.keyword is None]
    if len(positional) > 1 or has_star_args(call):
        return None
    if keyword(call, "depends_on") is not None:
        return None  # passed as an argument (SG401): its fix moves it into the options first
    opts = keyword(call, "opts")
    listed = ", ".join(names)
    if opts is None:
        options = spelling.resource_options(file)
        if options is None:
            return None
        return (*edits.append_argument(file, call, f"opts={options[0]}(depends_on=[{listed}])"), *options[1])
    value = opts.value
    if not isinstance(value, cst.Call) or spelling.resolve(file.module, dotted(value.func) or "") \
            != "pulumi.ResourceOptions" or has_star_args(value):
        return None  # shared or computed options: adding to them would change other resources too
    existing = keyword(value, "depends_on")
    if existing is None:
        return edits.append_argument(file, value, f"depends_on=[{listed}]")
    if not isinstance(existing.value, cst.List) or any(e.__class__ is not cst.Element for e in existing.value.elements):
        return None
    return edits.append_element(file, existing.value, listed)


# --- SG305 ---------------------------------------------------------------------------------------


def permission_source_arn(workspace: Workspace, finding: Finding) -> Fix | None:
    permissions = workspace.resources_at(finding)
    if not permissions:
        return None
    graph = workspace.graph
    edges = invocation_edges(graph)
    site = site_of(workspace, permissions[0])
    if site is None:
        return None
    api: Resource | None = None
    for permission in permissions:
        principal = permission.prop("principal")
        if permission.unresolved or not isinstance(principal, str) or principal.lower() != APIGATEWAY_PRINCIPAL:
            return None
        if is_set(permission, "sourceArn") or is_set(permission, "sourceAccount"):
            return None
        grant = grant_of(graph, permission)
        if len(grant.function.functions) != 1 or grant.function.literal_names or grant.function.qualifier:
            return None
        callers = {edge.api.urn: edge.api for edge in edges
                   if edge.api is not None and grant.may_cover(edge.function)}
        if len(callers) != 1:
            return None  # no API of the stack calls it, or several: which one to allow is a choice
        found = next(iter(callers.values()))
        if api is not None and found.urn != api.urn:
            return None
        api = found
    assert api is not None
    reference = reference_at(workspace, api, site, _taken(site))
    if reference is None or reference[1]:
        return None
    change = edits.append_argument(site.file, site.call, SOURCE_ARN.format(api=reference[0]))
    changes: frozenset[Change] = frozenset((workspace.identity(p), "sourceArn") for p in permissions)
    return Fix(key_of(finding), FixSafety.UNSAFE, f"scope the permission to {reference[0]}'s execution ARN",
               tuple(sorted(change)), changes)
