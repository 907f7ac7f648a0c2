"""Branch-aware evaluation per call site: constant arguments pick the branch each run takes."""

from __future__ import annotations

from tests.analyzers.extract.sources import findings_of, graph_of

TOPICS = "aws:sns/topic:Topic"


def _names(code: str, token: str = TOPICS) -> list[str]:
    return sorted(r.name for r in graph_of(code) if r.type == token)


def test_early_return_skips_the_rest_of_the_run() -> None:
    code = '''
import pulumi_aws as aws


def topic(name, enabled=True):
    if not enabled:
        return None
    return aws.sns.Topic(name)


topic("a")
topic("b", enabled=False)
topic("c", False)
'''
    assert _names(code) == ["a"]
    assert [f.instances for f in findings_of(code) if f.code == "SG101"] == [("a",)]


def test_conditional_expression_per_call() -> None:
    code = '''
import pulumi_aws as aws


def maybe(name, on):
    return aws.sns.Topic(name) if on else None


maybe("yes", True)
maybe("no", on=False)
'''
    assert _names(code) == ["yes"]


def test_elif_chain_and_defaults() -> None:
    code = '''
import pulumi_aws as aws


def queue_or_topic(name, kind="topic"):
    if kind == "queue":
        aws.sqs.Queue(name)
    elif kind == "both":
        aws.sqs.Queue(name)
        aws.sns.Topic(name)
    else:
        aws.sns.Topic(name)


queue_or_topic("q", "queue")
queue_or_topic("b", kind="both")
queue_or_topic("t")
'''
    assert _names(code) == ["b", "t"]
    assert _names(code, "aws:sqs/queue:Queue") == ["b", "q"]


def test_helper_called_in_a_loop_over_constants() -> None:
    code = '''
import pulumi_aws as aws


def topic(name, fifo):
    if fifo:
        return aws.sns.Topic(name, fifo_topic=True)
    return aws.sns.Topic(name)


for name, fifo in [("orders", True), ("events", False)]:
    topic(name, fifo)
'''
    graph = graph_of(code)
    topics = {r.name: r.props.get("fifoTopic") for r in graph if r.type == TOPICS}
    assert topics == {"orders": True, "events": None}
    sg101 = [f for f in findings_of(code) if f.code == "SG101"]
    # one finding per constructor call, each naming the instance that took its branch
    assert sorted(f.instances for f in sg101) == [("events",), ("orders",)]


def test_a_value_bound_in_branches_follows_the_branch_taken() -> None:
    code = '''
import pulumi
import pulumi_aws as aws


def bucket(name, env):
    if env == "prod":
        versioning = {"enabled": True}
    else:
        versioning = None
    return aws.s3.Bucket(name, versioning=versioning)


bucket("p", "prod")
bucket("d", "dev")
'''
    props = {r.name: r.props.get("versioning") for r in graph_of(code) if r.type == "aws:s3/bucket:Bucket"}
    assert props == {"p": {"enabled": True}, "d": None}


WIRING = '''
import pulumi
import pulumi_aws as aws

handler = aws.lambda_.Function("handler", role="arn:aws:iam::123456789012:role/r", runtime="python3.12",
                               handler="index.handler", code=pulumi.FileArchive("app"))


def api(name, with_route):
    rest = aws.apigateway.RestApi(name)
    aws.apigateway.Stage(f"{name}-stage", rest_api=rest.id, deployment="d", stage_name="prod")
    aws.lambda_.Permission(f"{name}-invoke", action="lambda:InvokeFunction", function=handler.name,
                           principal="apigateway.amazonaws.com",
                           source_arn=rest.execution_arn.apply(lambda arn: f"{arn}/*/*"))
    if with_route:
        res = aws.apigateway.Resource(f"{name}-r", rest_api=rest.id, parent_id=rest.root_resource_id,
                                      path_part="x")
        method = aws.apigateway.Method(f"{name}-m", rest_api=rest.id, resource_id=res.id, http_method="GET",
                                       authorization="NONE")
        integ = aws.apigateway.Integration(f"{name}-i", rest_api=rest.id, resource_id=res.id,
                                           http_method=method.http_method, integration_http_method="POST",
                                           type="AWS_PROXY", uri=handler.invoke_arn)
        aws.apigateway.Deployment(f"{name}-deploy", rest_api=rest.id,
                                  opts=pulumi.ResourceOptions(depends_on=[integ]))
    else:
        aws.apigateway.Deployment(f"{name}-deploy", rest_api=rest.id)  # nothing to wait for here
'''


def test_undecidable_branch_finding_needs_a_resource_of_the_other_branch_is_dropped() -> None:
    # ``api`` is never called: its parameter is unknown, both branches may run, but the plain
    # Deployment's run never has the integration it would be said to miss.
    assert [f for f in findings_of(WIRING) if f.code == "SG304"] == []


def test_undecidable_branch_finding_that_holds_on_every_path_stands() -> None:
    # The route is created on every path; only the Deployment's wiring depends on the branch.
    code = WIRING.replace("    if with_route:\n        res =", "    if True:\n        res =").replace(
        """        aws.apigateway.Deployment(f"{name}-deploy", rest_api=rest.id,
                                  opts=pulumi.ResourceOptions(depends_on=[integ]))
    else:""", """    if with_route:
        aws.apigateway.Deployment(f"{name}-deploy", rest_api=rest.id,
                                  opts=pulumi.ResourceOptions(depends_on=[integ]))
    else:""")
    assert "if True" in code and code.count("if with_route") == 1
    flagged = [f for f in findings_of(code) if f.code == "SG304"]
    assert len(flagged) == 1 and flagged[0].line == code.splitlines().index(
        '        aws.apigateway.Deployment(f"{name}-deploy", rest_api=rest.id)  # nothing to wait for here') + 1
