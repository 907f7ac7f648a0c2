"""Reading a JSON file the gate is handed (a baseline, runtime results) without trusting it.

Both may come from the repository under review: the read goes through
``analyzers.reading`` (regular files only, bounded, no FIFO can block it), and
every way it can fail is one GateError line naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analyzers.gate.errors import GateError
from analyzers.reading import FileTooLarge, read_regular_file


def read_json(path: Path, where: str, limit: int, *, missing: str = "file not found",
              errors: str = "strict") -> Any:
    """The parsed document; ``where`` starts every message ("baseline b.json: ...")."""
    try:
        raw = read_regular_file(path, limit)
    except FileNotFoundError:
        raise GateError(f"{where}: {missing}") from None
    except FileTooLarge as error:
        size = f"{error.size} bytes" if error.size is not None else "more than that"
        raise GateError(f"{where}: too large ({size}; the limit is {limit})") from None
    except OSError as error:
        raise GateError(f"{where}: cannot read ({error.strerror or type(error).__name__})") from None
    try:
        text = raw.decode("utf-8", errors)
    except UnicodeDecodeError:
        raise GateError(f"{where}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise GateError(f"{where}: not JSON ({first_line(error)})") from None
    except RecursionError:
        raise GateError(f"{where}: not JSON (nested too deeply)") from None


def first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
