"""No import circle among the modules of ``analyzers`` and ``policypack``.

An edge is an import a module makes when it is loaded: at module level, in a
class body, under ``try`` or ``if`` — and under ``if TYPE_CHECKING:`` too,
because a circle of types is the same tangle to a reader and to the type
checker (break it with a ``Protocol`` of what one side needs, as
``analyzers/extract/components.py`` does). Imports inside functions are lazy
by design (the lean CLI start-up) and do not count for the first test; a second
one holds them to the same rule.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("analyzers", "policypack")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _loaded_imports(body: Sequence[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is loaded (not those in functions)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If | ast.For | ast.While | ast.With):
            yield from _loaded_imports(node.body)
            yield from _loaded_imports(getattr(node, "orelse", []))
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(handler.body for handler in node.handlers)):
                yield from _loaded_imports(block)
        elif isinstance(node, ast.ClassDef):
            yield from _loaded_imports(node.body)


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: Mapping[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    base = node.module or ""
    if node.level:  # relative: from the package holding the module
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([node.module] if node.module else [])])
    found = set()
    for alias in node.names:
        if f"{base}.{alias.name}" in known:  # a submodule: ``from analyzers import runner``
            found.add(f"{base}.{alias.name}")
        elif base in known:
            found.add(base)
    return found


def import_graph(lazy: bool = False) -> dict[str, set[str]]:
    """Module → the modules it imports when loaded (with ``lazy``, also inside functions)."""
    known = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: set[str] = set()
        nodes = ([node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)] if lazy
                 else _loaded_imports(tree.body))
        for node in nodes:
            targets |= _targets(module, path.name == "__init__.py", node, known)
        graph[module] = targets - {module}
    return graph


def find_circle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as [a, b, ..., a], or None when it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path = [start]
        pending = [iter(sorted(graph[start]))]
        state[start] = 1
        while pending:
            following = next(pending[-1], None)
            if following is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(following) == 1:
                return [*path[path.index(following):], following]
            elif following not in state:
                state[following] = 1
                path.append(following)
                pending.append(iter(sorted(graph.get(following, ()))))
    return None


def test_no_import_circle() -> None:
    circle = find_circle(import_graph())
    assert circle is None, "import circle: " + " -> ".join(circle or ())


def test_no_circle_through_imports_inside_functions_either() -> None:
    """Lazy imports keep start-up lean; they may not tie two modules into one tangle."""
    circle = find_circle(import_graph(lazy=True))
    assert circle is None, "import circle (counting imports inside functions): " + " -> ".join(circle or ())


def test_the_graph_sees_imports_of_every_kind() -> None:
    graph = import_graph()
    assert "analyzers.findings" in graph["analyzers.runner"]  # from x import Name
    assert "analyzers.suppressions" in graph["analyzers.runner"]  # from package import module
    assert "analyzers.providers" in graph["analyzers.project"]  # under if TYPE_CHECKING:
    assert "analyzers.extract.phase1" not in graph["analyzers.project"]  # only inside a function
    assert "analyzers.extract.phase1" in import_graph(lazy=True)["analyzers.project"]


def test_find_circle_names_the_circle() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": {"b"}}) == ["b", "b"]
