"""What the analyzer knows about Pulumi provider SDKs: which classes are resources
(and of which type), and which arguments each resource's constructor takes.

Every Pulumi Python provider SDK is generated from its provider's schema and
declares its resources in its top-level ``__init__.py``
(``_utilities.register(resource_modules=...)``: per Python module, type token →
class name); each resource class's ``_internal_init`` lists the keyword
arguments the constructor accepts (anything else is a ``TypeError`` before the
engine sees the resource), and its ``*Args`` class marks deprecated ones.

- ``sdk_reader``: reads those facts from SDK source text with ``ast`` (never
  imports the SDK), bounded in size;
- ``index_builder``: turns an SDK tree (an installed package or a wheel) into
  one package's index entry; ``scripts/generate_provider_index.py`` runs it
  over provider wheels and writes ``data/``;
- ``shipped_index``: loads that compact, generated index lazily, one provider
  package at a time;
- ``schema``: the facts' model (arguments, their kinds, deprecations,
  removals per provider major).

The analyzer combines the installed SDK, the shipped index and (for unknown
packages only) a naming heuristic in ``analyzers.providers``.
"""
