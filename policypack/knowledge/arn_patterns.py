"""The fields of an ARN that is only partly known, from its literal parts.

The static analyzer sees ``pulumi.Output.concat("arn:aws:execute-api:", region,
":*:", api_id, "/*")`` or the same as an f-string: a string whose unknown parts
are outputs of other resources. Its account field is the literal ``*``
whatever those parts are, as long as each unknown part is one whole ARN field
(a region, an account id, an API id: AWS never puts ``:`` in those). So an
unknown part counts as one field only when colons surround it; anywhere else
it might hold colons, and the fields after it are not known.
"""

from __future__ import annotations

from collections.abc import Sequence

# An ARN pattern: literal parts, None for each unknown part.
Pattern = Sequence[str | None]
Field = tuple[str | None, ...]
_RESOURCE = 5  # arn:partition:service:region:account:resource (the resource may hold colons)


def arn_fields(pattern: Pattern) -> list[Field]:
    """The ARN's fields as far as they can be told (each a pattern); [] when not an ARN."""
    fields: list[list[str | None]] = [[]]
    for position, part in enumerate(pattern):
        if part is None:
            current = fields[-1]
            following = pattern[position + 1] if position + 1 < len(pattern) else None
            whole_field = all(p == "" for p in current) and (following is None or following.startswith(":"))
            if len(fields) - 1 < _RESOURCE and not whole_field:
                break  # it might hold colons: the fields after it can't be placed
            current.append(None)
            continue
        pieces = part.split(":") if len(fields) - 1 < _RESOURCE else [part]
        fields[-1].append(pieces[0])
        for piece in pieces[1:]:
            if len(fields) - 1 >= _RESOURCE:
                fields[-1].append(":" + piece)
            else:
                fields.append([piece])
    result = [tuple(p for p in field if p != "") for field in fields]
    if not result or result[0] != ("arn",):
        return []
    return result


def literal_field(fields: Sequence[Field], index: int, *, complete: bool = True) -> str | None:
    """Field ``index`` when it is wholly literal (and, with ``complete``, known to end there)."""
    if index >= len(fields) or (complete and index == len(fields) - 1 and index < _RESOURCE):
        return None
    literal = [part for part in fields[index] if part is not None]
    return "".join(literal) if len(literal) == len(fields[index]) else None


def field_prefix(fields: Sequence[Field], index: int) -> str | None:
    """The literal text a field starts with ("" when it starts with an unknown part)."""
    if index >= len(fields):
        return None
    text = ""
    for part in fields[index]:
        if part is None:
            break
        text += part
    return text
