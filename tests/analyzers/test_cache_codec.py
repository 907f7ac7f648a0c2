"""The cache's summary format (``analyzers.cache_codec``): what a cached run reads back
is what phase 1 made, and a function's bindings are decoded only when read."""

from __future__ import annotations

import textwrap
from dataclasses import fields
from functools import partial

import msgpack
import pytest

from analyzers import cache_codec
from analyzers.extract import ir
from analyzers.extract.graph_builder import build
from analyzers.extract.summary import FileSummary, FunctionInfo, LoopInfo
from analyzers.findings_codec import DecodeError, EncodeError, unpack
from analyzers.lazy_bindings import LazyBindings, LazyFunctions, LazyLoops, Unit
from analyzers.project import analyze, dump_summary, load_summary, summarize_file
from tests.support.examples import example_programs

BUCKETS = "aws:s3/bucket:Bucket"
EXAMPLES = example_programs()

HELPERS = '''
import pulumi_aws as aws

def unused(items, limit=3):
    total = 0
    for position, item in enumerate(items):
        if position >= limit:
            break
        total += item
    return {"total": total, "name": f"helper-{total}"}

def names(prefix):
    first = f"{prefix}-a"
    second = f"{prefix}-b"
    third = f"{prefix}-c"
    both = [first, second, third]
    return both

for name in names("logs"):
    aws.s3.Bucket(name)
'''


def unpack_node(hook: object, node: list[object]) -> object:
    return unpack(msgpack.packb(node, use_bin_type=True), hook)


def _round_trip(code: str, path: str = "__main__.py") -> tuple[FileSummary, FileSummary]:
    made = summarize_file(path, textwrap.dedent(code).encode())
    return made, load_summary(dump_summary(made))


def test_a_function_s_bindings_are_decoded_when_first_read() -> None:
    made, cached = _round_trip(HELPERS)
    bindings = cached.bindings
    assert isinstance(bindings, LazyBindings)
    units = cache_codec.lazy_parts(made).units
    assert {made.binding_owners[start] for start, _ in units} == {"unused", "names"}
    assert bindings.encoded() == sum(end - start for start, end in units)
    first_of_names = made.binding_owners.index("names")
    assert bindings[first_of_names] == made.bindings[first_of_names]
    still = bindings.encoded()
    assert 0 < still < len(bindings)  # the unused helper is still encoded
    assert cached == made  # reading all of them gives what phase 1 made


def test_what_a_function_returns_and_its_loops_iterate_over_are_decoded_with_its_bindings() -> None:
    """Most functions of a large project never run: their return values and their loops'
    iterables are their own bindings, still encoded until phase 2 reads one of them."""
    made, cached = _round_trip(HELPERS)
    unused = cached.functions["unused"]
    loop = next(loop for loop in cached.loops.values() if loop.owner == "unused")
    stored = [path.value for path in unused.returns if path.value is not None] + [loop.iterable]
    assert len(stored) == 2 and all(isinstance(value, ir.Binding) for value in stored)
    assert {made.binding_owners[value.index] for value in stored if isinstance(value, ir.Binding)} == {"unused"}
    bindings = cached.bindings
    assert isinstance(bindings, LazyBindings)
    before = bindings.encoded()
    returned = made.bindings[stored[0].index] if isinstance(stored[0], ir.Binding) else None
    assert isinstance(returned, ir.MapDisplay)
    assert bindings[stored[0].index] == returned and bindings.encoded() < before  # read: decoded
    assert analyze([cached]) == analyze([made])


def test_a_node_a_unit_shares_with_the_summary_is_the_same_object_after_decoding() -> None:
    # The loop's iterable (a project function's call, kept among the invocations) is
    # also part of the loop variable's binding, inside the unit of ``make``: decoded
    # twice it would be two calls, and phase 2 would run ``names`` twice.
    code = HELPERS + '''
def make():
    for name in names("data"):
        aws.s3.Bucket(name)
    a = 1
    b = 2
    c = 3
make()
'''
    made, cached = _round_trip(code)
    loop = next(info for qualname, info in cached.loops.items() if qualname.startswith("make."))
    assert isinstance(cached.bindings, LazyBindings)
    element = next(cached.bindings[index] for index, owner in enumerate(cached.binding_owners)
                   if owner == loop.qualname and isinstance(cached.bindings[index], ir.Element))
    assert isinstance(loop.iterable, ir.Binding)  # the loop's iterable: a binding of ``make``
    assert element.iterable is cached.bindings[loop.iterable.index]
    fresh = build([made], "test").graph
    again = build([load_summary(dump_summary(made))], "test").graph
    assert sorted(r.name for r in again if r.type == BUCKETS) == sorted(r.name for r in fresh if r.type == BUCKETS)
    assert sorted(r.name for r in again if r.type == BUCKETS) == [
        "data-a", "data-b", "data-c", "logs-a", "logs-b", "logs-c"]


def test_units_that_share_a_node_are_written_inline() -> None:
    shared = ir.Call(ir.Global("make"), (), ())
    def info(name: str) -> FunctionInfo:
        return FunctionInfo(name, "", None, (), None, (), None, {}, (), frozenset())
    summary = FileSummary(
        "m.py",
        bindings=(shared, ir.Lit(1), ir.Lit(2), ir.Lit(3), ir.Seq("list", (shared,)), ir.Lit(4), ir.Lit(5), ir.Lit(6)),
        binding_owners=("f",) * 4 + ("g",) * 4,
        functions={"f": info("f"), "g": info("g")},
    )
    assert cache_codec.lazy_parts(summary).units == []
    decoded = load_summary(dump_summary(summary))
    assert not isinstance(decoded.bindings, LazyBindings)
    assert decoded.bindings[4].items[0] is decoded.bindings[0]
    alone = FileSummary("m.py", bindings=summary.bindings[:4] + (ir.Lit(0),) * 4,
                        binding_owners=summary.binding_owners, functions=summary.functions)
    assert cache_codec.lazy_parts(alone).units == [(0, 4), (4, 8)]


def test_tuple_fields_are_written_inline_and_a_malformed_count_does_not_decode() -> None:
    seq, lit = cache_codec._TAG[ir.Seq], cache_codec._TAG[ir.Lit]
    decode = partial(unpack_node, cache_codec._Decoder().hook)
    assert decode([seq, "list", 2, [lit, 1], [lit, 2]]) == ir.Seq("list", (ir.Lit(1), ir.Lit(2)))
    assert decode([seq, "list", 0]) == ir.Seq("list", ())
    for malformed in ([seq, "list", 3, 1], [seq, "list", -1], [seq, "list", "2", 1, 2], [seq, "list", 1, 1, 2],
                      [seq, "list"], [seq, "list", 1.0, 1]):
        with pytest.raises(DecodeError):
            decode(malformed)
    call = cache_codec._Encoder(set()).encode(ir.Call(ir.Global("f"), (ir.Lit(1),), (("a", ir.Lit(2)),)))
    # each tuple its length, then its items (a pair's two items): no array of its own
    assert call[2:] == [1, [lit, 1], 1, "a", [lit, 2], None, 0]
    with pytest.raises(EncodeError):
        dump_summary(FileSummary("m.py", calls=[]))  # type: ignore[arg-type]  # a list where a tuple belongs


def test_a_unit_that_does_not_decode_reads_as_unknown_values() -> None:
    # Entries are authenticated, so this is a defect, never an attack: the values are
    # unknown (the analyzer says nothing about them), never wrong, and nothing raises.
    not_msgpack = LazyBindings([ir.Lit(1), Unit(2, b"\xc1")], partial(cache_codec._load_unit, []))
    assert list(not_msgpack) == [ir.Lit(1), ir.Opaque(), ir.Opaque()]
    too_few = LazyBindings([Unit(2, b"")], lambda data: (ir.Lit(1),))
    assert list(too_few) == [ir.Opaque(), ir.Opaque()]


@pytest.mark.parametrize(("label", "code"), EXAMPLES, ids=[label for label, _ in EXAMPLES])
def test_a_cached_summary_gives_the_findings_of_a_fresh_one(label: str, code: str) -> None:
    made, cached = _round_trip(code)
    assert cached == made
    assert analyze([load_summary(dump_summary(made))], {}) == analyze([made], {})


FUNCTIONS = '''
import pulumi_aws as aws

def bucket(name, versioned=False):
    return aws.s3.Bucket(name, versioning={"enabled": versioned})

def tag(name, team="platform"):
    return {"Name": name, "Team": team}

def unused(items):
    return [item for item in items if item]

def also_unused(limit=3):
    return limit * 2

class Store:
    def open(self):
        return 1

def outer():
    def inner():
        return 2
    return inner()

made = bucket("logs", versioned=True)
'''


def test_module_level_functions_are_decoded_when_first_read_and_their_names_without_it() -> None:
    made, cached = _round_trip(FUNCTIONS)
    functions = cached.functions
    assert isinstance(functions, LazyFunctions)
    assert cache_codec.lazy_parts(made).functions == ("bucket", "tag", "unused", "also_unused", "outer")
    assert list(functions) == list(made.functions)  # names, in definition order: nothing decoded
    assert functions.module_level("unused") and functions.module_level("outer")
    assert functions.module_level("Store.open") is None and functions.module_level("outer.inner") is None
    assert functions["Store.open"] == made.functions["Store.open"]  # methods and nested: not in the unit
    assert functions.module_level("tag")  # ... so reading them decodes nothing
    assert functions["tag"] == made.functions["tag"]
    assert functions.module_level("unused") is None  # one read decodes the module-level ones
    assert cached == made


def test_phase_2_decodes_no_module_level_function_it_does_not_run() -> None:
    helpers = '''
import pulumi

def unused(items):
    return [item for item in items if item]

def also_unused(limit=3):
    return limit * 2

def spare(value):
    return value

def last(value="x"):
    return value
'''
    made, cached = _round_trip(helpers, "helpers.py")
    main = summarize_file("__main__.py", textwrap.dedent(FUNCTIONS).encode())
    assert isinstance(cached.functions, LazyFunctions)
    found = analyze([load_summary(dump_summary(main)), cached])
    assert cached.functions.module_level("unused")  # the generic pass told them apart by name
    assert found == analyze([main, made])
    main_cached = load_summary(dump_summary(main))
    graph = build([main_cached], "test").graph
    assert [r.name for r in graph if r.type == BUCKETS] == ["logs"]  # ``bucket`` ran: decoded
    assert isinstance(main_cached.functions, LazyFunctions) and main_cached.functions.module_level("unused") is None


def test_a_call_a_module_level_function_shares_with_the_summary_is_the_same_object_after_decoding() -> None:
    # ``names(flag)`` is both a branch test of ``pick``'s return paths (in the unit) and an
    # invocation of ``pick`` (outside it): decoded twice it would be two calls, run twice.
    code = FUNCTIONS + '''
def names(prefix):
    aws.s3.Bucket(f"{prefix}-a")
    return prefix

def pick(flag):
    if names(flag):
        return 1
    return 2

pick("data")
'''
    made, cached = _round_trip(code)
    assert isinstance(cached.functions, LazyFunctions) and "pick" in cache_codec.lazy_parts(made).functions
    test = cached.functions["pick"].returns[0].guards[0][0]
    assert any(call is test for owner, call in cached.invocations if owner == "pick")
    assert analyze([load_summary(dump_summary(made))]) == analyze([made])


def test_module_level_functions_sharing_a_node_with_a_unit_of_bindings_are_written_inline() -> None:
    shared = ir.Call(ir.Global("make"), (), ())
    def info(name: str, default: ir.Expr | None = None) -> FunctionInfo:
        return FunctionInfo(name, "", None, (), None, (), None, {"x": default} if default else {}, (), frozenset())
    functions = {name: info(name) for name in "abcd"}
    bindings = (shared, ir.Lit(1), ir.Lit(2), ir.Lit(3))
    summary = FileSummary("m.py", bindings=bindings, binding_owners=("f",) * 4,
                          functions={**functions, "f": info("f", shared)})
    assert cache_codec.lazy_parts(summary) == ([], (), False)
    decoded = load_summary(dump_summary(summary))
    assert not isinstance(decoded.functions, LazyFunctions)
    assert decoded.functions["f"].defaults["x"] is decoded.bindings[0]
    apart = FileSummary("m.py", bindings=bindings, binding_owners=("f",) * 4, functions={**functions, "f": info("f")})
    assert cache_codec.lazy_parts(apart) == ([(0, 4)], (*"abcd", "f"), False)


def test_functions_that_do_not_decode_take_any_arguments_and_return_unknown_values() -> None:
    # As for bindings: a defect, never an attack (entries are authenticated).
    functions = LazyFunctions({"f": None, "g": None}, partial(cache_codec._load_unit, [], b"\xc1"))
    assert list(functions) == ["f", "g"]
    unknown = functions["g"]
    assert unknown.vararg and unknown.kwarg and [path.value for path in unknown.returns] == [ir.Opaque()]
    assert functions.module_level("f") is None and list(functions) == ["f", "g"]


LOOPS = '''
import pulumi_aws as aws

def total(items):
    found = 0
    for item in items:
        found += item
    return found

def count(items):
    found = 0
    for item in items:
        found += 1
    return found

def last(items):
    found = None
    for item in items:
        found = item
    return found

prefix = "logs"
for suffix in ["a", "b", "c"]:
    prefix = prefix + "-" + suffix
    aws.s3.Bucket(prefix)
'''


def test_loops_are_decoded_when_first_read_and_their_owners_and_carried_values_without_it() -> None:
    made, cached = _round_trip(LOOPS)
    loops = cached.loops
    assert isinstance(loops, LazyLoops) and cache_codec.lazy_parts(made).loops
    assert dict(loops.owners()) == {name: loop.owner for name, loop in made.loops.items()}
    carried: dict[int, tuple[str, ...]] = {}
    for name, loop in made.loops.items():
        for index, _ in loop.carried:
            carried[index] = (*carried.get(index, ()), name)
    assert loops.carried_by() == carried and len(carried) == 4 and list(loops) == list(made.loops)
    assert not loops.decoded() and loops.get("total") is None and "total" not in loops
    graph = build([cached], "test").graph
    # Each iteration reads what the one before left in ``prefix``: read through the decoded loop.
    assert [r.name for r in graph if r.type == BUCKETS] == ["logs-a", "logs-a-b", "logs-a-b-c"]
    assert loops.decoded() and cached == made


def test_phase_2_decodes_no_loop_of_a_module_whose_functions_it_does_not_run() -> None:
    helpers = LOOPS.split("prefix = ", 1)[0] + 'PREFIX = "logs"\n\ndef spare(items):\n    for item in items:\n' \
        '        yield item\n'
    made, cached = _round_trip(helpers, "helpers.py")
    main = summarize_file("__main__.py", b"import pulumi_aws as aws\nfrom helpers import PREFIX\n"
                                         b"aws.s3.Bucket(PREFIX)\n")
    assert isinstance(cached.loops, LazyLoops)
    found = analyze([main, cached])
    assert not cached.loops.decoded()
    assert found == analyze([main, made])
    assert [r.name for r in build([main, cached], "test").graph if r.type == BUCKETS] == ["logs"]


def test_loops_sharing_a_node_with_a_unit_of_bindings_are_written_inline() -> None:
    shared = ir.Call(ir.Global("make"), (), ())
    bindings = (shared, ir.Lit(1), ir.Lit(2), ir.Lit(3))
    loops = {f"f.<for{n}>": LoopInfo(f"f.<for{n}>", "f", ir.Binding(0)) for n in range(3)}
    summary = FileSummary("m.py", bindings=bindings, binding_owners=("f",) * 4,
                          loops={**loops, "<for0>": LoopInfo("<for0>", "", shared, ((1, ir.Binding(2)),))})
    assert cache_codec.lazy_parts(summary) == ([], (), False)
    decoded = load_summary(dump_summary(summary))
    assert not isinstance(decoded.loops, LazyLoops)
    assert decoded.loops["<for0>"].iterable is decoded.bindings[0]
    apart = FileSummary("m.py", bindings=bindings, binding_owners=("f",) * 4,
                        loops={**loops, "<for0>": LoopInfo("<for0>", "", ir.Binding(3), ((1, ir.Binding(2)),))})
    assert cache_codec.lazy_parts(apart) == ([(0, 4)], (), True)
    assert load_summary(dump_summary(apart)) == apart


def test_loops_that_do_not_decode_iterate_over_unknown_values() -> None:
    # As for bindings: a defect, never an attack (entries are authenticated).
    header = ({"<for0>": "", "f.<for0>": "f"}, {3: ("<for0>",)})
    for unit in (b"\xc1", msgpack.packb({}), dump_loops({"<for0>": LoopInfo("<for0>", "g", ir.Lit(1)),
                                                       "f.<for0>": LoopInfo("f.<for0>", "f", ir.Lit(2))})):
        loops = LazyLoops(*header, partial(cache_codec._load_unit, [], unit))
        assert loops["<for0>"] == LoopInfo("<for0>", "", ir.Opaque(), ((3, ir.Opaque()),))
        assert loops["f.<for0>"] == LoopInfo("f.<for0>", "f", ir.Opaque())
    # a carried value of another shape (here a map where a binding's index belongs)
    loop, lit = cache_codec._TAG[LoopInfo], cache_codec._TAG[ir.Lit]
    odd = msgpack.packb({"<for0>": [loop, "<for0>", "", [lit, 1], 1, {"a": 1}, [lit, 2]],
                         "f.<for0>": [loop, "f.<for0>", "f", [lit, 2], 0]}, use_bin_type=True)
    assert LazyLoops(*header, partial(cache_codec._load_unit, [], odd))["<for0>"].iterable == ir.Opaque()
    good = dump_loops({"<for0>": LoopInfo("<for0>", "", ir.Lit(1), ((3, ir.Binding(4)),)),
                       "f.<for0>": LoopInfo("f.<for0>", "f", ir.Lit(2))})
    assert LazyLoops(*header, partial(cache_codec._load_unit, [], good))["<for0>"].iterable == ir.Lit(1)


def test_a_unit_may_not_count_more_bindings_than_it_has_bytes() -> None:
    # Each binding takes a byte at least: a larger count would only make a reader allocate.
    lazy = cache_codec._LAZY
    decode = partial(unpack_node, cache_codec._Decoder().hook)
    assert isinstance(decode([lazy, 2, b"ab"]), Unit)
    for malformed in ([lazy, 3, b"ab"], [lazy, 10**12, b"ab"], [lazy, 0, b"ab"]):
        with pytest.raises(DecodeError):
            decode(malformed)


def test_a_malformed_header_of_loops_does_not_decode() -> None:
    tag = cache_codec._LOOPS
    decode = partial(unpack_node, cache_codec._Decoder().hook)
    loops = decode([tag, {"a": "", "b": "f"}, b"", "a", 2, "b", 2])
    assert isinstance(loops, LazyLoops) and loops.carried_by() == {2: ("a", "b")} and dict(loops.owners())["b"] == "f"
    for malformed in ([tag, {"a": ""}, b"", "b", 1], [tag, {"a": ""}, b"", "a"], [tag, {"a": ""}, b"", "a", -1],
                      [tag, {"a": ""}, b"", "a", "1"], [tag, {"a": 1}, b""], [tag, {"a": ""}, "x"], [tag, ["a"], b""],
                      [tag, {"a": ""}]):
        with pytest.raises(DecodeError):
            decode(malformed)


def dump_loops(loops: dict[str, LoopInfo]) -> bytes:
    return msgpack.packb(cache_codec._Encoder(set()).encode(loops), use_bin_type=True)


def test_a_summary_whose_parts_are_of_another_kind_does_not_decode() -> None:
    # Entries are authenticated; should one hold a summary of another shape all the same,
    # it is a miss (parsed again), never a phase 2 that fails on it.
    assert set(cache_codec._SUMMARY_PARTS) == {field.name for field in fields(FileSummary)}
    made, _ = _round_trip(LOOPS)
    tree = msgpack.unpackb(dump_summary(made), raw=False, strict_map_key=True)
    tag = cache_codec._TAG[FileSummary]
    places, at = {}, 1
    for name, shape in zip(cache_codec._FIELDS[tag], cache_codec._SHAPES[tag], strict=True):
        places[name] = at  # a tuple field is its length, then its items (each pair's two)
        at += 1 if shape == cache_codec._ONE else 1 + tree[at] * (2 if shape == cache_codec._PAIRS else 1)
    for name, odd in (("functions", 7), ("loops", None), ("globals", [cache_codec._TUPLE]), ("path", 1)):
        changed = list(tree)
        changed[places[name]] = odd
        with pytest.raises(DecodeError):
            load_summary(msgpack.packb(changed, use_bin_type=True))
    assert load_summary(msgpack.packb(tree, use_bin_type=True)) == made
