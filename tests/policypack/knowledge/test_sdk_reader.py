"""Reading an SDK's facts from its text: annotations, registries, deprecations, hostile input."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from policypack.knowledge.providers import sdk_reader
from policypack.knowledge.providers.schema import ANY, ASSET, BOOL, LIST, MAP, NUMBER, OBJECT, STRING


@pytest.mark.parametrize(("annotation", "kind"), [
    ("pulumi.Input[Optional[_builtins.str]]", STRING),
    ("Optional[pulumi.Input[builtins.str]]", STRING),
    ("pulumi.Input[Optional[Union[_builtins.str, 'CannedAcl']]]", STRING),
    ("pulumi.Input[Optional[_builtins.int]]", NUMBER),
    ("pulumi.Input[Optional[_builtins.float]]", NUMBER),
    ("pulumi.Input[Optional[_builtins.bool]]", BOOL),
    ("pulumi.Input[Optional[Sequence[pulumi.Input[_builtins.str]]]]", LIST),
    ("pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]]", MAP),
    ("pulumi.Input[Optional[Union['BucketVersioningArgs', 'BucketVersioningArgsDict', 'outputs.X']]]", OBJECT),
    ("Optional[pulumi.Input[pulumi.InputType['BucketWebsiteArgs']]]", OBJECT),
    ("pulumi.Input[Optional[Union[_builtins.str, Union['PolicyDocumentArgs', 'PolicyDocumentArgsDict']]]]", ANY),
    ("pulumi.Input[Optional[pulumi.Archive]]", ASSET),
    ("pulumi.Input[Optional[Literal['apps/v1']]]", STRING),
    ("Any", ANY),
])
def test_annotation_kinds(annotation: str, kind: str) -> None:
    assert sdk_reader.annotation_kind(ast.parse(annotation, mode="eval").body) == kind


REGISTRY = '''
import typing
_utilities.register(
    resource_modules="""
[{"pkg": "x", "mod": "a/b", "fqn": "pulumi_x.a", "classes": {"x:a/b:B": "B", "x:a/c:C": "not an identifier"}},
 {"fqn": 3}, "junk", {"fqn": "pulumi_x.empty", "classes": {}}]
""",
    resource_packages="""[{"pkg": "x", "token": "pulumi:providers:x", "fqn": "pulumi_x", "class": "Provider"}]"""
)
'''


def test_registry_keeps_well_formed_entries_only() -> None:
    resources, providers = sdk_reader.read_registry(REGISTRY)
    assert resources == {"pulumi_x.a": {"B": "x:a/b:B"}}
    assert providers == {"pulumi_x": {"Provider": "pulumi:providers:x"}}


@pytest.mark.parametrize("text", [
    "", "_utilities.register(", "_utilities.register(resource_modules='[', resource_packages=1)\n",
    "x = 1\n" * 10, "\n_utilities.register(resource_modules=\"\"\"" + "[" * 100_000 + "\"\"\")\n",
])
def test_a_broken_registry_is_empty(text: str) -> None:
    assert sdk_reader.read_registry(text) == ({}, {})


def test_an_oversized_file_is_not_read() -> None:
    big = "#" * (sdk_reader.MAX_SDK_FILE_BYTES + 1) + REGISTRY
    assert sdk_reader.read_registry(big) == ({}, {})
    assert sdk_reader.class_schemas(big, ["B"]) == {}


MODULE = '''
import warnings
class WidgetArgs:
    def __init__(__self__, *, size: pulumi.Input[int] = None, colour: pulumi.Input[str] = None):
        if colour is not None:
            warnings.warn("""colour is deprecated. Use Paint instead.""", DeprecationWarning)

    @property
    @_utilities.deprecated("""size is deprecated: use \\"dimensions\\".""")
    def size(self):
        return None


class Widget(pulumi.CustomResource):
    def _internal_init(__self__,
                 resource_name: str,
                 opts: Optional[pulumi.ResourceOptions] = None,
                 colour: pulumi.Input[Optional[str]] = None,
                 size: pulumi.Input[Optional[int]] = None,
                 __props__=None):
        pass
'''


def test_schema_and_both_deprecation_styles() -> None:
    schema = sdk_reader.class_schemas(MODULE, ["Widget"])["Widget"]
    assert schema.arguments == {"colour": STRING, "size": NUMBER}
    assert schema.deprecated == {"colour": "colour is deprecated. Use Paint instead.",
                                 "size": 'size is deprecated: use "dimensions".'}
    assert sdk_reader.class_kinds(MODULE) == {"Widget": "custom"}


def test_the_layout_shortcut_agrees_with_a_full_parse_on_the_installed_sdk() -> None:
    pulumi_aws = pytest.importorskip("pulumi_aws")
    files = sorted(path for path in Path(pulumi_aws.__file__).parent.rglob("*.py")
                   if not path.name.startswith(("_", "get_")) and path.name != "outputs.py")
    for path in random.Random(7).sample(files, 60):
        source = path.read_text(encoding="utf-8")
        names = set(sdk_reader.class_kinds(source))
        if names:
            assert sdk_reader.class_schemas(source, names) == sdk_reader._class_schemas_by_tree(source, names), path


def test_module_file_names() -> None:
    assert sdk_reader.python_module_name("archiveRule") == "archive_rule"
    assert sdk_reader.python_module_name("MLTransform") == "ml_transform"
    assert sdk_reader.python_module_name("bucketV2") == "bucket_v2"
