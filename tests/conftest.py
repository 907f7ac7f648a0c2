"""Suite-wide isolation: no test reads or writes the real user's cache directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # platformdirs reads XDG_CACHE_HOME on Linux; subprocesses inherit os.environ.
    home = tmp_path_factory.mktemp("xdg-cache")
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "STACKGUARD_CACHE_DIR")}
    os.environ["XDG_CACHE_HOME"] = str(home)
    os.environ.pop("STACKGUARD_CACHE_DIR", None)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
