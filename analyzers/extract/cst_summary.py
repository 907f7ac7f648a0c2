"""Phase 1 for a Pulumi file: one libcst parse, one walk, spans from the ast tree."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from analyzers.extract.cst_statements import StatementWalker
from analyzers.extract.inert import effectful_invocations
from analyzers.extract.limits import MAX_NESTING, TooDeep
from analyzers.extract.positions import AstSpans, cst_spans
from analyzers.extract.summary import CallSite, ClassInfo, FileSummary, ParseProblem, Span


def summarize_pulumi_file(path: str, text: str, spans: AstSpans) -> FileSummary:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = error.message.splitlines()[0][:200] if error.message else "invalid syntax"
        return FileSummary(path, problems=(ParseProblem(error.raw_line, error.raw_column + 1, message),))
    except Exception as error:  # CSTValidationError and friends: libcst rejects what CPython accepts
        return FileSummary(path, problems=(ParseProblem(1, 1, f"cannot parse: {error}".splitlines()[0]),))
    walker = StatementWalker()
    walker.walk_module(module)
    call_spans, class_spans = _spans(module, walker, spans)
    calls = []
    for pending, span in zip(walker.pending_calls, call_spans, strict=True):
        calls.append(CallSite(
            call=pending.call, span=span, owner=pending.owner, class_name=pending.class_name,
            method=pending.method))
    classes = {}
    for (qualname, builder), span in zip(walker.classes.items(), class_spans, strict=True):
        classes[qualname] = ClassInfo(
            qualname=qualname,
            name=builder.name,
            span=span,
            bases=builder.bases,
            methods=dict(builder.methods),
            self_attrs=builder.self_attrs(),
            class_attrs=dict(builder.class_attrs),
            init_params=builder.init_params,
            type_tokens=tuple(walker.type_tokens.get(qualname, ())),
            fields=tuple(builder.fields),
        )
    summary = FileSummary(
        path=path,
        bindings=tuple(walker.bindings),
        binding_owners=tuple(walker.binding_owners),
        globals=dict(walker.scopes[0].env),
        star_imports=tuple(walker.star_imports),
        calls=tuple(calls),
        classes=classes,
        functions=walker.functions,
        loops=walker.loops,
        invocations=tuple(walker.invocations),
        pulumi=True,
    )
    # Only the invocations that may run project code are kept: phase 2 runs no other for
    # its effects, and judging them here (once per file, cached with the summary) spares
    # every later run the judging and the decoding.
    return replace(summary, invocations=effectful_invocations(summary))


def _spans(module: cst.Module, walker: StatementWalker, spans: AstSpans) -> tuple[list[Span], list[Span]]:
    """Spans of the recorded calls and classes: from ast when the walk agrees with it."""
    consistent = all(
        spans.call_count(pending.dotted) == walker.call_occurrences.get(pending.dotted, 0)
        for pending in walker.pending_calls
    ) and all(
        spans.class_count(builder.name) == walker.class_occurrences.get(builder.name, 0)
        for builder in walker.classes.values()
    )
    if consistent:
        return (
            [spans.call(p.dotted, p.occurrence) for p in walker.pending_calls],
            [spans.class_name(b.name, b.occurrence) for b in walker.classes.values()],
        )
    if walker.longest_concatenation > MAX_NESTING:  # libcst's code generation would recurse that deep
        raise TooDeep(f"more than {MAX_NESTING} adjacent string literals in one expression")
    nodes = [p.node for p in walker.pending_calls] + [b.node.name for b in walker.classes.values()]
    found = cst_spans(module, nodes)
    return found[: len(walker.pending_calls)], found[len(walker.pending_calls):]
