"""Source → resource graph: the static analyzer's extraction pipeline.

Phase 1 (per file, cacheable by content): ``source`` decodes and guards the
input, ``cst_statements``/``cst_expressions`` turn a libcst tree into the
symbolic expressions of ``ir`` (imports, constants, resource calls, classes),
and ``ast_constants`` does the same cheaply for modules that never mention
pulumi. Phase 2 (per project): ``linker`` resolves names across modules,
``evaluate`` computes values and references, ``options`` models
``ResourceOptions``, ``components`` finds ComponentResource subclasses, and
``graph_builder`` assembles the neutral ``ResourceGraph`` the rules run on.

Only the phase-1 libcst modules import libcst, so a run served entirely from
the cache never loads it.
"""
