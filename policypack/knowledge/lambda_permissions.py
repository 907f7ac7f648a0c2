"""Which Lambda function a reference names, and which Permissions may grant access to it.

Lambda takes a function as a name (``orders``), a name with a qualifier
(``orders:live``), a partial ARN (``123456789012:function:orders``) or a full
ARN, optionally qualified with an alias or version. API Gateway calls it
through an invoke ARN
(``arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations``).

A resource policy statement belongs to one qualifier: a Permission on the
unqualified function covers calls to the unqualified function (``$LATEST``),
and a Permission with ``qualifier="live"`` covers calls to the ``live`` alias
only.

References are resolved graph first: a property dependency on an
``aws:lambda/function:Function`` (or an ``aws:lambda/alias:Alias`` of one) is
known even during preview, when the ARN itself is not. Whatever cannot be
pinned down is treated as "could be anything", so callers stay silent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from policypack.graph import UNKNOWN, Resource, ResourceGraph, known_str
from policypack.knowledge import tokens

APIGATEWAY_PRINCIPAL = "apigateway.amazonaws.com"

_NAME = r"(?P<name>[^:/]+)"
_QUALIFIER = r"(?::(?P<qualifier>[^:/]+))?"
_FUNCTION_ARN = re.compile(
    rf"^arn:[^:]+:lambda:(?P<region>[^:]*):(?P<account>[^:]*):function:{_NAME}{_QUALIFIER}$"
)
_PARTIAL_ARN = re.compile(rf"^(?P<account>\d{{12}}):function:{_NAME}{_QUALIFIER}$")
_PLAIN_NAME = re.compile(rf"^{_NAME}{_QUALIFIER}$")
# The function part may itself hold a qualified ARN; response streaming uses
# the ``2021-11-15/.../response-streaming-invocations`` path.
_INVOKE_ARN = re.compile(
    r"^arn:[^:]+:apigateway:[^:]*:lambda:path/[^/]+/functions/(?P<function>.+?)"
    r"/(?:response-streaming-)?invocations$"
)
# Stage variables (``${stageVariables.alias}``) choose the target per stage.
_DYNAMIC = "${"

_INVOKE_ACTIONS = frozenset({"lambda:invokefunction", "lambda:*", "*"})


@dataclass(frozen=True)
class LiteralFunction:
    """A function named by a string. ``name`` None: chosen at run time (stage variable)."""

    name: str | None
    qualifier: str | None
    qualifier_known: bool = True


def _normalize_qualifier(qualifier: str | None) -> str | None:
    # The unqualified ARN invokes $LATEST: both mean the same policy statement.
    return None if qualifier in (None, "", "$LATEST") else qualifier


def _literal(match: re.Match[str]) -> LiteralFunction:
    name = match.group("name")
    qualifier = match.group("qualifier")
    if _DYNAMIC in name:
        return LiteralFunction(None, None, qualifier_known=False)
    if qualifier is not None and _DYNAMIC in qualifier:
        return LiteralFunction(name, None, qualifier_known=False)
    return LiteralFunction(name, _normalize_qualifier(qualifier))


def parse_function_reference(text: str) -> LiteralFunction | None:
    """A Lambda ``FunctionName``: a name, ``name:qualifier``, partial or full ARN."""
    text = text.strip()
    for pattern in (_FUNCTION_ARN, _PARTIAL_ARN):
        match = pattern.match(text)
        if match:
            return _literal(match)
    if text.startswith("arn:"):
        return None  # an ARN of something else
    match = _PLAIN_NAME.match(text)
    return _literal(match) if match else None


def parse_function_arn(text: str) -> LiteralFunction | None:
    """A full Lambda function ARN (optionally qualified), else None."""
    match = _FUNCTION_ARN.match(text.strip())
    return _literal(match) if match else None


def parse_invoke_arn(text: str) -> LiteralFunction | None:
    """The function an API Gateway Lambda invoke ARN calls, else None."""
    match = _INVOKE_ARN.match(text.strip())
    if not match:
        return None
    function = match.group("function")
    if function.startswith(_DYNAMIC) and function.endswith("}"):
        return LiteralFunction(None, None, qualifier_known=False)
    return parse_function_reference(function)


def parse_lambda_uri(text: str) -> LiteralFunction | None:
    """An HTTP API integration URI: a function ARN or an invoke ARN."""
    return parse_function_arn(text) or parse_invoke_arn(text)


@dataclass(frozen=True)
class FunctionRef:
    """The function a prop refers to, as far as the graph and its value tell.

    Two references may name the same function when they share a Function
    resource or a known name, or when one side's name is not known.
    """

    functions: tuple[Resource, ...] = ()  # Function resources in the graph
    names: frozenset[str] = frozenset()  # every known name (resources' and literal)
    literal_names: frozenset[str] = frozenset()  # names not backed by a Function resource
    unnamed: bool = False  # some Function resource has no known name
    qualifier: str | None = None
    qualifier_known: bool = True
    anything: bool = False  # could be any function
    secret: bool = False  # read from a secret value: never print the literal parts

    @property
    def label(self) -> str:
        """How to name the function in a message (literal parts of secrets redacted)."""
        literal = ["[secret]"] if self.secret and self.literal_names else [
            f"'{n}'" for n in sorted(self.literal_names)]
        text = ", ".join([f"'{f.name}'" for f in self.functions] + literal) or "<unknown>"
        if self.qualifier_known and self.qualifier:
            text += " (qualifier [secret])" if self.secret else f" (qualifier '{self.qualifier}')"
        return text

    @property
    def keys(self) -> set[str]:
        """Index keys: the Function URNs and the known names."""
        return {f"urn:{f.urn}" for f in self.functions} | {f"name:{n}" for n in self.names}

    def may_be_same_function(self, other: FunctionRef) -> bool:
        if self.anything or other.anything:
            return True
        if {f.urn for f in self.functions} & {f.urn for f in other.functions}:
            return True
        if self.names & other.names:
            return True
        # A Function whose name is not known may carry a literal name of the other side.
        return (self.unnamed and bool(other.literal_names)) or (other.unnamed and bool(self.literal_names))

    def may_share_qualifier(self, other: FunctionRef) -> bool:
        if not (self.qualifier_known and other.qualifier_known):
            return True
        return self.qualifier == other.qualifier


ANY_FUNCTION = FunctionRef(anything=True, qualifier_known=False)


def function_name(function: Resource) -> str | None:
    """A Function's known name, from ``name`` or else its ARN."""
    name = known_str(function.prop("name"))
    if name:
        return name
    arn = known_str(function.prop("arn"))
    parsed = parse_function_arn(arn) if arn else None
    return parsed.name if parsed else None


def _alias_function(graph: ResourceGraph, alias: Resource) -> FunctionRef:
    """What an Alias points at; its name is the qualifier."""
    alias_name = alias.prop("name")
    qualifier = known_str(alias_name)
    qualifier_known = qualifier is not None
    functions = graph.prop_targets(alias, "functionName", tokens.LAMBDA_FUNCTION)
    if functions:
        return _ref(functions, None, qualifier, qualifier_known)
    literal_text = known_str(alias.prop("functionName"))
    literal = parse_function_reference(literal_text) if literal_text else None
    if literal is None or literal.name is None:
        return ANY_FUNCTION
    return _ref((), literal.name, qualifier, qualifier_known)


def _ref(functions: Iterable[Resource], literal_name: str | None, qualifier: str | None,
         qualifier_known: bool) -> FunctionRef:
    functions = tuple(functions)
    resource_names = {function_name(f) for f in functions}
    known_resource_names = {n for n in resource_names if n}
    literal_names = {literal_name} if literal_name and literal_name not in known_resource_names else set()
    return FunctionRef(
        functions=functions,
        names=frozenset(known_resource_names | literal_names),
        literal_names=frozenset(literal_names),
        unnamed=None in resource_names,
        qualifier=_normalize_qualifier(qualifier) if qualifier_known else None,
        qualifier_known=qualifier_known,
    )


def _merge(refs: list[FunctionRef]) -> FunctionRef:
    if len(refs) == 1:
        return refs[0]
    if any(r.anything for r in refs):
        return ANY_FUNCTION
    qualifiers = {r.qualifier for r in refs}
    known = all(r.qualifier_known for r in refs) and len(qualifiers) == 1
    return FunctionRef(
        functions=tuple({f.urn: f for r in refs for f in r.functions}.values()),
        names=frozenset().union(*(r.names for r in refs)),
        literal_names=frozenset().union(*(r.literal_names for r in refs)),
        unnamed=any(r.unnamed for r in refs),
        qualifier=next(iter(qualifiers)) if known else None,
        qualifier_known=known,
    )


def literal_ref(literal: LiteralFunction, candidates: Iterable[Resource]) -> FunctionRef:
    """A function named by a string, tied to the ``candidates`` Function of that name if any."""
    if literal.name is None:
        return ANY_FUNCTION
    matching = [f for f in candidates if function_name(f) == literal.name]
    return _ref(matching, literal.name, literal.qualifier, literal.qualifier_known)


def resource_ref(graph: ResourceGraph, target: Resource) -> FunctionRef:
    """A reference to a Function or Alias resource itself (qualifier not known for a Function)."""
    if target.type == tokens.LAMBDA_ALIAS:
        return _alias_function(graph, target)
    return _ref((target,), None, None, False)


def function_ref(graph: ResourceGraph, resource: Resource, prop: str,
                 parse: Callable[[str], LiteralFunction | None]) -> FunctionRef | None:
    """The function ``prop`` of ``resource`` refers to; None when it names no function.

    ``parse`` reads the literal value (a function reference, an invoke ARN, ...).
    A dependency on a Function or Alias decides even when the value is unknown;
    the literal then only adds the qualifier. A reference whose function is
    chosen at run time yields :data:`ANY_FUNCTION`.
    """
    ref = _function_ref(graph, resource, prop, parse)
    if ref is not None and prop in resource.secret_props:
        ref = replace(ref, secret=True)
    return ref


def _function_ref(graph: ResourceGraph, resource: Resource, prop: str,
                  parse: Callable[[str], LiteralFunction | None]) -> FunctionRef | None:
    value = resource.prop(prop)
    literal = parse(value) if isinstance(value, str) else None
    functions = graph.prop_targets(resource, prop, tokens.LAMBDA_FUNCTION)
    aliases = graph.prop_targets(resource, prop, tokens.LAMBDA_ALIAS)
    if not functions and not aliases:
        if literal is None:
            return None
        if literal.name is None:
            return ANY_FUNCTION
        return _ref((), literal.name, literal.qualifier, literal.qualifier_known)
    refs = [_alias_function(graph, alias) for alias in aliases]
    if functions:
        # An unknown value built from a function (``f"{fn.arn}:live"``) may be qualified.
        if literal is not None:
            qualifier, known = literal.qualifier, literal.qualifier_known
        else:
            qualifier, known = None, False
        refs.append(_ref(functions, None, qualifier, known))
    return _merge(refs)


def _may_equal_ci(value: Any, accepted: frozenset[str]) -> bool:
    """Whether a prop value may be one of ``accepted`` (lower case); unknown may."""
    if value is UNKNOWN:
        return True
    return isinstance(value, str) and value.strip().lower() in accepted


@dataclass(frozen=True)
class Grant:
    """One ``aws:lambda/permission:Permission`` as far as the graph tells."""

    permission: Resource
    function: FunctionRef

    @property
    def may_allow_invoke(self) -> bool:
        """``lambda:InvokeFunction`` (any case), ``lambda:*`` or ``*``."""
        if "action" in self.permission.unresolved:
            return True
        return _may_equal_ci(self.permission.prop("action"), _INVOKE_ACTIONS)

    def may_allow_principal(self, service: str) -> bool:
        """The service principal itself, or ``*`` (SG305 reports that one)."""
        if "principal" in self.permission.unresolved:
            return True
        return _may_equal_ci(self.permission.prop("principal"), frozenset({service.lower(), "*"}))

    def may_cover(self, target: FunctionRef) -> bool:
        return self.function.may_be_same_function(target) and self.function.may_share_qualifier(target)


def grant_of(graph: ResourceGraph, permission: Resource) -> Grant:
    """How far a Permission's ``function`` and ``qualifier`` can be pinned down."""
    if "function" in permission.unresolved:
        return Grant(permission, ANY_FUNCTION)
    ref = function_ref(graph, permission, "function", parse_function_reference)
    if ref is None:
        # Unknown without a Function behind it, or unreadable: could be any function.
        return Grant(permission, ANY_FUNCTION)
    qualifier = permission.prop("qualifier")
    if "qualifier" in permission.unresolved or (qualifier not in (None, "") and not known_str(qualifier)):
        ref = replace(ref, qualifier=None, qualifier_known=False)
    elif known_str(qualifier):
        ref = replace(ref, qualifier=_normalize_qualifier(qualifier), qualifier_known=True)
    return Grant(permission, ref)


class PermissionIndex:
    """Every Permission of a stack, indexed by the function it may name.

    Built once per check; :meth:`candidates` returns the Permissions that may
    apply to a function without scanning the whole stack.
    """

    def __init__(self, graph: ResourceGraph) -> None:
        self._by_key: dict[str, list[Grant]] = {}
        self._anything: list[Grant] = []
        self._unnamed: list[Grant] = []  # name some Function whose name is not known
        self._literal: list[Grant] = []  # name a function by a string only
        for permission in graph.of_type(tokens.LAMBDA_PERMISSION):
            grant = grant_of(graph, permission)
            if grant.function.anything:
                self._anything.append(grant)
                continue
            for key in grant.function.keys:
                self._by_key.setdefault(key, []).append(grant)
            if grant.function.unnamed:
                self._unnamed.append(grant)
            if grant.function.literal_names:
                self._literal.append(grant)

    def candidates(self, target: FunctionRef) -> list[Grant]:
        """Permissions that may be for ``target``'s function (any qualifier)."""
        found: dict[str, Grant] = {}
        lists = [self._anything] + [self._by_key.get(key, []) for key in target.keys]
        if target.literal_names:
            lists.append(self._unnamed)
        if target.unnamed:
            lists.append(self._literal)
        for grants in lists:
            for grant in grants:
                if grant.function.may_be_same_function(target):
                    found.setdefault(grant.permission.urn, grant)
        return list(found.values())
