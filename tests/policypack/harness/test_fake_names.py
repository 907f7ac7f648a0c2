"""One table of fake names: the mock harness and the e2e stand-in provider autoname every type alike."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.mocks import MockResourceArgs
from pulumi.runtime.proto import provider_pb2

from policypack.harness import fake_names
from policypack.harness.fake_aws import RealisticMocks

STAND_IN = Path(__file__).resolve().parents[3] / "tests" / "e2e" / "stand_in_provider" / "provider.py"
# Beyond the table: types the provider autonames by their `name` property, and types it never autonames.
BY_CLASS = ["aws:ecs/service:Service", "aws:lambda/alias:Alias", "aws:apigateway/deployment:Deployment",
            "aws:lambda/permission:Permission", "aws:ec2/vpc:Vpc", "aws:apigateway/stage:Stage"]


def _stand_in_module():
    spec = importlib.util.spec_from_file_location("stackguard_stand_in_provider", STAND_IN)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


STAND_IN_MODULE = _stand_in_module()
TYPES = sorted(set(fake_names.AUTONAME_PROPERTY) | set(getattr(STAND_IN_MODULE, "AUTONAME_PROPERTY", {}))
               | set(fake_names.ID_PREFIX) | set(BY_CLASS))


def _stand_in_check(token: str, logical: str, inputs: dict) -> dict:
    news = struct_pb2.Struct()
    news.update(inputs)
    request = provider_pb2.CheckRequest(urn=f"urn:pulumi:dev::proj::{token}::{logical}", type=token, name=logical,
                                        news=news, randomSeed=b"seed-from-the-engine")
    response = STAND_IN_MODULE.StandInAwsProvider().Check(request, context=None)
    return json_format.MessageToDict(response.inputs)


def _mock_preview(token: str, logical: str, inputs: dict) -> dict:
    args = MockResourceArgs(typ=token, name=logical, inputs=dict(inputs), provider=None, resource_id=None,
                            custom=True)
    _, outputs = RealisticMocks(preview=True).new_resource(args)
    return outputs


@pytest.mark.parametrize("token", TYPES)
@pytest.mark.parametrize("inputs", [{}, {"tags": {"team": "x"}}], ids=["bare", "tagged"])
def test_mock_and_stand_in_autoname_alike(token: str, inputs: dict):
    logical = "My-Res"
    assert _stand_in_check(token, logical, inputs) == _mock_preview(token, logical, inputs)


@pytest.mark.parametrize("token", sorted(fake_names.AUTONAME_PROPERTY))
def test_a_prefix_is_honoured_by_both(token: str):
    prop = fake_names.AUTONAME_PROPERTY[token]
    inputs = {prop + "Prefix": "pre-"}
    stand_in, mock = _stand_in_check(token, "r", inputs), _mock_preview(token, "r", inputs)
    assert stand_in == mock
    assert mock[prop].startswith("pre-")


def test_a_name_the_program_sets_is_kept_by_both():
    inputs = {"bucket": "Mine"}
    assert _stand_in_check("aws:s3/bucket:Bucket", "b", inputs) == _mock_preview("aws:s3/bucket:Bucket", "b", inputs)
    assert _mock_preview("aws:s3/bucket:Bucket", "b", inputs)["bucket"] == "Mine"


def test_autonames_are_deterministic_and_lowercased_where_aws_requires_it():
    assert fake_names.autoname_value("aws:s3/bucket:Bucket", "Logs") == fake_names.autoname_value(
        "aws:s3/bucket:Bucket", "Logs")
    assert fake_names.autoname_value("aws:s3/bucket:Bucket", "Logs").startswith("logs-")
    assert fake_names.autoname_value("aws:sqs/queue:Queue", "Jobs").startswith("Jobs-")
