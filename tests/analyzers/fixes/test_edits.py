"""Appending an argument the way the call is already laid out."""

from __future__ import annotations

import libcst as cst

from analyzers.fixes.edits import append_argument, append_element, insert_after, own_line_comment, remove_argument
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


def removed(text: str, name: str, keep_comment: bool = True) -> str | None:
    file = SourceFile("m.py", text)
    call = first_call(file)
    arg = next(a for a in call.args if a.keyword is not None and a.keyword.value == name)
    edit = remove_argument(file, call, arg, keep_comment)
    return None if edit is None else apply_edits(text, [edit])


def test_removing_an_argument_sharing_its_line_takes_its_comma() -> None:
    assert removed('f("x", a=1, b=2)\n', "a") == 'f("x", b=2)\n'
    assert removed('f("x", a=1, b=2)\n', "b") == 'f("x", a=1)\n'
    assert removed('f("x", a=1,)\n', "a") == 'f("x",)\n'
    assert removed("f(a=1, b=2)\n", "a") == "f(b=2)\n"
    assert removed("f(a=[\n    1,  # one\n])\n", "a") == "f()\n"  # its value's own comments go with it
    assert removed('f("x",\n  a=1)\n', "a") == 'f("x")\n'


def test_removing_an_argument_on_its_own_line_takes_the_line_and_keeps_its_comment() -> None:
    text = 'f(\n    "x",\n    a=[\n        1,\n    ],  # why a\n    b=2,\n)\n'
    assert removed(text, "a") == 'f(\n    "x",\n    # why a\n    b=2,\n)\n'
    assert removed(text, "a", keep_comment=False) == 'f(\n    "x",\n    b=2,\n)\n'
    assert removed('f(\n    "x",\n    a=1\n)\n', "a") == 'f(\n    "x",\n)\n'


def test_no_removal_that_would_lose_a_comment_between_arguments() -> None:
    assert removed('f("x",  # the name\n  a=1, b=2)\n', "a") is None
    assert removed('f(a=1,  # one\n  b=2)\n', "a") is None


def test_the_comment_of_an_argument_on_its_own_line() -> None:
    file = SourceFile("m.py", 'f(\n    "x",\n    a=1,  # why a\n    b=2, c=3,  # b and c\n)\n')
    args = {arg.keyword.value: arg for arg in first_call(file).args if arg.keyword is not None}
    assert own_line_comment(file, args["a"]) == "# why a"
    assert own_line_comment(file, args["b"]) == ""  # shares its line
    assert own_line_comment(file, args["c"]) == ""
