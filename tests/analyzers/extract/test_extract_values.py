"""Values: literals, constants across modules, f-strings, concatenation, config, secrets."""

from __future__ import annotations

import inspect
import json
from dataclasses import MISSING, FrozenInstanceError, fields, replace

import pytest

from analyzers.extract.values import DATA, Val
from policypack.graph import UNKNOWN
from tests.analyzers.extract.sources import by_name, findings_of, graph_of


def _props(program: str | dict, name: str = "r") -> dict:
    return dict(by_name(graph_of(program), name).props)


def test_literals_and_containers() -> None:
    props = _props('''
import pulumi_aws as aws
aws.s3.Bucket("r", bucket="b", force_destroy=True, tags={"team": "data", "n": 3}, cors_rules=[1, 2.5, None])
''')
    assert props == {"bucket": "b", "forceDestroy": True, "tags": {"team": "data", "n": 3},
                     "corsRules": [1, 2.5, None]}


def test_module_constants_fstrings_and_concatenation() -> None:
    props = _props('''
import pulumi_aws as aws
ENGINE_VERSION = "17.5"
MAJOR = ENGINE_VERSION.split(".")[0]
FAMILY = f"postgres{MAJOR}"
NAME = "app" + "-" + "db"
PADDED = f"{7:03d}-{'x'!r}"
aws.rds.ParameterGroup("r", family=FAMILY, name=NAME, description=PADDED,
                       parameters=[{"name": "a", "value": "1"}])
''')
    assert props["family"] == "postgres17"
    assert props["name"] == "app-db"
    assert props["description"] == "007-'x'"


def test_constants_imported_from_sibling_modules() -> None:
    files = {
        "__main__.py": '''
import pulumi_aws as aws
from settings import ENGINE_VERSION, FAMILY
from .shared.names import PREFIX
import settings as cfg
aws.rds.Instance("r", engine="postgres", engine_version=ENGINE_VERSION, identifier=f"{PREFIX}-db",
                 instance_class=cfg.CLASSES["small"])
aws.rds.ParameterGroup("pg", family=FAMILY)
''',
        "settings.py": '''
ENGINE_VERSION = "16.4"
FAMILY = "postgres" + ENGINE_VERSION.split(".")[0]
CLASSES = {"small": "db.t4g.micro", "large": "db.r6g.large"}
''',
        "shared/__init__.py": "",
        "shared/names.py": "from .base import PREFIX\n",
        "shared/base.py": "PREFIX = 'acme'\n",
    }
    graph = graph_of(files)
    assert by_name(graph, "r").props == {"engine": "postgres", "engineVersion": "16.4",
                                         "identifier": "acme-db", "instanceClass": "db.t4g.micro"}
    assert by_name(graph, "pg").props["family"] == "postgres16"


def test_non_pulumi_modules_are_read_without_libcst() -> None:
    from analyzers.project import summarize_file

    summary = summarize_file("settings.py", b"VERSION = '17'\nFAMILY = f'postgres{VERSION}'\n")
    assert not summary.pulumi
    assert set(summary.globals) == {"VERSION", "FAMILY"}


def test_json_dumps_of_literals_is_the_json_text() -> None:
    props = _props('''
import json
import pulumi_aws as aws
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
aws.iam.Policy("r", policy=json.dumps(POLICY), description=json.dumps({"a": 1}, indent=2))
''')
    assert json.loads(props["policy"]) == {"Version": "2012-10-17",
                                           "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
    assert props["description"] == json.dumps({"a": 1}, indent=2)


def test_config_and_anything_else_is_unknown_never_guessed() -> None:
    graph = graph_of('''
import os
import random
import pulumi
import pulumi_aws as aws
config = pulumi.Config()
aws.rds.Instance("r", engine_version=config.require("version"), engine=config.get("engine") or "postgres",
                 identifier=os.environ["DB_ID"], instance_class=random.choice(["a", "b"]),
                 port=pulumi.get_stack())
''')
    r = by_name(graph, "r")
    assert all(value is UNKNOWN for value in r.props.values())
    assert not r.unresolved  # unknown, but nothing was left unfollowed


def test_conditional_constants() -> None:
    props = _props('''
import pulumi_aws as aws
ENV = "prod"
SIZE = "large" if ENV == "prod" else "small"
if ENV == "prod":
    CLASS = "db.r6g.large"
else:
    CLASS = "db.t4g.micro"
aws.rds.Instance("r", allocated_storage=SIZE, instance_class=CLASS)
''')
    assert props["allocatedStorage"] == "large"
    # the if statement's test is a constant: the branch it takes, not the first one
    assert props["instanceClass"] == "db.r6g.large"
    props = _props('''
import pulumi
import pulumi_aws as aws
ENV = pulumi.get_stack()
if ENV == "dev":
    CLASS = "db.r6g.large"
else:
    CLASS = "db.t4g.micro"
aws.rds.Instance("r", instance_class=CLASS)
''')
    # a test that can't be decided: either branch, so unknown
    assert props["instanceClass"] is UNKNOWN


def test_reassigned_names_use_the_value_at_the_call() -> None:
    graph = graph_of('''
import pulumi_aws as aws
name = "first"
aws.s3.Bucket("one", bucket=name)
name = name + "-second"
aws.s3.Bucket("two", bucket=name)
''')
    assert by_name(graph, "one").props["bucket"] == "first"
    assert by_name(graph, "two").props["bucket"] == "first-second"


def test_args_objects_and_dict_spreads() -> None:
    graph = graph_of('''
import pulumi_aws as aws
COMMON = {"engine": "postgres", "engine_version": "17.5"}
aws.rds.Instance("spread", instance_class="db.t4g.micro", **COMMON)
aws.rds.Instance("args", aws.rds.InstanceArgs(engine="mysql", engine_version="8.0.39"))
aws.rds.Instance("kw", args=aws.rds.InstanceArgs(engine="mariadb", **{"engine_version": "10.11.9"}))
''')
    assert by_name(graph, "spread").props == {"instanceClass": "db.t4g.micro", "engine": "postgres",
                                              "engineVersion": "17.5"}
    assert by_name(graph, "args").props == {"engine": "mysql", "engineVersion": "8.0.39"}
    assert by_name(graph, "kw").props == {"engine": "mariadb", "engineVersion": "10.11.9"}


def test_unresolvable_kwargs_spread_marks_every_prop() -> None:
    graph = graph_of('''
import pulumi_aws as aws
def make(name, **kwargs):
    return aws.rds.Instance(name, engine="postgres", **kwargs)
make("db", **load_settings())
''')
    db = by_name(graph, "db")
    assert "*" in db.unresolved
    assert db.prop("engineVersion") is UNKNOWN  # may be set where the analyzer can't see


def test_rds_engine_enum() -> None:
    props = _props('''
import pulumi_aws as aws
aws.rds.Instance("r", engine=aws.rds.EngineType.AURORA_POSTGRESQL, instance_class=aws.rds.InstanceType.T3_MICRO)
''')
    assert props["engine"] == "aurora-postgresql"
    assert props["instanceClass"] is UNKNOWN


def test_secrets_are_marked_and_never_printed() -> None:
    program = '''
import pulumi
import pulumi_aws as aws
config = pulumi.Config()
params = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version=pulumi.secret("17.5"),
    password=config.require_secret("dbPassword"),
    username="hunter2-user",
    parameter_group_name=params.name,
    opts=pulumi.ResourceOptions(additional_secret_outputs=["username"]),
)
'''
    db = by_name(graph_of(program), "db")
    assert {"engineVersion", "password", "username"} <= db.secret_props
    assert db.props["engineVersion"] == "17.5"  # the rules still compare it...
    findings = findings_of(program)
    assert any(f.code == "SG201" for f in findings)
    for finding in findings:  # ...but no message shows it
        assert "17.5" not in finding.message and "hunter2" not in finding.message


def test_branches_in_modules_without_pulumi() -> None:
    graph = graph_of({
        "__main__.py": '''
import pulumi_aws as aws
from settings import SIZE, REGION, ZONES
aws.rds.Instance("r", instance_class=SIZE, availability_zone=REGION, identifier=ZONES[0])
''',
        "settings.py": '''
import os
ENV = os.environ.get("ENV", "dev")
if ENV == "prod":
    SIZE = "db.r6g.large"
else:
    SIZE = "db.t4g.micro"
REGION = "eu-west-1"
try:
    from local_overrides import REGION
except ImportError:
    pass
ZONES = ["a", "b"]
''',
    })
    props = by_name(graph, "r").props
    assert props["instanceClass"] is UNKNOWN  # depends on the environment
    assert props["availabilityZone"] is UNKNOWN  # may be overridden
    assert props["identifier"] == "a"


def test_instances_of_plain_classes() -> None:
    graph = graph_of('''
from dataclasses import dataclass
import pulumi_aws as aws


@dataclass
class DatabaseArgs:
    engine_version: str
    instance_class: str = "db.t4g.micro"


class Normalized:
    def __init__(self, engine_version):
        self.engine_version = engine_version.split("-")[0]


args = DatabaseArgs("17.5")
aws.rds.Instance("dataclass", engine_version=args.engine_version, instance_class=args.instance_class)
aws.rds.Instance("init", engine_version=Normalized("16.4-RDS.2024").engine_version)
''')
    assert by_name(graph, "dataclass").props == {"engineVersion": "17.5", "instanceClass": "db.t4g.micro"}
    assert by_name(graph, "init").props == {"engineVersion": "16.4"}  # what __init__ stored, not the argument


def test_values_carried_across_iterations() -> None:
    graph = graph_of('''
import pulumi
import pulumi_aws as aws

previous = None
for name in ["a", "b", "c"]:
    previous = aws.s3.Bucket(name, opts=pulumi.ResourceOptions(depends_on=[previous] if previous else []))

earlier = None
for name in unknown_names():
    earlier = aws.sqs.Queue(name, opts=pulumi.ResourceOptions(depends_on=[earlier] if earlier else []))
''')
    names = {r.urn: r.name for r in graph}
    assert [names[u] for u in by_name(graph, "a").dependencies] == []
    assert [names[u] for u in by_name(graph, "b").dependencies] == ["a"]
    assert [names[u] for u in by_name(graph, "c").dependencies] == ["b"]
    [queue] = [r for r in graph if r.type == "aws:sqs/queue:Queue"]
    assert "dependsOn" in queue.unresolved  # iterations not unrolled: may depend on an earlier one


def test_props_have_the_engine_shapes() -> None:
    props = _props('''
import pulumi_aws as aws
aws.ec2.SecurityGroup("r", tags={"k": ("a", "b")}, ingress=({"from_port": 80},), egress={1, 2} and [])
''')
    assert props["tags"] == {"k": ["a", "b"]}
    assert props["ingress"] == [{"from_port": 80}]  # nested input keys stay as written


def test_a_value_s_constructor_sets_every_field_in_order_as_a_dataclass_s_would() -> None:
    # ``Val.__init__`` is written out (phase 2 makes tens of thousands of values): it must
    # stay in step with the fields, their defaults and frozenness.
    names = [field.name for field in fields(Val)]
    parameters = inspect.signature(Val.__init__).parameters
    assert list(parameters)[1:] == names
    assert all(parameters[field.name].default == field.default for field in fields(Val) if field.default is not MISSING)
    value = Val(DATA, "x", deps=frozenset({"a"}), pattern=("x",))
    assert list(vars(value)) == names and value.data == "x" and value.ref is None and value.pattern == ("x",)
    assert value == Val(DATA, "x", None, frozenset({"a"}), pattern=("x",)) and hash(value) == hash(replace(value))
    assert replace(value, secret=True).secret and not value.secret
    with pytest.raises(FrozenInstanceError):
        value.kind = "other"  # type: ignore[misc]
