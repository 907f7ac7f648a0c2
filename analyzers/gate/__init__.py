"""``stackguard check``: the CI gate.

One command merges both detectors and decides pass or fail:

- the static analyzer runs on the project (``analyzers.runner``);
- runtime violations come from ``pulumi preview --policy-pack`` (``preview``)
  or a results file written earlier by the pack (``runtime_results``), and
  are pointed at the line that creates each resource (``source_map``);
- a finding both detectors report is one finding (``merge``);
- a baseline (``baseline``) and ``--diff-base`` (``changed_lines``) decide
  which findings are new; several reports are written in one run (``reports``,
  ``summary``).

Exit codes: 0 pass, 1 gate failed, 2 tool error. Everything read here (the
repository, baseline and results files, the engine's output) is untrusted:
it is validated with one-line errors and escaped in every report.
"""
