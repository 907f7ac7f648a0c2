"""ComponentResource subclasses: instances, children, SG101/SG102/SG103 in the static form."""

from __future__ import annotations

from tests.analyzers.extract.sources import by_name, findings_of, graph_of


def _codes(findings, code: str) -> list[str]:
    return sorted(f.subject for f in findings if f.code == code)


_BASE = '''
import pulumi
from pulumi import ComponentResource, ResourceOptions


class Base(ComponentResource):
    def __init__(self, kind, name, opts=None):
        super().__init__(f"acme:{kind}:{kind.title()}", name, None, opts)
'''


def test_component_defined_in_another_module_through_a_base_class() -> None:
    files = {
        "components/__init__.py": "from .storage import Storage\n",
        "components/base.py": _BASE,
        "components/storage.py": '''
import pulumi
import pulumi_aws as aws
from .base import Base


class Storage(Base):
    def __init__(self, name, opts=None):
        super().__init__("storage", name, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.loose = aws.s3.Bucket(f"{name}-loose")
        self.register_outputs({})
''',
        "__main__.py": "import pulumi\nfrom components import Storage\nassets = Storage('assets')\n",
    }
    graph = graph_of(files)
    component = by_name(graph, "assets")
    assert component.type == "acme:storage:Storage"
    assert component.custom is False
    assert by_name(graph, "assets-bucket").parent == component.urn
    assert by_name(graph, "assets-loose").parent == component.urn  # SG103, not also SG101
    findings = findings_of(files)
    assert _codes(findings, "SG103") == ["assets-loose"]
    assert _codes(findings, "SG101") == []
    assert _codes(findings, "SG102") == []


def test_each_instance_is_its_own_node_with_its_own_children() -> None:
    graph = graph_of('''
import pulumi
import pulumi_aws as aws


class Queue(pulumi.ComponentResource):
    def __init__(self, name, retention=345600, opts=None):
        super().__init__("acme:queue:Queue", name, None, opts)
        self.queue = aws.sqs.Queue(name, message_retention_seconds=retention,
                                   opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"url": self.queue.url})


jobs = Queue("jobs")
events = Queue("events", retention=60)
aws.sqs.QueuePolicy("policy", queue_url=events.queue.url, policy="{}")
''')
    [jobs_component] = [r for r in graph if r.type == "acme:queue:Queue" and r.name == "jobs"]
    assert jobs_component.props == {} and jobs_component.custom is False
    jobs_queue = [r for r in graph if r.type == "aws:sqs/queue:Queue" and r.name == "jobs"]
    assert len(jobs_queue) == 1 and jobs_queue[0].props["messageRetentionSeconds"] == 345600
    events_queue = next(r for r in graph if r.type == "aws:sqs/queue:Queue" and r.name == "events")
    assert events_queue.props["messageRetentionSeconds"] == 60
    policy = by_name(graph, "policy")
    assert policy.property_dependencies["queueUrl"] == (events_queue.urn,)


def test_depends_on_a_component_waits_for_its_resources() -> None:
    graph = graph_of('''
import pulumi
import pulumi_aws as aws


class Network(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:net:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16", opts=child)
        self.subnet = aws.ec2.Subnet(f"{name}-subnet", vpc_id=self.vpc.id, cidr_block="10.0.1.0/24",
                                     opts=ResourceOptionsAlias(parent=self.vpc))
        self.register_outputs({})


ResourceOptionsAlias = pulumi.ResourceOptions
network = Network("main")
aws.s3.Bucket("after", opts=pulumi.ResourceOptions(depends_on=[network]))
''')
    names = {r.urn: r.name for r in graph}
    # As the SDK expands it: the component's custom children, not their own children.
    assert {names[u] for u in by_name(graph, "after").dependencies} == {"main-vpc"}
    assert by_name(graph, "main-subnet").parent == by_name(graph, "main-vpc").urn


def test_sg103_options_forms() -> None:
    findings = findings_of('''
import pulumi
from pulumi import ResourceOptions
import pulumi_aws as aws


def make_child_opts(parent):
    return ResourceOptions(parent=parent)


class Thing(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:thing:Thing", name, None, opts)
        merged = ResourceOptions.merge(opts, ResourceOptions(parent=self))
        aws.s3.Bucket("merged", opts=merged)
        aws.s3.Bucket("helper", opts=make_child_opts(self))
        aws.s3.Bucket("own-opts", opts=opts)
        aws.s3.Bucket("no-parent", opts=ResourceOptions(protect=True))
        aws.s3.Bucket("none", opts=None)
        aws.s3.Bucket("unknown", opts=options_from_somewhere())
        if name == "x":
            conditional = ResourceOptions(parent=self)
        else:
            conditional = ResourceOptions(parent=self, protect=True)
        aws.s3.Bucket("conditional", opts=conditional)
        self._more()
        self.register_outputs({})

    def _more(self):
        aws.s3.Bucket("method-child", opts=ResourceOptions(parent=self))
        aws.s3.Bucket("method-orphan")


Thing("t")
''')
    assert _codes(findings, "SG103") == ["method-orphan", "no-parent", "none", "own-opts"]


def test_sg103_in_a_component_nobody_instantiates() -> None:
    findings = findings_of('''
import pulumi
import pulumi_aws as aws


class Library(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:lib:Library", name, None, opts)
        aws.s3.Bucket("passes-own-opts", opts=opts)
        aws.s3.Bucket("fine", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
''')
    assert _codes(findings, "SG103") == ["passes-own-opts"]


def test_sg101_static_form() -> None:
    findings = findings_of('''
import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
        aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def helper(name, opts):
    return aws.s3.Bucket(name, opts=opts)


def flat(name):
    return aws.s3.Bucket(name)


aws.s3.Bucket("root-bucket")
awsx.ec2.Vpc("vpc")
aws.Provider("east", region="us-east-1")
Storage("storage")
flat("from-helper")
''')
    assert _codes(findings, "SG101") == ["from-helper", "root-bucket"]


def test_sg102_unknown_when_self_escapes_and_bases_from_elsewhere() -> None:
    findings = findings_of({
        "__main__.py": '''
import pulumi
from external_lib import BaseComponent


class Escapes(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:x:Escapes", name, None, opts)
        register_everything(self)


class External(BaseComponent):
    def __init__(self, name, opts=None):
        super().__init__("acme:x:External", name, None, opts)


class Missing(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:x:Missing", name, None, opts)
        self.name = name


class Inherits(Missing):
    pass
''',
    })
    # Missing is a base class (its subclass is checked instead); Inherits inherits the gap.
    assert _codes(findings, "SG102") == ["Inherits"]


def test_outputs_exposed_through_properties() -> None:
    graph = graph_of('''
import pulumi
import pulumi_aws as aws


class Function(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:fn:Function", name, None, opts)
        self._fn = aws.lambda_.Function(f"{name}-fn", role="r", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})

    @property
    def invoke_arn(self):
        return self._fn.invoke_arn


handler = Function("handler")
api = aws.apigateway.RestApi("api")
aws.apigateway.Integration("integration", rest_api=api.id, type="AWS_PROXY", uri=handler.invoke_arn)
''')
    integration = by_name(graph, "integration")
    assert integration.property_dependencies["uri"] == (by_name(graph, "handler-fn").urn,)
    assert "uri" not in integration.unresolved


def test_options_passed_positionally() -> None:
    findings = findings_of('''
import pulumi
import pulumi_aws as aws


class Thing(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:thing:Thing", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        aws.s3.Bucket("positional-opts", None, child)
        aws.s3.Bucket("second-is-opts", child)
        aws.s3.Bucket("unknown-second", make_something())
        aws.s3.Bucket("args-only", aws.s3.BucketArgs(acl="private"))
        self.register_outputs({})


Thing("t")
''')
    assert _codes(findings, "SG103") == ["args-only"]


def _components_project(count: int) -> dict[str, str]:
    """``count`` components, each in its own module; every third misses register_outputs."""
    files = {"__main__.py": "import pulumi\n" + "".join(
        f"from comp{n} import Comp{n}\nComp{n}('c{n}')\n" for n in range(count))}
    for n in range(count):
        ending = "" if n % 3 == 0 else "        self.register_outputs({})\n"
        files[f"comp{n}.py"] = (
            "import pulumi\n\n\n"
            f"class Comp{n}(pulumi.ComponentResource):\n"
            "    def __init__(self, name, opts=None):\n"
            f"        super().__init__('acme:c:Comp{n}', name, None, opts)\n" + ending)
    return files


def test_sg102_looks_up_subclasses_without_scanning_every_class_per_component(monkeypatch) -> None:
    """SG102 skips base classes; finding them must not cost classes × components MRO lookups."""
    from analyzers.extract.components import ComponentIndex

    calls = 0
    original = ComponentIndex.mro

    def counted(self, key, *args, **kwargs):
        nonlocal calls
        calls += 1
        return original(self, key, *args, **kwargs)

    monkeypatch.setattr(ComponentIndex, "mro", counted)
    counts = []
    for size in (15, 45):
        calls = 0
        findings = findings_of(_components_project(size))
        assert len([f for f in findings if f.code == "SG102"]) == size // 3
        counts.append(calls)
    assert counts[1] <= 4 * counts[0], counts  # linear: 3x the components, about 3x the lookups
