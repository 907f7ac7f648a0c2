"""Which classes are resources: from the SDK's own registry (installed or shipped), not by name.

Regression tests for three misreadings of the naming heuristic: plain input
types of pulumi_docker taken for resources, a project's own ``pulumi_<x>``
package taken for a provider, and a nested package directory named
``pulumi`` taken for the SDK.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from analyzers.project import analyze, summarize_file
from analyzers.providers import ProviderKnowledge
from tests.support.fake_sdk import FakeClass, write_sdk

DOCKER_PROGRAM = '''
import pulumi_docker as docker

image = docker.Image(
    "app",
    image_name="registry.example.com/app:v1",
    build=docker.DockerBuild(context="./app", dockerfile="./app/Dockerfile"),
    registry=docker.ImageRegistry(server="registry.example.com", username="ci", password="secret"),
)
'''


def _findings(files: dict[str, str], environment: ProviderKnowledge | None = None) -> list:
    summaries = [summarize_file(path, textwrap.dedent(code).encode()) for path, code in sorted(files.items())]
    return analyze(summaries, environment=environment) if environment is not None else analyze(summaries)


def _flagged(findings: list, code: str) -> list[str]:
    return sorted(finding.subject for finding in findings if finding.code == code)


def _sg101_messages(findings: list) -> list[str]:
    return [finding.message for finding in findings if finding.code == "SG101"]


def test_docker_input_types_are_not_resources_with_the_shipped_index(tmp_path: Path) -> None:
    knowledge = ProviderKnowledge(search_path=[tmp_path])  # nothing installed there: the shipped index decides
    findings = _findings({"__main__.py": DOCKER_PROGRAM}, knowledge)
    assert _flagged(findings, "SG101") == ["app"], _sg101_messages(findings)
    assert any("pulumi_docker: resources from the shipped index" in note for note in knowledge.notes())


def test_docker_input_types_are_not_resources_with_an_installed_sdk(tmp_path: Path) -> None:
    site = write_sdk(tmp_path / "site", "pulumi_docker", "4.5.0", [
        FakeClass("", "Image", "docker:index/image:Image",
                  {"image_name": "pulumi.Input[str]", "build": "pulumi.Input['DockerBuildArgs']",
                   "registry": "pulumi.Input['ImageRegistryArgs']"}),
        FakeClass("", "LegacyThing", "docker:index/legacyThing:LegacyThing"),  # not in the shipped index
    ], plain_classes={"": ["DockerBuild", "ImageRegistry"]})
    knowledge = ProviderKnowledge(search_path=[site])
    findings = _findings({"__main__.py": DOCKER_PROGRAM + 'docker.LegacyThing("legacy")\n'}, knowledge)
    assert _flagged(findings, "SG101") == ["app", "legacy"], _sg101_messages(findings)
    assert any("the installed SDK 4.5.0" in note for note in knowledge.notes())


def test_docker_input_types_through_the_default_environment() -> None:
    """What `stackguard lint` does without arguments: no DockerBuild/ImageRegistry finding."""
    findings = _findings({"__main__.py": DOCKER_PROGRAM})
    assert _flagged(findings, "SG101") == ["app"], _sg101_messages(findings)


def _acme_library(site: Path) -> Path:
    """A company's own component library named like a provider, installed outside the project."""
    package = site / "pulumi_acme"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent('''
        import pulumi
        import pulumi_aws as aws


        class Network(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("acme:index:Network", name, None, opts)
                self.vpc = aws.ec2.Vpc(f"{name}-vpc", opts=pulumi.ResourceOptions(parent=self))
                self.register_outputs({})
    '''))
    return site


ACME_PROGRAM = '''
import pulumi_acme
from pulumi_acme import Network

Network("main")
pulumi_acme.Network("edge")
'''


def test_an_installed_pulumi_package_without_a_registry_has_no_resources(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(_acme_library(tmp_path / "site")))
    findings = _findings({"__main__.py": ACME_PROGRAM})
    assert _flagged(findings, "SG101") == [], _sg101_messages(findings)


def test_a_local_pulumi_package_inside_the_project_is_the_projects_own() -> None:
    findings = _findings({
        "__main__.py": ACME_PROGRAM,
        "pulumi_acme/__init__.py": '''
import pulumi
import pulumi_aws as aws


class Network(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:index:Network", name, None, opts)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc")
''',
    })
    # its components are components: their child lacks parent=self (SG103) and they never
    # register outputs (SG102); nothing is a flat resource at the root
    assert _flagged(findings, "SG101") == [], _sg101_messages(findings)
    assert _flagged(findings, "SG102") == ["Network"]
    sg103 = _flagged(findings, "SG103")  # one finding per call site, whichever instance ran it
    assert len(sg103) == 1 and sg103[0] in {"edge-vpc", "main-vpc"}


def test_an_unknown_pulumi_package_falls_back_to_the_naming_heuristic(tmp_path: Path) -> None:
    knowledge = ProviderKnowledge(search_path=[tmp_path])
    findings = _findings({"__main__.py": "import pulumi_nothere as nh\nnh.Widget('w')\nnh.WidgetArgs(x=1)\n"},
                         knowledge)
    assert _flagged(findings, "SG101") == ["w"]
    assert any("pulumi_nothere: not installed here and not in the shipped index" in note
               for note in knowledge.notes())


NESTED_COMPONENT = '''
import pulumi
import pulumi_aws as aws


class Network(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("cloud:net:Network", name, None, opts)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16")
'''


@pytest.mark.parametrize("with_init_files", [True, False], ids=["regular-packages", "namespace-packages"])
def test_components_in_a_nested_package_named_pulumi(with_init_files: bool) -> None:
    """``import pulumi`` inside ``cloud_foundry/pulumi/`` is the SDK: absolute imports
    resolve from the program's root (sys.path), never to a nested package."""
    files = {
        "__main__.py": "from cloud_foundry.pulumi.network import Network\n\nNetwork('main')\n",
        "cloud_foundry/pulumi/network.py": NESTED_COMPONENT,
    }
    if with_init_files:
        files.update({"cloud_foundry/__init__.py": "", "cloud_foundry/pulumi/__init__.py": ""})
    findings = _findings(files)
    assert _flagged(findings, "SG101") == [], _sg101_messages(findings)
    assert _flagged(findings, "SG102") == ["Network"]
    assert _flagged(findings, "SG103") == ["main-vpc"]


def test_a_pulumi_package_at_the_program_root_does_shadow_the_sdk() -> None:
    """Python puts the program's directory first on sys.path: a regular package named
    ``pulumi`` there is what ``import pulumi`` loads (and the SDK's classes are gone)."""
    findings = _findings({
        "__main__.py": "import pulumi\nimport pulumi_aws as aws\n\n"
                       "class Net(pulumi.ComponentResource):\n"
                       "    def __init__(self, name):\n"
                       "        super().__init__('x:y:Net', name)\n"
                       "        aws.ec2.Vpc('vpc')\n\nNet('n')\n",
        "pulumi/__init__.py": "class ComponentResource:\n    pass\n",
    })
    assert _flagged(findings, "SG102") == []  # Net is no ComponentResource of the SDK's
    assert _flagged(findings, "SG101") == ["vpc"]


AZURE_V2_PROGRAM = '''
import pulumi_azure_native.insights as insights
import pulumi_azure_native.resources as resources

group = resources.ResourceGroup("rg")
insights.Component("app-insights", resource_group_name=group.name, kind="web", application_type="web")
'''


@pytest.mark.parametrize(("pinned", "flagged"), [
    # azure-native 3 moved insights.Component to applicationinsights: the shipped index (major 3)
    # doesn't list it, but in a project pinned to major 2 it is a resource all the same
    ("pulumi-azure-native>=2.0.0,<3.0.0\n", ["app-insights", "rg"]),
    # with the index's own major (or no pin) an unlisted class is no resource
    ("pulumi-azure-native>=3.0.0,<4.0.0\n", ["rg"]),
    ("", ["rg"]),
])
def test_a_class_of_another_major_than_the_index_falls_back_to_the_heuristic(
        tmp_path: Path, pinned: str, flagged: list[str]) -> None:
    from analyzers.providers import versions

    (tmp_path / "requirements.txt").write_text(pinned)
    knowledge = ProviderKnowledge(search_path=[tmp_path / "nothing-installed"], pins=versions.project_pins(tmp_path))
    findings = _findings({"__main__.py": AZURE_V2_PROGRAM}, knowledge)
    assert _flagged(findings, "SG101") == flagged, _sg101_messages(findings)


def test_input_types_stay_input_types_under_another_major(tmp_path: Path) -> None:
    """A project pinned to pulumi-docker 4 while the index describes 5: the top-level
    module is in the index, so a class it doesn't list is an input type, not a resource."""
    from analyzers.providers import versions

    (tmp_path / "requirements.txt").write_text("pulumi-docker>=4.11.0,<4.12.0\n")
    knowledge = ProviderKnowledge(search_path=[tmp_path / "nothing-installed"], pins=versions.project_pins(tmp_path))
    findings = _findings({"__main__.py": DOCKER_PROGRAM}, knowledge)
    assert _flagged(findings, "SG101") == ["app"], _sg101_messages(findings)
