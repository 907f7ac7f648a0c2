"""Which assignment a name refers to, read from the syntax alone (fixes only trust a name
bound exactly once in its scope), and which project module an import names."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from analyzers.fixes.source import SourceFile

_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def _children_in_scope(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node inside ``node``'s scope, without entering nested scopes (their names,
    decorators and defaults belong to this scope, their bodies don't)."""
    pending = list(node.children)
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            pending.extend(current.decorators)
            if isinstance(current, cst.FunctionDef):
                pending.extend(p.default for p in _params(current.params) if p.default is not None)
            continue
        if isinstance(current, _NESTED):
            continue
        pending.extend(current.children)


def _params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def bindings(scope: cst.CSTNode, name: str) -> list[cst.CSTNode]:
    """Every node of ``scope`` (a Module or FunctionDef) that binds ``name``."""
    found: list[cst.CSTNode] = []
    if isinstance(scope, (cst.FunctionDef, cst.Lambda)) and any(p.name.value == name for p in _params(scope.params)):
        found.append(scope.params)
    body = scope.body if isinstance(scope, (cst.Module, cst.FunctionDef, cst.ClassDef)) else scope
    for node in _children_in_scope(body if isinstance(body, cst.CSTNode) else scope):
        if _binds(node, name):
            found.append(node)
    return found


def _binds(node: cst.CSTNode, name: str) -> bool:
    if isinstance(node, cst.Assign):
        return any(name in _target_names(t.target) for t in node.targets)
    if isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr, cst.Del)):
        return name in _target_names(node.target)
    if isinstance(node, cst.AsName):
        return name in _target_names(node.name)
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return node.name.value == name
    if isinstance(node, (cst.Global, cst.Nonlocal)):
        return any(item.name.value == name for item in node.names)
    if isinstance(node, cst.ImportAlias):
        return node.asname is None and node.evaluated_name.split(".")[0] == name
    return False


def _global_elsewhere(module: cst.Module, name: str) -> bool:
    """Whether some function declares ``global name`` (and so may rebind it)."""
    pending: list[cst.CSTNode] = [module]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Global) and any(item.name.value == name for item in current.names):
            return True
        pending.extend(current.children)
    return False


def single_assignment(file: SourceFile, scope: cst.CSTNode, name: str) -> cst.BaseExpression | None:
    """The value of ``name = value`` when that is the only binding of ``name`` in ``scope``."""
    found = bindings(scope, name)
    if len(found) != 1:
        return None
    node = found[0]
    if isinstance(scope, cst.Module) and _global_elsewhere(file.module, name):
        return None
    if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
        return node.value
    if isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name) and node.value is not None:
        return node.value
    return None


def binds_locally(file: SourceFile, scope: cst.CSTNode, name: str) -> bool:
    return bool(bindings(scope, name))


def function_scopes(file: SourceFile, node: cst.CSTNode) -> list[cst.CSTNode]:
    """The scopes a name used at ``node`` is looked up in, innermost first (class bodies are
    skipped, as Python does for code inside methods)."""
    scopes: list[cst.CSTNode] = []
    for ancestor in file.ancestors(node):
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
            scopes.append(ancestor)
    scopes.append(file.module)
    return scopes


def import_of(module: cst.Module, name: str) -> tuple[str, int, str | None] | None:
    """``(module, level, imported name)`` for a module-level ``from m import x as name``
    (imported name set) or ``import m as name`` / ``import name`` (imported name None)."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                source = _dotted_module(small.module) if small.module is not None else ""
                for alias in small.names:
                    bound = alias.evaluated_alias or alias.evaluated_name
                    if bound == name:
                        return source, len(small.relative), alias.evaluated_name
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        if alias.asname.name.value == name:
                            return alias.evaluated_name, 0, None
                    elif alias.evaluated_name == name:
                        return name, 0, None
    return None


def _dotted_module(node: cst.BaseExpression) -> str:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
    return ".".join(reversed(parts))
