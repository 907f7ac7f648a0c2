"""Source → resource graph: the static analyzer's extraction pipeline.

Phase 1 (per file, cacheable by content; ``phase1.summarize``):
``source`` decodes the bytes and lets CPython's parser judge the syntax
(SG000); ``positions`` (or ``newer_syntax``, from tokens) measures the
nesting so a file past ``limits`` never reaches libcst; ``cst_statements`` and
``cst_expressions`` walk the libcst tree once, turning statements into the
symbolic expressions of ``ir`` with names tied to their scope (``flow``
handles branches); ``positions`` takes the spans findings point at from the
``ast`` tree; ``ast_constants`` records the module-level names of files that
never mention pulumi, without libcst. The result is a ``summary.FileSummary``.

Phase 2 (per project; ``graph_builder.build``): ``linker`` resolves imports
of sibling modules; ``evaluate`` (with ``runs``, ``calls``, ``operators``,
which share the state ``evaluator_state`` declares)
evaluates expressions, running each function call, component instance and
loop iteration in its own ``contexts.Context``; ``known_calls`` knows the
SDK's and standard library's calls, ``options`` models ResourceOptions,
``components`` finds ComponentResource subclasses across modules, and
``naming`` maps SDK names to type tokens and camelCase props.

Only the phase-1 libcst modules import libcst, so a run served entirely
from the cache never loads it.
"""
