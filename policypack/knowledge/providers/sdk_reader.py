"""Read a Pulumi provider SDK's facts from its source text, without importing it.

The SDKs are generated, so their shapes are fixed:

- the package's ``__init__.py`` ends with ``_utilities.register(resource_modules=
  "<json>", resource_packages="<json>")``: for each Python module (``fqn``) the
  type tokens it registers and their class names, and the provider class;
- a resource class's ``_internal_init(__self__, resource_name, opts=None, <one
  keyword per argument>, __props__=None)`` is where an unknown keyword raises
  ``TypeError``; the annotations give each argument's type;
- its ``<Name>Args`` class marks deprecated arguments with
  ``@_utilities.deprecated("<message>")`` on the property (older SDKs: a
  ``warnings.warn("<message>", DeprecationWarning)`` in ``__init__``).

Everything here is a pure function of text, parsed with ``ast`` (never
executed) and bounded: an SDK file bigger than :data:`MAX_SDK_FILE_BYTES`
is not read, malformed data yields nothing rather than an exception.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping

from policypack.knowledge.providers.schema import (
    ANY,
    ASSET,
    BOOL,
    COMPONENT,
    CUSTOM,
    LIST,
    MAP,
    NUMBER,
    OBJECT,
    PROVIDER,
    STRING,
    ResourceSchema,
)

# The largest resource module of the biggest SDKs is ~0.5 MB (the input-type modules,
# which are never read for a class, reach 3.5 MB); anything far larger is not an SDK file.
MAX_SDK_FILE_BYTES = 8 * 1024 * 1024
# pulumi-azure-native registers ~12,000 classes; a registry far larger is not one.
MAX_REGISTERED_CLASSES = 100_000
_REGISTER_CALL = "_utilities.register("
_CLASS_LINE = re.compile(r"^class (?P<name>\w+)(?:\((?P<bases>[^)]*)\))?:", re.MULTILINE)
_SUPER_TOKEN = re.compile(r"super\(\w*,?\s*\w*\)\.__init__\(\s*['\"](?P<token>[^'\"]+:[^'\"]+)['\"]")
_INTERNAL_INIT = re.compile(r"^    def _internal_init\(", re.MULTILINE)
_STRING = r"(?P<message>(?:\"\"\"(?:[^\\]|\\.)*?\"\"\"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'))"
_DEPRECATED_PROPERTY = re.compile(
    r"^[ \t]*@_utilities\.deprecated\(" + _STRING + r"\)[ \t]*\n(?:[ \t]*@[^\n]*\n)*[ \t]*def (?P<name>\w+)\(",
    re.MULTILINE | re.DOTALL)
_DEPRECATION_WARNING = re.compile(
    r"^[ \t]*if (?P<name>\w+) is not None:[ \t]*\n[ \t]*warnings\.warn\(" + _STRING + r", DeprecationWarning\)",
    re.MULTILINE | re.DOTALL)
_NOT_ARGUMENTS = frozenset({"__self__", "self", "resource_name", "opts", "__props__", "__opts__"})

Registry = dict[str, dict[str, str]]  # module fqn → class name → type token


def read_registry(init_source: str) -> tuple[Registry, Registry]:
    """``(resources, providers)`` from a package ``__init__.py``: module → class → token.

    Only the ``_utilities.register(...)`` call is parsed (it closes the file), so
    reading the 350 kB ``pulumi_aws/__init__.py`` costs a few milliseconds.
    """
    if len(init_source) > MAX_SDK_FILE_BYTES:
        return {}, {}
    start = init_source.rfind("\n" + _REGISTER_CALL)
    snippet = init_source[start + 1:] if start >= 0 else init_source
    try:
        tree = ast.parse(snippet)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}, {}
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "register"):
            continue
        texts = {
            keyword.arg: keyword.value.value for keyword in call.keywords
            if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
        }
        return (_registry(texts.get("resource_modules"), "classes"),
                _registry(texts.get("resource_packages"), "class"))
    return {}, {}


def _registry(text: str | None, field: str) -> Registry:
    """The JSON of one ``register`` argument → module → class → token (malformed parts skipped)."""
    if not text:
        return {}
    try:
        entries = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    found: Registry = {}
    count = 0
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("fqn"), str):
            continue
        module = found.setdefault(entry["fqn"], {})
        if field == "class":  # resource_packages: one provider class per package
            if isinstance(entry.get("class"), str) and isinstance(entry.get("token"), str):
                module[entry["class"]] = entry["token"]
            continue
        classes = entry.get(field)
        for token, name in classes.items() if isinstance(classes, dict) else ():
            count += 1
            if count > MAX_REGISTERED_CLASSES:
                return found
            if isinstance(token, str) and isinstance(name, str) and name.isidentifier():
                module[name] = token
    return {module: classes for module, classes in found.items() if classes}


def class_kinds(module_source: str) -> dict[str, str]:
    """Class name → CUSTOM / COMPONENT / PROVIDER for the resource classes a module defines."""
    kinds: dict[str, str] = {}
    for match in _CLASS_LINE.finditer(module_source[:MAX_SDK_FILE_BYTES]):
        kind = _kind_of_bases(match.group("bases") or "")
        if kind is not None:
            kinds[match.group("name")] = kind
    return kinds


def _kind_of_bases(bases: str) -> str | None:
    if "ComponentResource" in bases:
        return COMPONENT
    if "ProviderResource" in bases:
        return PROVIDER
    if "CustomResource" in bases:
        return CUSTOM
    return None


def component_token(module_source: str, class_name: str) -> str | None:
    """The type token a hand-written SDK component passes to ``super().__init__``."""
    for match in _CLASS_LINE.finditer(module_source[:MAX_SDK_FILE_BYTES]):
        if match.group("name") != class_name:
            continue
        following = _CLASS_LINE.search(module_source, match.end())
        body = module_source[match.end():following.start() if following else len(module_source)]
        token = _SUPER_TOKEN.search(body)
        return token.group("token") if token else None
    return None


def class_schemas(module_source: str, class_names: Iterable[str]) -> dict[str, ResourceSchema]:
    """The constructor arguments of each named resource class defined in a module.

    The generated files are large (a resource module is mostly docstrings), so
    the parts that matter are found by their fixed layout and only they are
    parsed: the ``_internal_init`` signature and the ``*Args`` class's
    deprecation decorators. A file whose layout differs is parsed whole.
    """
    wanted = set(class_names)
    if not wanted or len(module_source) > MAX_SDK_FILE_BYTES:
        return {}
    regions = _class_regions(module_source)
    schemas: dict[str, ResourceSchema] = {}
    for name in sorted(wanted):
        region = regions.get(name)
        if region is None:
            continue
        parameters = _signature(module_source[region[0]:region[1]])
        if parameters is None:
            return _class_schemas_by_tree(module_source, wanted)
        arguments = {arg.arg: annotation_kind(arg.annotation) for arg in parameters
                     if arg.arg not in _NOT_ARGUMENTS}
        args_region = regions.get(f"{name}Args")
        deprecated = _deprecations_in(module_source[args_region[0]:args_region[1]]) if args_region else {}
        schemas[name] = ResourceSchema(
            arguments, {key: text for key, text in deprecated.items() if key in arguments})
    return schemas


def _class_regions(source: str) -> dict[str, tuple[int, int]]:
    """Class name → (start, end) offsets of each top-level class in a module."""
    matches = list(_CLASS_LINE.finditer(source))
    return {match.group("name"): (match.start(), matches[index + 1].start() if index + 1 < len(matches)
                                  else len(source))
            for index, match in enumerate(matches)}


def _signature(class_text: str) -> list[ast.arg] | None:
    """The parameters of the class's ``_internal_init``, or None when it can't be found."""
    start = _INTERNAL_INIT.search(class_text)
    if start is None:
        return None
    end = class_text.find("):\n", start.start())
    if end < 0:
        return None
    snippet = class_text[start.start():end + 2].strip() + "\n    pass\n"
    try:
        tree = ast.parse(snippet)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    function = tree.body[0] if tree.body else None
    return _parameters(function) if isinstance(function, ast.FunctionDef) else None


def _deprecations_in(args_text: str) -> dict[str, str]:
    """Argument → message from an ``*Args`` class's text: decorators first, then ``__init__`` warnings."""
    found: dict[str, str] = {}
    for pattern in (_DEPRECATED_PROPERTY, _DEPRECATION_WARNING):
        for match in pattern.finditer(args_text):
            try:
                message = ast.literal_eval(match.group("message"))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            if isinstance(message, str):
                found.setdefault(match.group("name"), message)
    return found


def _class_schemas_by_tree(module_source: str, wanted: set[str]) -> dict[str, ResourceSchema]:
    try:
        tree = ast.parse(module_source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    schemas: dict[str, ResourceSchema] = {}
    for name in wanted:
        node = classes.get(name)
        init = _method(node, "_internal_init") if node is not None else None
        if init is None:
            continue
        arguments = {arg.arg: annotation_kind(arg.annotation) for arg in _parameters(init)
                     if arg.arg not in _NOT_ARGUMENTS}
        args_class = classes.get(f"{name}Args")
        deprecated = _deprecations(args_class) if args_class is not None else {}
        schemas[name] = ResourceSchema(
            arguments, {key: text for key, text in deprecated.items() if key in arguments})
    return schemas


def _method(node: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == name:
            return item
    return None


def _parameters(function: ast.FunctionDef) -> list[ast.arg]:
    arguments = function.args
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]


def _deprecations(args_class: ast.ClassDef) -> dict[str, str]:
    """Argument → message, from ``@_utilities.deprecated`` properties and ``__init__`` warnings."""
    found: dict[str, str] = {}
    for item in args_class.body:
        if not isinstance(item, ast.FunctionDef):
            continue
        for decorator in item.decorator_list:
            message = _deprecated_decorator(decorator)
            if message is not None:
                found.setdefault(item.name, message)
        if item.name == "__init__":
            for name, message in _init_warnings(item):
                found.setdefault(name, message)
    return found


def _deprecated_decorator(decorator: ast.expr) -> str | None:
    if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "deprecated" and decorator.args
            and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str)):
        return decorator.args[0].value
    return None


def _init_warnings(init: ast.FunctionDef) -> Iterable[tuple[str, str]]:
    """``if name is not None: warnings.warn("<message>", DeprecationWarning)``."""
    for statement in init.body:
        if not (isinstance(statement, ast.If) and isinstance(statement.test, ast.Compare)
                and isinstance(statement.test.left, ast.Name)
                and len(statement.test.ops) == 1 and isinstance(statement.test.ops[0], ast.IsNot)):
            continue
        for inner in statement.body:
            call = inner.value if isinstance(inner, ast.Expr) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "warn"
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "warnings"
                    and call.args and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)):
                yield statement.test.left.id, call.args[0].value
                break


_SCALARS: Mapping[str, str] = {
    "str": STRING, "int": NUMBER, "float": NUMBER, "bool": BOOL,
    "Archive": ASSET, "Asset": ASSET, "AssetArchive": ASSET, "FileArchive": ASSET, "FileAsset": ASSET,
    "RemoteArchive": ASSET, "RemoteAsset": ASSET, "StringAsset": ASSET,
}
_WRAPPERS = frozenset({"Input", "Optional", "InputType", "Output"})
_LISTS = frozenset({"Sequence", "List", "list", "tuple", "Tuple"})
_MAPS = frozenset({"Mapping", "Dict", "dict"})
_NONE = "none"


def annotation_kind(node: ast.expr | None) -> str:
    """An argument annotation → its kind (``pulumi.Input[Optional[Sequence[...]]]`` → LIST)."""
    kind = _annotation_kind(node, 0)
    return ANY if kind == _NONE else kind


def _annotation_kind(node: ast.expr | None, depth: int) -> str:
    if node is None or depth > 20:
        return ANY
    if isinstance(node, ast.Constant) and node.value is None:
        return _NONE
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _forward_reference_kind(node.value)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _SCALARS.get(_tail(node), ANY)
    if isinstance(node, ast.Subscript):
        head = _tail(node.value)
        if head in _WRAPPERS:
            return _annotation_kind(node.slice, depth + 1)
        if head in _LISTS:
            return LIST
        if head in _MAPS:
            return MAP
        if head == "Literal":
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            kinds = {_literal_kind(member) for member in members}
            return kinds.pop() if len(kinds) == 1 else ANY
        if head == "Union":
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            kinds = {_annotation_kind(member, depth + 1) for member in members}
            kinds.discard(_NONE)
            return kinds.pop() if len(kinds) == 1 else ANY
    return ANY


def _literal_kind(node: ast.expr) -> str:
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, str):
        return STRING
    if isinstance(value, (int, float)):
        return NUMBER
    return ANY


def _forward_reference_kind(text: str) -> str:
    """``'BucketVersioningArgs'`` / ``'outputs.X'`` → OBJECT; an enum (``'CannedAcl'``) → STRING."""
    if text.startswith("outputs.") or text.endswith(("Args", "ArgsDict")):
        return OBJECT
    if text.isidentifier() and text[:1].isupper():
        return STRING  # an enum: a str subclass; only lists and dicts are mismatches for it
    return ANY


def _tail(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def python_module_name(name: str) -> str:
    """The codegen's file name for a resource module: ``archiveRule`` → ``archive_rule``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
