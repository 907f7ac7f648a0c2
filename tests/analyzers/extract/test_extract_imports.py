"""Resource constructors found through every import style."""

from __future__ import annotations

import pytest

from policypack.knowledge import tokens
from tests.analyzers.extract.sources import by_name, graph_of


@pytest.mark.parametrize("program", [
    "import pulumi_aws as aws\naws.rds.Instance('db', engine='postgres')\n",
    "import pulumi_aws\npulumi_aws.rds.Instance('db', engine='postgres')\n",
    "import pulumi_aws.rds\npulumi_aws.rds.Instance('db', engine='postgres')\n",
    "import pulumi_aws.rds as rds\nrds.Instance('db', engine='postgres')\n",
    "from pulumi_aws import rds\nrds.Instance('db', engine='postgres')\n",
    "from pulumi_aws import rds as db\ndb.Instance('db', engine='postgres')\n",
    "from pulumi_aws.rds import Instance\nInstance('db', engine='postgres')\n",
    "from pulumi_aws.rds import Instance as Db\nDb('db', engine='postgres')\n",
    "from pulumi_aws.rds import *\nInstance('db', engine='postgres')\n",
    "import pulumi_aws as aws\nInstanceClass = aws.rds.Instance\nInstanceClass('db', engine='postgres')\n",
    "def main():\n    import pulumi_aws as aws\n    aws.rds.Instance('db', engine='postgres')\nmain()\n",
    "import pulumi_aws as aws\naws.rds.Instance(resource_name='db', engine='postgres')\n",
])
def test_import_styles(program: str) -> None:
    db = by_name(graph_of(program), "db")
    assert db.type == tokens.RDS_INSTANCE
    assert db.props["engine"] == "postgres"
    assert db.custom is True


@pytest.mark.parametrize("program", [
    "import pulumi_aws as aws\naws.lambda_.Function('fn', role='r')\n",
    "from pulumi_aws import lambda_\nlambda_.Function('fn', role='r')\n",
    "from pulumi_aws import lambda_ as lam\nlam.Function('fn', role='r')\n",
    "import pulumi_aws.lambda_\npulumi_aws.lambda_.Function('fn', role='r')\n",
])
def test_lambda_module_keeps_its_underscore_out_of_the_token(program: str) -> None:
    assert by_name(graph_of(program), "fn").type == tokens.LAMBDA_FUNCTION


def test_other_providers_and_component_packages() -> None:
    graph = graph_of('''
import pulumi_random as random
import pulumi_awsx as awsx
from pulumi_aws_apigateway import RestAPI
import pulumi_aws as aws

password = random.RandomPassword("password", length=16)
vpc = awsx.ec2.Vpc("vpc")
api = RestAPI("api", routes=[])
provider = aws.Provider("east", region="us-east-1")
''')
    assert by_name(graph, "password").type == "random:index/randomPassword:RandomPassword"
    assert by_name(graph, "password").is_custom
    assert by_name(graph, "vpc").type == "awsx:ec2:Vpc"
    assert not by_name(graph, "vpc").is_custom
    assert by_name(graph, "api").type == "aws-apigateway:index:RestAPI"
    assert by_name(graph, "east").type == "pulumi:providers:aws"
    assert by_name(graph, "east").is_provider


def test_not_resources() -> None:
    graph = graph_of('''
import pulumi
import pulumi_aws as aws

args = aws.rds.InstanceArgs(engine="postgres")
existing = aws.rds.Instance.get("existing", "db-123")
zones = aws.get_availability_zones()
kind = aws.ec2.InstanceType("t3.micro")
opts = pulumi.ResourceOptions(protect=True)
config = pulumi.Config("app")
error = ValueError("nope")
''')
    assert [r.type for r in graph] == ["pulumi:pulumi:Stack"]


def test_sibling_module_classes_and_aliases() -> None:
    graph = graph_of({
        "__main__.py": "from infra import storage\nstorage.make('logs')\n",
        "infra/__init__.py": "",
        "infra/storage.py": (
            "import pulumi\n"
            "from .aws_alias import s3\n"
            "def make(name):\n"
            "    return s3.Bucket(name)\n"
        ),
        "infra/aws_alias.py": "import pulumi_aws\nfrom pulumi_aws import s3\n",
    })
    assert by_name(graph, "logs").type == "aws:s3/bucket:Bucket"


def test_a_project_module_shadows_nothing_it_does_not_define() -> None:
    # ``config`` is the project's module, not pulumi's; Config there is unknown.
    graph = graph_of({
        "__main__.py": "import pulumi_aws as aws\nfrom config import BUCKET\naws.s3.Bucket('b', bucket=BUCKET)\n",
        "config.py": "BUCKET = 'my-bucket'\n",
    })
    assert by_name(graph, "b").props["bucket"] == "my-bucket"
