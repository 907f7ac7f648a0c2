"""How a module spells what a fix inserts: its own aliases for ``pulumi`` and ``pulumi_aws``,
names that are free for new variables, and names derived from logical names."""

from __future__ import annotations

import builtins
import re

import libcst as cst

from analyzers.fixes.model import Edit
from analyzers.fixes.source import SourceFile, dotted


def module_aliases(module: cst.Module) -> dict[str, str]:
    """Module-level import bindings: bound name → what it names ("aws" → "pulumi_aws")."""
    aliases: dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        aliases.setdefault(alias.asname.name.value, alias.evaluated_name)
                    else:
                        top = alias.evaluated_name.split(".")[0]
                        aliases.setdefault(top, top)
            elif isinstance(small, cst.ImportFrom) and small.relative == () and small.module is not None:
                if isinstance(small.names, cst.ImportStar):
                    continue
                source = dotted(small.module) or ""
                for alias in small.names:
                    bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) \
                        else alias.evaluated_name
                    aliases.setdefault(bound, f"{source}.{alias.evaluated_name}")
    return aliases


def spell(module: cst.Module, qualified: str, prefer: str | None = None) -> str | None:
    """How this module writes ``qualified`` (``pulumi_aws.lambda_.Permission``), or None.

    ``prefer`` is a spelling the surrounding code uses for a sibling
    (``apigw.Integration`` for ``pulumi_aws.apigateway.Integration``): the new name
    then follows it. Otherwise the module's alias for the package comes first
    (``aws.lambda_.Permission``), then a sub-module alias, then the name itself.
    """
    aliases = module_aliases(module)
    if prefer is not None:
        head, _, _ = prefer.rpartition(".")
        package, _, member = qualified.rpartition(".")
        resolved = _resolve(aliases, head) if head else None
        if resolved == package:
            return f"{head}.{member}"
    candidates: list[tuple[int, str]] = []
    for bound, target in aliases.items():
        if qualified == target:
            candidates.append((2, bound))
        elif qualified.startswith(target + "."):
            rank = 0 if "." not in target else 1
            candidates.append((rank, bound + qualified[len(target):]))
    if not candidates:
        return None
    return min(candidates)[1]


def _resolve(aliases: dict[str, str], spelled: str) -> str | None:
    head, _, rest = spelled.partition(".")
    target = aliases.get(head)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target


def resolve(module: cst.Module, spelled: str) -> str | None:
    """What a dotted name written in this module names (``aws.rds.Instance`` → ``pulumi_aws.rds.Instance``)."""
    return _resolve(module_aliases(module), spelled)


def resource_options(file: SourceFile) -> tuple[str, tuple[Edit, ...]] | None:
    """How to write ``pulumi.ResourceOptions`` here, with the import edit it needs (if any)."""
    module = file.module
    aliases = module_aliases(module)
    direct = [bound for bound, target in aliases.items() if target == "pulumi.ResourceOptions"]
    if direct:
        return sorted(direct)[0], ()
    spelled = spell(module, "pulumi.ResourceOptions")
    if spelled is not None:
        return spelled, ()
    # ``from pulumi import ComponentResource`` only: import ResourceOptions beside it.
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None
                    and dotted(small.module) == "pulumi" and not isinstance(small.names, cst.ImportStar)
                    and "ResourceOptions" not in module_aliases(module)):
                last = small.names[-1]
                _, end = file.span(last.asname if last.asname is not None else last.name)
                return "ResourceOptions", (Edit(file.path, end, end, ", ResourceOptions"),)
    return None


def used_names(file: SourceFile) -> set[str]:
    """Every name the file's code uses, and the builtins: a new variable must shadow none of them."""
    return set(dir(builtins)) | names_in(file.module)


def names_in(node: cst.CSTNode) -> set[str]:
    """Every name used under ``node``."""
    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name):
            found.add(current.value)
        pending.extend(current.children)
    return found


def variable_name(logical: str, taken: set[str]) -> str:
    """A new, unused snake_case variable name for a resource named ``logical``."""
    base = re.sub(r"[^0-9a-zA-Z]+", "_", logical).strip("_").lower() or "resource"
    if base[0].isdigit():
        base = f"resource_{base}"
    name, number = base, 2
    while name in taken or name in _KEYWORDS:
        name, number = f"{base}_{number}", number + 1
    return name


_KEYWORDS = frozenset({
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "self", "type",
})


def name_hint(name_expr: cst.BaseExpression | None, fallback: str, kind: str = "") -> str:
    """What a variable for a resource is called after: its literal logical name, or the fixed
    text of an f-string name (``f"{name}-api"`` → ``api``), else ``fallback``; with the
    resource's ``kind`` ("integration") appended unless the name says it already."""
    hint = fallback
    if isinstance(name_expr, cst.SimpleString) and isinstance(name_expr.evaluated_value, str):
        hint = name_expr.evaluated_value
    elif isinstance(name_expr, cst.FormattedString):
        text = "".join(p.value for p in name_expr.parts if isinstance(p, cst.FormattedStringText))
        if re.search(r"[A-Za-z]", text):
            hint = text
    if kind and kind.lower() not in hint.lower():
        hint = f"{hint}-{kind}"
    return hint


def derived_name(file: SourceFile, name_expr: cst.BaseExpression, suffix: str) -> str | None:
    """The source of a logical name derived from another one: ``"api"`` → ``"api-stage"``,
    ``f"{name}-api"`` → ``f"{name}-api-stage"``, ``name`` → ``f"{name}-stage"``."""
    if isinstance(name_expr, cst.SimpleString):
        value = name_expr.evaluated_value
        if not isinstance(value, str) or any(c in value for c in "\\'\""):
            return None
        return _quoted(file.source(name_expr), value + suffix)
    if isinstance(name_expr, cst.FormattedString) and name_expr.end in ('"', "'"):
        text = file.source(name_expr)
        return text[:-1] + suffix + text[-1]
    if isinstance(name_expr, (cst.Name, cst.Attribute)) and dotted(name_expr):
        return f'f"{{{dotted(name_expr)}}}{suffix}"'
    return None


def _quoted(source: str, value: str) -> str:
    quote_at = min(i for i in (source.find("'"), source.find('"')) if i >= 0)
    prefix, quote = source[:quote_at], source[quote_at]
    return f"{prefix}{quote}{value}{quote}"
