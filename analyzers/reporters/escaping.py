"""User text → text that is safe for one consumer of a report.

Everything a report shows that comes from the linted repository (file names,
resource names, messages quoting values from the code) is attacker-controlled
(design.md, principle 7). Each format passes such text through one function
here; the rules:

- Non-UTF-8 file names. Python holds their bad bytes as lone surrogates
  (U+DC80..U+DCFF, PEP 383), which no UTF-8 writer accepts. Every format shows
  such a byte as ``\\xNN`` (``bad\\xff.py``); SARIF's artifact URI, being a
  URI, percent-encodes the file's real bytes (``bad%FF.py``). Other lone
  surrogates (a string literal's ``"\\ud800"``) are shown as ``\\ud800``.
  Fingerprints hash the name as Python holds it (findings.py): stable, and
  distinct from a name that really contains the characters ``\\xff``.
- Human formats (text, Markdown, GitHub, JUnit's failure body) show control,
  invisible-format and line-separator characters as Python-style escapes
  (``\\n``, ``\\x1b``, ``\\u202e``), so user text can neither start a new line
  (``::error`` workflow commands in a CI log) nor drive the terminal.
  GitHub keeps CR/LF, which its spec encodes as %0D/%0A; JUnit attributes keep
  tab/CR/LF, which XML serializes as character references.
- JSON formats (json, SARIF, GitLab) keep the text exact: JSON escapes it.
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NONCHARACTERS = frozenset({"\ufffe", "\uffff"})  # illegal in XML 1.0
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CANDIDATE = re.compile(r"[^\x20-\x7e]")  # fast path: printable ASCII never needs a look-up
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape_char(char: str) -> str:
    point = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if point < 0x80 or 0xDC80 <= point <= 0xDCFF:  # an ASCII control, or a byte of a non-UTF-8 name
        return f"\\x{point & 0xFF:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def _needs_escape(char: str, keep: str) -> bool:
    if char in keep:
        return False
    return char in _NONCHARACTERS or unicodedata.category(char) in _ESCAPED_CATEGORIES


def printable(text: str, keep: str = "") -> str:
    """``text`` with control, invisible-format, separator and surrogate characters escaped,
    except those in ``keep``; the result always encodes as UTF-8."""
    return _CANDIDATE.sub(
        lambda match: _escape_char(match[0]) if _needs_escape(match[0], keep) else match[0], text
    )


def utf8_safe(text: str) -> str:
    """``text`` with only its lone surrogates escaped: what the JSON formats write."""
    return _LONE_SURROGATE.sub(lambda match: _escape_char(match[0]), text)


def original_bytes(text: str) -> bytes:
    """A file name's bytes as on disk (non-UTF-8 bytes restored); never raises."""
    return text.encode("utf-8", "surrogatepass" if _has_foreign_surrogate(text) else "surrogateescape")


def _has_foreign_surrogate(text: str) -> bool:
    return any(not 0xDC80 <= ord(match[0]) <= 0xDCFF for match in _LONE_SURROGATE.finditer(text))


def line_start_path(path: str) -> str:
    """A path made safe to start an output line: ``./`` before one that starts with ``:``
    or blank space, so a file named ``::error file=x::pwned`` can't be a workflow command
    (the runner trims leading blanks before looking for ``::``)."""
    shown = printable(path)
    return f"./{shown}" if shown[:1] == ":" or shown[:1].isspace() else shown


def xml_attribute(text: str) -> str:
    """An XML attribute value: XML 1.0's illegal characters (and other controls) escaped;
    tab, CR and LF kept (the serializer writes them as character references)."""
    return printable(text, keep="\t\n\r")


def workflow_data(text: str) -> str:
    """A GitHub workflow command's message, escaped as the runner's spec (and toolkit) does."""
    safe = printable(text, keep="\r\n")
    return safe.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A workflow command property value (``file=...``): also ``:`` and ``,`` escaped."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def markdown_code(text: str) -> str:
    """``text`` as one inline code span that is safe in a GFM table cell.

    Inside a code span, links, images, HTML, emphasis and @mentions are literal.
    The fence is one backtick longer than the longest run inside, and padded with
    a space each side (CommonMark strips one) so a leading or trailing backtick
    can't merge with it. Pipes are escaped because GFM splits table cells before
    it parses code spans; it drops the backslash of every ``\\|`` afterwards.
    """
    shown = printable(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {shown} {fence}"
