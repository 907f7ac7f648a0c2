"""References between resources: property dependencies, depends_on, parents, unresolved props."""

from __future__ import annotations

from policypack.graph import UNKNOWN
from tests.analyzers.extract.sources import by_name, deps_names, graph_of

_FUNCTION = '''
import json
import pulumi
import pulumi_aws as aws

fn = aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/r", runtime="python3.12",
                          handler="index.handler", code=pulumi.FileArchive("./app"))
api = aws.apigateway.RestApi("api")
'''


def test_property_dependencies_through_outputs() -> None:
    graph = graph_of(_FUNCTION + '''
aws.lambda_.Permission("concat", function=fn.name, source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"))
aws.lambda_.Permission("apply", function=fn.arn, source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"))
aws.lambda_.Permission("fstring", function=fn, source_arn=f"{api.execution_arn}/*/*")
aws.lambda_.Permission("all", function=fn.name,
                       source_arn=pulumi.Output.all(api.id, fn.arn).apply(lambda args: args[0]))
aws.lambda_.Permission("plus", function=fn.name, source_arn=api.execution_arn + "/*")
aws.lambda_.Permission("format", function=fn.name, source_arn=pulumi.Output.format("{0}/*", api.execution_arn))
''')
    for name in ("concat", "apply", "fstring", "plus", "format"):
        permission = by_name(graph, name)
        assert deps_names(graph, permission, "function") == {"fn"}, name
        assert deps_names(graph, permission, "sourceArn") == {"api"}, name
        assert permission.props["sourceArn"] is UNKNOWN
        assert not permission.unresolved, name
    assert deps_names(graph, by_name(graph, "all"), "sourceArn") == {"api", "fn"}


def test_literal_values_stay_known_next_to_references() -> None:
    graph = graph_of(_FUNCTION + '''
aws.apigateway.Integration("i", rest_api=api.id, type="AWS_PROXY", uri=fn.invoke_arn,
                           request_parameters={"a": "b"}, cache_key_parameters=[fn.arn, "x"])
''')
    integration = by_name(graph, "i")
    assert integration.props["type"] == "AWS_PROXY"
    assert integration.props["requestParameters"] == {"a": "b"}
    assert integration.props["cacheKeyParameters"] == [UNKNOWN, "x"]
    assert deps_names(graph, integration, "cacheKeyParameters") == {"fn"}


def test_unresolvable_names_mark_the_prop() -> None:
    graph = graph_of(_FUNCTION + '''
from somewhere_unknown import make_uri

def wire(function_arn):
    aws.apigateway.Integration("param", rest_api=api.id, uri=function_arn)

aws.apigateway.Integration("call", rest_api=api.id, uri=make_uri(fn))
aws.apigateway.Integration("attr", rest_api=api.id, uri=some_object.uri)
''')
    assert "uri" in by_name(graph, "param").unresolved  # a parameter nobody passes
    assert "uri" not in by_name(graph, "call").unresolved  # library code can't see our resources...
    assert deps_names(graph, by_name(graph, "call"), "uri") == {"fn"}  # ...but what we pass counts
    assert "uri" in by_name(graph, "attr").unresolved
    assert "restApi" not in by_name(graph, "attr").unresolved


def test_depends_on_and_options_built_earlier() -> None:
    graph = graph_of(_FUNCTION + '''
method = aws.apigateway.Method("m", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET",
                               authorization="NONE")
integration = aws.apigateway.Integration("i", rest_api=api.id, resource_id=api.root_resource_id,
                                         http_method=method.http_method, type="MOCK")
deploy_opts = pulumi.ResourceOptions(depends_on=[method])
merged = pulumi.ResourceOptions.merge(deploy_opts, pulumi.ResourceOptions(depends_on=[integration]))
aws.apigateway.Deployment("list", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[method, integration]))
aws.apigateway.Deployment("single", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=integration))
aws.apigateway.Deployment("merged", rest_api=api.id, opts=merged)
aws.apigateway.Deployment("unknown", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=helper_list()))
''')
    names = {r.urn: r.name for r in graph}
    assert {names[u] for u in by_name(graph, "list").dependencies} == {"m", "i"}
    assert {names[u] for u in by_name(graph, "single").dependencies} == {"i"}
    assert {names[u] for u in by_name(graph, "merged").dependencies} == {"m", "i"}
    assert "dependsOn" not in by_name(graph, "merged").unresolved
    assert "dependsOn" in by_name(graph, "unknown").unresolved


def test_lists_built_with_append_and_comprehensions() -> None:
    graph = graph_of(_FUNCTION + '''
integrations = []
for path in ["a", "b"]:
    integrations.append(aws.apigateway.Integration(f"{path}-i", rest_api=api.id, type="MOCK"))
extra = [aws.apigateway.Integration(f"{p}-x", rest_api=api.id, type="MOCK") for p in ["c"]]
aws.apigateway.Deployment("d", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=integrations + extra),
                          triggers={"redeploy": json.dumps([i.id for i in integrations])})
''')
    names = {r.urn: r.name for r in graph}
    deployment = by_name(graph, "d")
    assert {names[u] for u in deployment.dependencies} >= {"a-i", "b-i"}
    assert {"a-i", "b-i"} <= deps_names(graph, deployment, "triggers")
    assert "dependsOn" not in deployment.unresolved


def test_loops_over_known_sequences_run_once_per_element() -> None:
    graph = graph_of(_FUNCTION + '''
public = aws.apigateway.RestApi("public")
admin = aws.apigateway.RestApi("admin")
for name, rest_api in (("public", public), ("admin", admin)):
    aws.apigateway.Deployment(f"{name}-deployment", rest_api=rest_api.id)
for index, zone in enumerate(["a", "b"]):
    aws.s3.Bucket(f"bucket-{index}{zone}")
for index in range(count_from_config()):
    aws.sqs.Queue(f"queue-{index}")
''')
    assert deps_names(graph, by_name(graph, "public-deployment"), "restApi") == {"public"}
    assert deps_names(graph, by_name(graph, "admin-deployment"), "restApi") == {"admin"}
    buckets = sorted(r.name for r in graph if r.type == "aws:s3/bucket:Bucket")
    assert buckets == ["bucket-0a", "bucket-1b"]
    queues = [r for r in graph if r.type == "aws:sqs/queue:Queue"]
    assert len(queues) == 1  # an unknown count: one node for the call site, its name unknown
    assert queues[0].name == "Queue at __main__.py:17"


def test_functions_run_per_call_with_their_arguments() -> None:
    graph = graph_of(_FUNCTION + '''
def integration_for(name, function, *, kind="AWS_PROXY"):
    resource = aws.apigateway.Resource(f"{name}-resource", rest_api=api.id, parent_id=api.root_resource_id,
                                       path_part=name)
    return aws.apigateway.Integration(f"{name}-integration", rest_api=api.id, resource_id=resource.id,
                                      type=kind, uri=function.invoke_arn)

orders = integration_for("orders", fn)
health = integration_for("health", fn, kind="MOCK")
aws.apigateway.Deployment("d", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[orders]))
''')
    orders = by_name(graph, "orders-integration")
    assert orders.props["type"] == "AWS_PROXY"
    assert deps_names(graph, orders, "uri") == {"fn"}
    assert deps_names(graph, orders, "resourceId") == {"orders-resource"}
    assert by_name(graph, "health-integration").props["type"] == "MOCK"
    names = {r.urn: r.name for r in graph}
    assert {names[u] for u in by_name(graph, "d").dependencies} == {"orders-integration"}


def test_functions_nobody_calls_are_analysed_with_unknown_parameters() -> None:
    graph = graph_of('''
import pulumi_aws as aws

def make_bucket(name, versioning):
    return aws.s3.Bucket(name, versioning=versioning, acl="private")
''')
    [bucket] = [r for r in graph if r.type == "aws:s3/bucket:Bucket"]
    assert bucket.name == "Bucket at __main__.py:5"  # a placeholder, not a guess
    assert bucket.props["acl"] == "private"
    assert "versioning" in bucket.unresolved


def test_helper_returning_a_value_with_branches() -> None:
    graph = graph_of('''
import pulumi_aws as aws

def family(version):
    major = int(version.split(".")[0])
    if major < 10:
        return "postgres" + version[:3]
    return f"postgres{major}"

aws.rds.ParameterGroup("new", family=family("17.5"))
aws.rds.ParameterGroup("old", family=family("9.6.24"))
''')
    assert by_name(graph, "new").props["family"] == "postgres17"
    assert by_name(graph, "old").props["family"] == "postgres9.6"


def test_stack_parent_and_explicit_parents() -> None:
    graph = graph_of(_FUNCTION + '''
def with_opts(name, opts=None):
    return aws.s3.Bucket(name, opts=opts)

def unknown_opts(name, opts):
    return aws.s3.Bucket(name, opts=opts)

root = aws.s3.Bucket("root")
child = aws.s3.BucketPolicy("child", bucket=root.id, policy="{}", opts=pulumi.ResourceOptions(parent=root))
with_opts("defaulted")
''')
    stack = next(r for r in graph if r.is_stack)
    assert by_name(graph, "root").parent == stack.urn
    assert by_name(graph, "child").parent == by_name(graph, "root").urn
    assert by_name(graph, "defaulted").parent == stack.urn  # opts=None: the stack, as at run time
    [unknown] = [r for r in graph if " at __main__.py:" in r.name]
    assert unknown.parent is None  # a helper meant to receive its parent: unknown, no SG101
