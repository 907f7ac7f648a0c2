"""Appending an argument the way the call is already laid out."""

from __future__ import annotations

import libcst as cst

from analyzers.fixes.edits import append_argument, append_element, insert_after
from analyzers.fixes.model import apply_edits
from analyzers.fixes.source import SourceFile


def first_call(file: SourceFile) -> cst.Call:
    found: list[cst.Call] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            found.append(node)

    file.module.visit(Visitor())
    return found[0]


def appended(text: str, argument: str = "parent=self") -> str:
    file = SourceFile("m.py", text)
    return apply_edits(text, list(append_argument(file, first_call(file), argument)))


def test_one_line_stays_one_line() -> None:
    assert appended('f("x", a=1)\n') == 'f("x", a=1, parent=self)\n'
    assert appended('f("x", a=1,)\n') == 'f("x", a=1, parent=self,)\n'
    assert appended("f()\n") == "f(parent=self)\n"


def test_one_per_line_after_the_trailing_comma_and_its_comment() -> None:
    text = 'f(\n    "x",\n    a=1,  # why a is 1\n)\n'
    assert appended(text) == 'f(\n    "x",\n    a=1,  # why a is 1\n    parent=self,\n)\n'


def test_one_per_line_without_trailing_comma_keeps_the_comment_in_place() -> None:
    text = 'f(\n    "x",\n    a=1  # why a is 1\n)\n'
    assert appended(text) == 'f(\n    "x",\n    a=1,  # why a is 1\n    parent=self\n)\n'


def test_a_line_that_would_get_too_long_is_split_one_argument_per_line() -> None:
    text = 'if x:\n    thing = module.Constructor("a-rather-long-logical-name", first_argument=1, second=2)  # note\n'
    assert appended(text, "opts=pulumi.ResourceOptions(parent=self)") == (
        'if x:\n'
        '    thing = module.Constructor(\n'
        '        "a-rather-long-logical-name",\n'
        '        first_argument=1,\n'
        '        second=2,\n'
        '        opts=pulumi.ResourceOptions(parent=self),\n'
        '    )  # note\n'
    )


def test_list_elements_and_statements() -> None:
    text = "x = f(depends_on=[a])\n"
    file = SourceFile("m.py", text)
    display = first_call(file).args[0].value
    assert isinstance(display, cst.List)
    assert apply_edits(text, list(append_element(file, display, "b"))) == "x = f(depends_on=[a, b])\n"
    body = "def g():\n\tx = 1  # one\n\n\ny = 2"
    file = SourceFile("m.py", body)
    function = file.module.body[0]
    assert isinstance(function, cst.FunctionDef)
    statement = function.body.body[0]
    assert apply_edits(body, [insert_after(file, statement, ["z = 3"])]) == \
        "def g():\n\tx = 1  # one\n\tz = 3\n\n\ny = 2"
    last = file.module.body[-1]
    assert apply_edits(body, [insert_after(file, last, ["w = 4"])]).endswith("y = 2\nw = 4\n")
