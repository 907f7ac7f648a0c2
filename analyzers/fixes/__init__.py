"""Automatic fixes: ``stackguard lint --fix`` / ``--diff`` / ``--unsafe-fixes``.

Each rule declares its fix (``Rule.autofix``: what it does and whether it is
safe); the codemods live here because they need the analyzer's graph and
libcst. The pieces:

- ``workspace`` / ``source``: from a finding to the libcst nodes behind it;
- ``origins``: where a value was written (the one interface to the analyzer's
  values), and how to respell it;
- ``rds``, ``components``, ``apigateway``: the codemods, as text edits at node
  offsets (formatting and comments outside an edit stay as they are);
- ``verify``: a fix is kept only if re-analysis shows the finding gone and
  nothing else changed; ``engine`` runs propose → verify → apply in rounds;
- ``writer`` (atomic, no symlinks, only unchanged files inside the project)
  and ``diff`` (``patch -p1``); ``command`` is the CLI glue.

Importing this package is cheap; libcst is loaded when a fix is computed.
"""
