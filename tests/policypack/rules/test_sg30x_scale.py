"""SG301–SG306 on a stack of ~12,000 resources (10,000 is the size users reach) report exactly the planted faults.

Every API is wired the way a preview shows it (values unknown, relations by
URN), so each check has to use its indexes for every resource of the stack.
"""

from policypack.graph import UNKNOWN, Resource, ResourceGraph
from policypack.knowledge import tokens
from policypack.rules import rule_by_code_or_name
from tests.support.graphs import res, stack, urn

REST_APIS = 1_500
HTTP_APIS = 300


def on(**targets: Resource | tuple[Resource, ...]) -> dict[str, tuple[str, ...]]:
    return {prop: tuple(t.urn for t in (value if isinstance(value, tuple) else (value,)))
            for prop, value in targets.items()}


def rest_api(i: int, functions: list[Resource]) -> list[Resource]:
    """One Lambda-backed REST route, correct unless ``i`` is one of the planted faults."""
    fn = functions[i]
    api = res(tokens.REST_API, f"api-{i}")
    method = res(tokens.REST_METHOD, f"method-{i}", restApi=UNKNOWN, prop_deps=on(restApi=api))
    integration = res(tokens.REST_INTEGRATION, f"integration-{i}", restApi=UNKNOWN, type="AWS_PROXY",
                      uri=UNKNOWN, prop_deps=on(restApi=api, uri=fn))
    deployment = res(tokens.REST_DEPLOYMENT, f"deployment-{i}", restApi=UNKNOWN, prop_deps=on(restApi=api),
                     deps=() if i == 40 else (integration.urn,))
    served = urn(tokens.REST_DEPLOYMENT, "deployment-61") if i == 60 else deployment.urn
    stage = res(tokens.REST_STAGE, f"stage-{i}", restApi=UNKNOWN, deployment=UNKNOWN, stageName="prod",
                prop_deps={**on(restApi=api), "deployment": (served,)})
    permission_fn = functions[i + 1] if i == 10 else fn
    source = {} if i == 50 else {"sourceArn": UNKNOWN}
    permission = res(tokens.LAMBDA_PERMISSION, f"permission-{i}", action="lambda:InvokeFunction",
                     principal="apigateway.amazonaws.com", function=UNKNOWN, **source,
                     prop_deps=on(function=permission_fn, **({"sourceArn": api} if source else {})))
    members = [api, method, integration, permission]
    if i != 20:
        members.append(deployment)
    if i not in (20, 30):
        members.append(stage)
    return members


def http_api(i: int, fn: Resource) -> list[Resource]:
    api = res(tokens.V2_API, f"http-{i}", protocolType="HTTP")
    integration = res(tokens.V2_INTEGRATION, f"http-integration-{i}", apiId=UNKNOWN, integrationType="AWS_PROXY",
                      integrationUri=UNKNOWN, prop_deps=on(apiId=api, integrationUri=fn))
    route = res(tokens.V2_ROUTE, f"route-{i}", apiId=UNKNOWN, routeKey="GET /", target=UNKNOWN,
                prop_deps=on(apiId=api, target=integration))
    stage = res(tokens.V2_STAGE, f"http-stage-{i}", apiId=UNKNOWN, autoDeploy=True, prop_deps=on(apiId=api))
    permission = res(tokens.LAMBDA_PERMISSION, f"http-permission-{i}", action="lambda:InvokeFunction",
                     principal="apigateway.amazonaws.com", function=UNKNOWN, sourceArn=UNKNOWN,
                     prop_deps=on(function=fn, sourceArn=api))
    return [api, integration, route, permission] + ([] if i == 7 else [stage])


def build() -> ResourceGraph:
    functions = [res(tokens.LAMBDA_FUNCTION, f"fn-{i}") for i in range(REST_APIS + 1)]
    resources = [stack(), *functions]
    for i in range(REST_APIS):
        resources.extend(rest_api(i, functions))
    for i in range(HTTP_APIS):
        resources.extend(http_api(i, functions[i]))
    return ResourceGraph(resources)


def test_large_stack_reports_exactly_the_planted_faults() -> None:
    graph = build()
    assert len(graph) > 11_000
    expected = {
        "SG301": ["integration-10"],
        "SG302": ["api-20"],
        "SG303": ["api-20", "api-30", "http-7"],
        "SG304": ["deployment-40"],
        "SG305": ["permission-50"],
        "SG306": ["stage-60"],
    }
    for code, names in expected.items():
        rule = rule_by_code_or_name(code)
        assert rule is not None
        assert sorted(v.resource.name for v in rule.run(graph)) == names, code
