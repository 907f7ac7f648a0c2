"""Write a small provider SDK in the generated layout (at test time, under tmp_path).

It has what the static reader looks at: the package ``__init__.py`` ending in
``_utilities.register(resource_modules=..., resource_packages=...)``, one
module per resource class with an ``*Args`` class (deprecations as
``@_utilities.deprecated`` properties) and ``_internal_init``, and a
``.dist-info/METADATA`` with the version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FakeClass:
    module: str  # the package-relative module that registers it: "" (top level) or "s3"
    name: str
    token: str
    arguments: Mapping[str, str] = field(default_factory=dict)  # name → annotation text
    deprecated: Mapping[str, str] = field(default_factory=dict)  # name → message
    base: str = "pulumi.CustomResource"


def write_sdk(site: Path, package: str, version: str, classes: list[FakeClass],
              plain_classes: Mapping[str, list[str]] | None = None) -> Path:
    """Create ``site/package`` (and its dist-info); returns ``site``."""
    root = site / package
    root.mkdir(parents=True, exist_ok=True)
    modules: dict[str, dict[str, str]] = {}
    for cls in classes:
        fqn = f"{package}.{cls.module}" if cls.module else package
        modules.setdefault(fqn, {})[cls.token] = cls.name
        directory = root / cls.module.replace(".", "/") if cls.module else root
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "__init__.py").touch()
        file_name = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls.name).lstrip("_") + ".py"
        (directory / file_name).write_text(_module_text(cls))
    for module, names in (plain_classes or {}).items():
        directory = root / module.replace(".", "/") if module else root
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "types.py").write_text("".join(f"class {name}:\n    pass\n\n" for name in names))
    registry = [{"pkg": package.removeprefix("pulumi_"), "mod": fqn, "fqn": fqn, "classes": classes_}
                for fqn, classes_ in sorted(modules.items())]
    providers = [{"pkg": package.removeprefix("pulumi_"), "token": f"pulumi:providers:{package[7:]}",
                  "fqn": package, "class": "Provider"}]
    (root / "__init__.py").write_text(
        "from . import _utilities\nimport typing\n\n"
        f"_utilities.register(\n    resource_modules=\"\"\"\n{json.dumps(registry, indent=1)}\n\"\"\",\n"
        f"    resource_packages=\"\"\"\n{json.dumps(providers, indent=1)}\n\"\"\"\n)\n"
    )
    info = site / f"{package}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package.replace('_', '-')}\nVersion: {version}\n")
    return site


def _module_text(cls: FakeClass) -> str:
    properties = "".join(
        f"    @property\n    @_utilities.deprecated(\"\"\"{message}\"\"\")\n    def {name}(self):\n"
        f"        return None\n\n"
        for name, message in cls.deprecated.items()
    )
    parameters = "".join(f"                 {name}: {annotation} = None,\n"
                         for name, annotation in cls.arguments.items())
    return (
        "import pulumi\nfrom typing import Optional, Sequence, Mapping, Union\nfrom . import _utilities\n\n"
        f"class {cls.name}Args:\n    def __init__(__self__):\n        pass\n\n{properties}\n"
        f"class {cls.name}({cls.base}):\n"
        "    def _internal_init(__self__,\n"
        "                 resource_name: str,\n"
        "                 opts: Optional[pulumi.ResourceOptions] = None,\n"
        f"{parameters}"
        "                 __props__=None):\n"
        "        pass\n"
    )
