"""The core's promise: the knowledge core and the rules import only the standard library and the core itself.

Everything under policypack/ except the CrossGuard adapter (pulumi-policy) and
the harness (the Pulumi SDK) is read by the lean analyzer, which must never
pull in pulumi, pulumi_policy, pulumi_aws or any other third-party package.
Checked on the source with ``ast``: importing the files would prove nothing
about imports that are only reached at run time.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "policypack"
OUTSIDE_THE_CORE = ("crossguard", "harness")


def _core_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.relative_to(PACKAGE).parts[0] not in OUTSIDE_THE_CORE)


def _module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, at any depth (functions, try blocks)."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                found.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
            else:
                found.append((node.lineno, node.module or ""))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            found.append((node.lineno, "__import__(...)"))
    return found


def _allowed(module: str) -> bool:
    top, _, rest = module.partition(".")
    if top == "policypack":
        return rest.split(".")[0] not in OUTSIDE_THE_CORE
    return top in sys.stdlib_module_names


def test_the_core_is_not_empty():
    names = {_module_name(p) for p in _core_files()}
    assert {"policypack.rules.base", "policypack.knowledge.rds_engines", "policypack.graph"} <= names


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_core_module_imports_only_stdlib_and_the_core(path: Path):
    bad = [f"line {line}: {module}" for line, module in _imports(path) if not _allowed(module)]
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports outside the core: {bad}"


def test_the_check_catches_a_third_party_import(tmp_path: Path):
    fake = tmp_path / "policypack" / "rules" / "sg999_fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    try:\n        import pulumi_aws\n    except ImportError:\n        pass\n"
                    "from ..crossguard import pack\n", encoding="utf-8")
    imports = sorted(module for _, module in _imports(fake, tmp_path))
    assert imports == ["policypack.crossguard", "pulumi_aws"]
    assert not any(_allowed(m) for m in imports)
    assert _allowed("policypack.knowledge.rds_engines") and _allowed("json")
