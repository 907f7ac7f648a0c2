"""Hostile but valid Python, built at test time: every kind of expression nested n deep.

``NESTED[kind](n)`` is an expression nesting ``n`` times; ``LEVELS[kind]`` is how
many syntax-tree levels one step adds (``limits`` counts those). Bracketed kinds
stop at CPython's own limit of 200 nested brackets.
"""

from __future__ import annotations

from collections.abc import Callable

NESTED: dict[str, Callable[[int], str]] = {
    "attribute": lambda n: "a" + ".b" * n,
    "subscript": lambda n: "a" + "[0]" * n,
    "call": lambda n: "f" + "()" * n,
    "list": lambda n: "[" * n + "]" * n,
    "tuple": lambda n: "(1, " * n + ")" * n,
    "dict": lambda n: "{1: " * n + "1" + "}" * n,
    "set": lambda n: "{" * n + "1" + "}" * n,
    "call_argument": lambda n: "f(" * n + ")" * n,
    "index": lambda n: "a[" * n + "0" + "]" * n,
    "slice": lambda n: "a[1:" * n + "2" + "]" * n,
    "lambda": lambda n: "lambda: " * n + "1",
    "lambda_with_parameters": lambda n: "lambda a, b: " * n + "1",
    "left_binop": lambda n: " + ".join(["'a'"] * (n + 1)),
    "right_binop": lambda n: " ** ".join(["2"] * (n + 1)),
    "unary": lambda n: "-" * n + "1",
    "not": lambda n: "not " * n + "a",
    "and": lambda n: " and ".join(["a"] * (n + 1)),
    "or_of_ands": lambda n: "(" * n + "a" + " and b) or c" * n,
    "conditional": lambda n: "a if b else " * n + "c",
    "walrus": lambda n: "(y := " * n + "1" + ")" * n,
    "comprehension": lambda n: "[x for x in " * n + "y" + "]" * n,
    "generator": lambda n: "f(x for x in " * n + "y" + ")" * n,
    "fstring": lambda n: "f'{" + "a" + ".b" * n + "}'",
    "starred": lambda n: "[*" * n + "a" + "]" * n,
}

LEVELS: dict[str, int] = {kind: 1 for kind in NESTED}
LEVELS.update({"comprehension": 2, "generator": 3, "slice": 2, "starred": 2})

BRACKETED = frozenset({"list", "tuple", "dict", "set", "call_argument", "index", "slice", "walrus",
                       "comprehension", "generator", "or_of_ands", "starred"})


def blocks(n: int, body: str = "pass") -> str:
    """``if`` blocks nested n deep (CPython allows 100 levels of indentation)."""
    return "".join("    " * i + "if a:\n" for i in range(n)) + "    " * n + body + "\n"


def elif_chain(n: int) -> str:
    return "if a == 0:\n    x = 0\n" + "".join(f"elif a == {i}:\n    x = {i}\n" for i in range(1, n))


def pulumi_file(expression: str) -> str:
    return f"import pulumi\nimport pulumi_aws as aws\n\nx = {expression}\naws.s3.Bucket('b', bucket=x)\n"


# A file with exactly one known finding: SG201 on line 3 (a postgres14 group on PostgreSQL 17).
FAULTY_FILE = '''import pulumi_aws as aws
params = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance("db", engine="postgres", engine_version="17.5", parameter_group_name=params.name)
'''
