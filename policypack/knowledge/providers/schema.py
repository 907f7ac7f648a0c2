"""The provider facts' model: resource classes, their arguments and what changed per major."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Argument kinds, at the level a literal in the source can be checked against.
STRING = "s"
NUMBER = "n"
BOOL = "b"
LIST = "l"
MAP = "m"
OBJECT = "o"  # an input type: a dict or a ``*Args`` object
ASSET = "a"  # pulumi.Asset / Archive
ANY = "*"  # a union of kinds, ``Any``, or anything the reader does not classify
KINDS = frozenset({STRING, NUMBER, BOOL, LIST, MAP, OBJECT, ASSET, ANY})
KIND_NAMES = {
    STRING: "a string", NUMBER: "a number", BOOL: "a bool", LIST: "a list", MAP: "a map (dict)",
    OBJECT: "an input object (a dict or an Args object)", ASSET: "an asset or archive", ANY: "any value",
}

# What a class constructs.
CUSTOM = "custom"
COMPONENT = "component"
PROVIDER = "provider"

# Keywords every generated resource constructor takes besides its arguments
# (``__init__(resource_name, *args, **kwargs)`` picks ``args``/``opts`` out of kwargs).
CONSTRUCTOR_KEYWORDS = frozenset({"resource_name", "opts", "args", "__props__", "__opts__"})


@dataclass(frozen=True)
class Removed:
    """An argument an older major of the provider accepted and a newer one does not."""

    major: int  # the first major without it
    message: str = ""  # the older SDK's deprecation message (says what replaces it), or ""


@dataclass(frozen=True)
class ResourceSchema:
    """What one resource class's constructor accepts, for one provider version."""

    arguments: Mapping[str, str]  # python name → kind
    deprecated: Mapping[str, str] = field(default_factory=dict)  # python name → the SDK's message
    removed: Mapping[str, Removed] = field(default_factory=dict)  # not accepted by this version


@dataclass(frozen=True)
class ResourceFacts:
    """A class an SDK registers (or defines) as a resource."""

    token: str
    kind: str  # CUSTOM, COMPONENT or PROVIDER
    schema: ResourceSchema | None = None  # None: arguments not known (registry-only package)
