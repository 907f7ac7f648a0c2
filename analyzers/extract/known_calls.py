"""Calls whose result the analyzer computes: the pulumi SDK, json, str methods, builtins.

Everything here is pure and bounded (no huge repetitions, widths or powers),
since the inputs come from arbitrary source files.
"""

from __future__ import annotations

import json
import re
import string
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from analyzers.extract import options
from analyzers.extract.values import (
    CONFIG,
    DATA,
    MAP,
    SEQ,
    NamePattern,
    Val,
    as_data,
    data,
    is_fully_known,
    join_pattern,
    sequence,
    string_pattern,
    unknown,
)
from policypack.graph import UNKNOWN

MAX_TEXT = 100_000  # longest string/list the analyzer builds
BIG_NUMBER = re.compile(r"\d{5,}")

Handler = Callable[[Sequence[Val], Mapping[str, Val]], Val]


def _all(args: Sequence[Val], kwargs: Mapping[str, Val]) -> list[Val]:
    return [*args, *kwargs.values()]


def _concat(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    parts = [as_data(a) for a in args]
    if all(isinstance(p.data, str) for p in parts):
        return data("".join(p.data for p in parts), parts)
    # Part by part: the literal parts stay known ("arn:aws:execute-api:", region, ":*:", ...).
    pattern: list[str | None] = []
    for part in parts:
        pattern.extend(string_pattern(part) or (None,))
    return replace(unknown(parts), pattern=join_pattern(pattern))


def _format(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    if not args:
        return unknown(_all(args, kwargs))
    return format_string(args[0], args[1:], kwargs)


def format_string(template: Val, args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    parts = [template, *args, *kwargs.values()]
    values = [as_data(a) for a in args]
    named = {k: as_data(v) for k, v in kwargs.items()}
    if (isinstance(template.data, str) and not BIG_NUMBER.search(template.data)
            and all(v.known for v in values) and all(v.known for v in named.values())):
        try:
            text = template.data.format(*(v.data for v in values), **{k: v.data for k, v in named.items()})
        except (IndexError, KeyError, ValueError, TypeError, AttributeError):
            return unknown(parts)
        return data(text, parts)
    return replace(unknown(parts), pattern=_format_pattern(template, values, named))


def _format_pattern(template: Val, values: Sequence[Val], named: Mapping[str, Val]) -> NamePattern | None:
    """What is known of ``template.format(...)`` with some arguments unknown: its literal text."""
    if not isinstance(template.data, str) or len(template.data) > MAX_TEXT:
        return None
    pattern: list[str | None] = []
    automatic = 0
    try:
        for literal, field, spec, conversion in string.Formatter().parse(template.data):
            pattern.append(literal)
            if field is None:
                continue
            if field == "":
                value = values[automatic] if automatic < len(values) else None
                automatic += 1
            elif field.isdigit():
                value = values[int(field)] if int(field) < len(values) else None
            else:
                value = named.get(field)
            plain = value is not None and not spec and conversion in (None, "s")
            pattern.extend((string_pattern(value) if plain and value is not None else None) or (None,))
    except ValueError:
        return None
    return join_pattern(pattern)


def _identity(secret: bool) -> Handler:
    def handler(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
        value = args[0] if args else kwargs.get("val", kwargs.get("value"))
        if value is None:
            return unknown(_all(args, kwargs))
        return Val(value.kind, value.data, value.ref, value.deps, value.unresolved, value.secret or secret,
                   value.param)
    return handler


def _json_dumps(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    parts = _all(args, kwargs)
    if not args:
        return unknown(parts)
    value = as_data(args[0])
    allowed = {"indent", "sort_keys", "separators", "ensure_ascii"}
    settings = {k: as_data(v) for k, v in kwargs.items()}
    if not value.known or any(k not in allowed or not v.known for k, v in settings.items()):
        return unknown(parts)
    indent = settings.get("indent")
    if indent is not None and isinstance(indent.data, int) and indent.data > 16:
        return unknown(parts)
    try:
        text = json.dumps(value.data, **{k: v.data for k, v in settings.items()})
    except (TypeError, ValueError, RecursionError):
        return unknown(parts)
    return data(text, parts)


def _json_loads(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    if len(args) == 1 and not kwargs and isinstance(args[0].data, str) and len(args[0].data) <= MAX_TEXT:
        try:
            return data(json.loads(args[0].data), args)
        except (ValueError, RecursionError):
            pass
    return unknown(_all(args, kwargs))


def _builtin(function: Callable[..., Any]) -> Handler:
    def handler(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
        values = [as_data(a) for a in args]
        named = {k: as_data(v) for k, v in kwargs.items()}
        parts = [*values, *named.values()]
        if all(v.known for v in parts):
            try:
                result = function(*(v.data for v in values), **{k: v.data for k, v in named.items()})
            except (TypeError, ValueError, OverflowError, KeyError, IndexError, RecursionError):
                return unknown(parts)
            if _small(result):
                return data(result, parts)
        return unknown(parts)
    return handler


def _small(result: Any) -> bool:
    try:
        return not isinstance(result, str | list | tuple | dict) or len(result) <= MAX_TEXT
    except TypeError:
        return False


def _list(value: Any = ()) -> list[Any]:
    if isinstance(value, str | dict | list | tuple):
        return list(value)
    raise TypeError


# Loops over these are unrolled (contexts.MAX_ITERATIONS); longer ones stay unknown.
MAX_STRUCTURED = 256


def _range(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    values = [as_data(a) for a in args]
    if not kwargs and 1 <= len(values) <= 3 and all(isinstance(v.data, int) for v in values):
        try:
            numbers = range(*(v.data for v in values))
        except ValueError:
            return unknown(values)
        if len(numbers) <= MAX_STRUCTURED:
            return sequence([data(n) for n in numbers])
    return unknown([*values, *kwargs.values()])


def _enumerate(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    start = as_data(args[1] if len(args) > 1 else kwargs.get("start", data(0)))
    items = args[0].items if args else None
    if items is not None and isinstance(start.data, int):
        return sequence([sequence([data(start.data + i), item], "tuple") for i, item in enumerate(items)])
    return unknown([*args, *kwargs.values()])


def _zip(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    columns = [a.items for a in args]
    if args and not kwargs and all(column is not None for column in columns):
        return sequence([sequence(row, "tuple") for row in zip(*columns, strict=False)])
    return unknown([*args, *kwargs.values()])


def _config(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    return Val(CONFIG, deps=frozenset())


def resource_options(args: Sequence[Val], kwargs: Mapping[str, Val], spread_unknown: bool = False) -> Val:
    return options.from_call(args, dict(kwargs), spread_unknown)


def _merge(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    first = args[0] if args else kwargs.get("opts1")
    second = args[1] if len(args) > 1 else kwargs.get("opts2")
    return options.merge(first, second)


def _dedent(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    if len(args) == 1 and isinstance(args[0].data, str):
        return data(textwrap.dedent(args[0].data), args)
    return unknown(_all(args, kwargs))


def _cast(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    return args[1] if len(args) == 2 else unknown(_all(args, kwargs))


def _nothing(args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val:
    return data(None, _all(args, kwargs))


FUNCTIONS: dict[str, Handler] = {
    "pulumi.Output.concat": _concat,
    "pulumi.Output.format": _format,
    "pulumi.Output.from_input": _identity(False),
    "pulumi.Output.secret": _identity(True),
    "pulumi.Output.unsecret": _identity(False),
    "pulumi.Output.json_dumps": _json_dumps,
    "pulumi.secret": _identity(True),
    "pulumi.unsecret": _identity(False),
    "pulumi.Config": _config,
    "pulumi.config.Config": _config,
    "pulumi.ResourceOptions": resource_options,
    "pulumi.resource.ResourceOptions": resource_options,
    "pulumi.ResourceOptions.merge": _merge,
    "pulumi.resource.ResourceOptions.merge": _merge,
    "pulumi.export": _nothing,
    "json.dumps": _json_dumps,
    "json.loads": _json_loads,
    "textwrap.dedent": _dedent,
    "typing.cast": _cast,
    "builtins.str": _builtin(str),
    "builtins.int": _builtin(int),
    "builtins.float": _builtin(float),
    "builtins.bool": _builtin(bool),
    "builtins.len": _builtin(len),
    "builtins.list": _builtin(_list),
    "builtins.tuple": _builtin(lambda value=(): tuple(_list(value))),
    "builtins.dict": _builtin(dict),
    "builtins.sorted": _builtin(sorted),
    "builtins.min": _builtin(min),
    "builtins.max": _builtin(max),
    "builtins.abs": _builtin(abs),
    "builtins.range": _range,
    "builtins.enumerate": _enumerate,
    "builtins.zip": _zip,
}

# Calls that accept ``**spread``; the others see an unknown spread as an unknown result.
SPREAD_AWARE = {"pulumi.ResourceOptions", "pulumi.resource.ResourceOptions"}

_STR_METHODS = frozenset({
    "format", "join", "split", "rsplit", "upper", "lower", "strip", "lstrip", "rstrip", "replace",
    "removeprefix", "removesuffix", "title", "capitalize", "startswith", "endswith", "casefold",
    "partition", "rpartition", "splitlines", "count", "find", "isdigit",
})
_LIST_METHODS = frozenset({"index", "count", "copy"})
_DICT_METHODS = frozenset({"get", "keys", "values", "items", "copy"})
_CONFIG_SECRET = ("require_secret", "get_secret")


def call_method(receiver: Val, name: str, args: Sequence[Val], kwargs: Mapping[str, Val]) -> Val | None:
    """A method called on a plain value or a Config; None when not modelled here."""
    parts = [receiver, *args, *kwargs.values()]
    if receiver.kind == CONFIG:
        secret = name.startswith(_CONFIG_SECRET)
        merged = unknown(parts)
        return Val(DATA, UNKNOWN, None, merged.deps, merged.unresolved, secret)
    if receiver.kind == MAP:
        structured = _map_method(receiver, name, args)
        if structured is not None:
            return structured
    if receiver.kind not in (DATA, SEQ, MAP):
        return None
    value = receiver.data
    if isinstance(value, str) and name == "format":
        return format_string(receiver, args, kwargs)
    allowed = (_STR_METHODS if isinstance(value, str) else _LIST_METHODS if isinstance(value, list | tuple)
               else _DICT_METHODS if isinstance(value, dict) else frozenset())
    values = [as_data(a) for a in args]
    if name in allowed and all(v.known for v in values) and not kwargs and is_fully_known(value):
        try:
            result = getattr(value, name)(*(v.data for v in values))
        except (TypeError, ValueError, AttributeError, OverflowError):
            return unknown(parts)
        if name in ("keys", "values", "items"):
            result = list(result)
        if _small(result):
            return data(result, parts)
    if name == "get" and isinstance(value, dict) and values and values[0].known:
        # a dict with unknown values: the looked-up key may still be known
        key = values[0].data
        try:
            if key in value and value[key] is not UNKNOWN:
                return data(value[key], parts)
        except TypeError:
            pass
    return unknown(parts)


def _map_method(receiver: Val, name: str, args: Sequence[Val]) -> Val | None:
    """items/keys/values/get of a dict display, keeping each value's own references."""
    entries = receiver.ref
    if name == "items" and not args:
        return sequence([sequence([data(key), value], "tuple") for key, value in entries])
    if name == "keys" and not args:
        return sequence([data(key) for key, _ in entries])
    if name == "values" and not args:
        return sequence([value for _, value in entries])
    if name == "get" and args and as_data(args[0]).known:
        key = as_data(args[0]).data
        for candidate, value in entries:
            if candidate == key:
                return value
        return args[1] if len(args) > 1 else data(None)
    return None


def external_function(path: str) -> Handler | None:
    return FUNCTIONS.get(path)
