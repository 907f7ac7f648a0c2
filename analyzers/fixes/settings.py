"""What a fix run may touch (kept apart from the engine so the CLI can build it without libcst)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analyzers.config import Config
from analyzers.selection import SelectionLayer


@dataclass(frozen=True)
class Settings:
    config: Config = field(default_factory=Config)
    selection: SelectionLayer = field(default_factory=SelectionLayer)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code → option → value
    fixable: frozenset[str] = frozenset()  # codes whose findings may be fixed
    unsafe: bool = False  # apply unsafe fixes too
