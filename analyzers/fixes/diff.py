"""``--diff``: the fixes as a unified diff that ``patch -p1`` and ``git apply`` take.

File contents come from the linted repository, so control characters in a
changed or context line are shown escaped (escaping.py), like every other
report; ordinary Python source (tabs, CRLF line ends) passes through unchanged.
"""

from __future__ import annotations

import difflib

from analyzers.reporters.escaping import printable

_NO_NEWLINE = "\\ No newline at end of file\n"


def _shown(line: str, first: bool) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    keep = "\t\x0c" + ("\ufeff" if first else "")
    return printable(body, keep=keep) + ending


def unified(path: str, before: str, after: str) -> str:
    """The diff of one file; ``path`` is relative to the directory the diff applies in."""
    shown = printable(path)
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    first_lines = {*old[:1], *new[:1]}
    lines = list(difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}"))
    out = [line if line.endswith("\n") else line + "\n" for line in lines[:2]]
    for line in lines[2:]:
        if line.startswith("@@"):
            out.append(line)
            continue
        content = line[1:]
        text = line[0] + _shown(content, first=content in first_lines)
        out.append(text if text.endswith("\n") else text + "\n" + _NO_NEWLINE)
    return "".join(out)
