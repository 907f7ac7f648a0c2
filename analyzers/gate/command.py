"""``stackguard check [PATH]``: the CI gate's command line (see ``analyzers.gate``).

    stackguard check .                                   static analysis only
    stackguard check infra --preview --stack dev         + pulumi preview with the policy pack
    stackguard check infra --runtime-results r.json      + results the pack wrote earlier
        --report sarif:out.sarif --report github --report markdown:$GITHUB_STEP_SUMMARY
        --baseline .stackguard-baseline.json [--update-baseline] | --write-baseline FILE
        --diff-base origin/main

Exit codes: 0 pass, 1 gate failed (a new finding at or above --fail-on), 2 tool error.
"""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzers import command_line
from analyzers.gate.errors import GateError

if TYPE_CHECKING:
    import tempfile  # the gate's workspace; loaded by the command only, not by the CLI's start-up


def add_parser(commands: Any, parser_class: type) -> None:
    from analyzers.reporters import FORMATS

    check = commands.add_parser(
        "check",
        help="the CI gate: static analysis and policy-pack results, baseline, reports, pass/fail",
        description=(
            "The CI gate. Runs the static analyzer and, with --preview, `pulumi preview --policy-pack` with "
            "stackguard's pack (or reads --runtime-results written earlier), points runtime violations at the "
            "lines that create the resources, and merges both into one result. Exit codes: 0 pass, 1 gate "
            "failed, 2 tool error."
        ),
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="the Pulumi project (default: .)")
    runtime = check.add_argument_group("runtime results")
    runtime.add_argument("--preview", action="store_true",
                         help="run `pulumi preview --policy-pack <stackguard's pack>` in the project")
    runtime.add_argument("--stack", metavar="NAME", help="the stack to preview (default: the selected one)")
    runtime.add_argument("--policy-pack", metavar="DIR", help="the pack directory (default: this stackguard's)")
    runtime.add_argument("--policy-pack-config", metavar="FILE", help="passed on to pulumi preview")
    runtime.add_argument("--preview-timeout", type=float, default=1800.0, metavar="SECONDS",
                         help="give up on a preview that has not finished (default: 1800)")
    runtime.add_argument("--runtime-results", metavar="FILE",
                         help="violations the pack wrote earlier (STACKGUARD_RESULTS=FILE pulumi preview ...)")
    output = check.add_argument_group("reports")
    output.add_argument("--report", action="append", default=[], metavar="FORMAT[:FILE]",
                        help=f"a report; repeatable. FORMAT: {', '.join(FORMATS)}; no FILE: stdout "
                             "(default: text to stdout)")
    output.add_argument("--format", choices=FORMATS, help="the one report's format (like --report FORMAT)")
    output.add_argument("-o", "--output", metavar="FILE", help="with --format: write it to FILE")
    output.add_argument("-q", "--quiet", action="store_true", help="text: no summary lines")
    adoption = check.add_argument_group("adoption")
    adoption.add_argument("--baseline", metavar="FILE", help="report only findings that are not in FILE")
    adoption.add_argument("--update-baseline", action="store_true",
                          help="with --baseline: lower its counts to today's (never adds findings)")
    adoption.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE")
    adoption.add_argument("--diff-base", metavar="REF",
                          help="report only findings on lines changed since the git REF")
    gate = check.add_argument_group("analysis")
    gate.add_argument("--fail-on", choices=("error", "warning", "info"),
                      help="lowest severity of a new finding that fails the gate (default: warning)")
    gate.add_argument("--exit-zero", action="store_true", help="exit 0 even when the gate fails")
    gate.add_argument("--select", action="append", default=[], metavar="RULES", help="rules to run")
    gate.add_argument("--extend-select", action="append", default=[], metavar="RULES", help="rules to add")
    gate.add_argument("--ignore", action="append", default=[], metavar="RULES", help="rules to skip")
    gate.add_argument("--option", action="append", default=[], metavar="RULE.KEY=VALUE", help="a rule option")
    gate.add_argument("--config", metavar="FILE", help="settings file (default: the nearest pyproject.toml "
                      "with a [tool.stackguard] table)")
    gate.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    gate.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    gate.add_argument("--cache-dir", metavar="DIR", help="cache directory (env: STACKGUARD_CACHE_DIR)")
    gate.add_argument("--force-exclude", action="store_true", help="apply exclude globs to explicit files too")
    gate.add_argument("--jobs", type=int, metavar="N", help="parser processes (default: one per CPU)")


def _report_specs(args: argparse.Namespace) -> list[Any]:
    from analyzers.gate import reports

    texts = list(args.report)
    if args.output and not args.format:
        raise GateError("-o/--output needs --format (or use --report FORMAT:FILE)")
    if args.format:
        texts.append(f"{args.format}:{args.output}" if args.output else args.format)
    specs = [reports.parse_spec(text) for text in texts] or [reports.ReportSpec("text", reports.STDOUT)]
    reports.check_specs(specs)
    return specs


def _check_combinations(args: argparse.Namespace) -> None:
    if args.preview and args.runtime_results:
        raise GateError("--preview and --runtime-results are alternatives: give one")
    for flag, value in (("--stack", args.stack), ("--policy-pack", args.policy_pack),
                        ("--policy-pack-config", args.policy_pack_config)):
        if value and not args.preview:
            raise GateError(f"{flag} needs --preview")
    if args.update_baseline and not args.baseline:
        raise GateError("--update-baseline needs --baseline FILE")
    if args.update_baseline and args.write_baseline:
        raise GateError("--update-baseline and --write-baseline are alternatives: give one")
    if args.jobs is not None and args.jobs < 1:
        raise GateError("--jobs must be at least 1")
    if args.preview_timeout <= 0:
        raise GateError("--preview-timeout must be positive")


def preview_project(paths: Sequence[Path]) -> Path:
    """The Pulumi project to preview: the directory with Pulumi.yaml at or above the path."""
    from analyzers.discovery import PROJECT_FILES

    if len(paths) != 1:
        raise GateError("--preview takes one path: the Pulumi project directory")
    start = paths[0].absolute()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if any((candidate / name).is_file() for name in PROJECT_FILES):
            return candidate
        if (candidate / ".git").exists():
            break
    raise GateError(f"--preview: no Pulumi.yaml at or above {paths[0]} (give the Pulumi project directory)")


def run(args: argparse.Namespace) -> int:
    _check_combinations(args)
    specs = _report_specs(args)
    paths = [Path(path) for path in (args.paths or ["."])]
    for path in paths:
        if not path.exists():
            raise GateError(f"path not found: {path}")
    with _workspace() as work:
        return _run(args, specs, paths, Path(work))


def _workspace() -> tempfile.TemporaryDirectory[str]:
    from analyzers.gate.preview import temporary_workspace

    return temporary_workspace()


def _run(args: argparse.Namespace, specs: list[Any], paths: list[Path], work: Path) -> int:
    from analyzers import runner
    from analyzers.config import parse_level
    from analyzers.discovery import PathNotFound
    from analyzers.gate import baseline, gate_report, reports, runtime_results
    from analyzers.gate.merge import merge
    from analyzers.gate.runtime_link import RuntimeLink
    from analyzers.selection import SelectionLayer, resolve, split_selectors

    cwd = Path.cwd()
    source_root = command_line.source_root(cwd)
    config = command_line.load_config_for(args, paths[0])
    select = split_selectors(args.select)
    selection = SelectionLayer(
        select=command_line.check_selectors("--select", select) if select else None,
        extend_select=command_line.check_selectors("--extend-select", split_selectors(args.extend_select)),
        ignore=command_line.check_selectors("--ignore", split_selectors(args.ignore)),
    )
    cli_options: dict[str, dict[str, Any]] = {}
    for text in args.option:
        code, name, value = command_line.parse_option(text)
        cli_options.setdefault(code, {})[name] = value
    fail_on = (parse_level(args.fail_on, "--fail-on") if args.fail_on
               else config.fail_on or command_line.DEFAULT_FAIL_ON)
    unsuppressible: set[str] = set()
    for selector in config.unsuppressible:
        unsuppressible |= resolve(selector)[0]

    link = None
    if args.preview or args.runtime_results:
        results_file, source = _runtime_results_file(args, paths, work)
        loaded = runtime_results.load(results_file, args.runtime_results or "from pulumi preview")
        for note in loaded.notes:
            command_line.fail(f"warning: {note}")
        link = RuntimeLink(loaded.violations, source, cwd)

    options = runner.RunOptions(
        paths=paths, config=config, cli_selection=selection, cli_options=cli_options,
        use_cache=not args.no_cache, cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        force_exclude=args.force_exclude, jobs=args.jobs,
        extra_findings=link.findings if link is not None else None,
        left_for_exit=command_line.LEFT_FOR_EXIT,
    )
    command_line.LEFT_FOR_EXIT.clear()
    gc.set_threshold(50_000, 20, 100)  # as in lint: fewer collector passes over the syntax trees
    try:
        result = runner.run(options, cwd=cwd)
    except PathNotFound as missing:
        raise GateError(f"path not found: {missing}") from None
    for note in result.notes:
        command_line.fail(f"warning: {note}")

    findings = merge(result.findings)
    scopes = baseline.Scopes(cwd)
    keys = [baseline.key_of(f, _repo_path(cwd, source_root, f.path), scopes) for f in findings]
    findings = baseline.with_fingerprints(findings, keys)

    recorded: dict[baseline.Key, int] | None = None
    baseline_label = None
    if args.write_baseline:
        recorded = baseline.entries_of(k for k in keys if k.code not in unsuppressible)
        baseline.write(Path(args.write_baseline), recorded, args.write_baseline)
        baseline_label = args.write_baseline
        command_line.fail(f"note: wrote {sum(recorded.values())} findings to the baseline {args.write_baseline}")
    elif args.baseline:
        recorded = baseline.load(Path(args.baseline), args.baseline)
        baseline_label = args.baseline
    if recorded is not None:
        decided = baseline.split(findings, keys, recorded, lambda code: code in unsuppressible)
        new, baselined, fixed = decided.new, decided.baselined, decided.fixed
        if args.update_baseline:
            baseline.write(Path(args.baseline), decided.current, args.baseline)
    else:
        new, baselined, fixed = findings, [], []

    outside_diff = 0
    if args.diff_base is not None:
        from analyzers.gate.changed_lines import changed_lines

        changed = changed_lines(source_root, args.diff_base)
        shown = [f for f in new if changed.touches(_repo_path(cwd, source_root, f.path), f.line, f.end_line)]
        outside_diff, new = len(new) - len(shown), shown

    report = gate_report.GateReport(
        findings=new, files=result.files, fail_on=fail_on, tool_version=runner.TOOL_VERSION, cwd=cwd,
        source_root=source_root, quiet=args.quiet, baselined=baselined, fixed=fixed,
        suppressed=result.suppressed, suppressed_with_reason=result.suppressed_with_reason,
        refused_suppressions=dict(result.refused_suppressions), outside_diff=outside_diff,
        diff_base=args.diff_base, baseline_file=baseline_label,
        runtime=link.summary() if link is not None else None,
    )
    reports.write(specs, report)
    if args.exit_zero:
        return 0
    return 0 if report.passed else 1


def _runtime_results_file(args: argparse.Namespace, paths: list[Path], work: Path) -> tuple[Path, str]:
    if args.runtime_results:
        return Path(args.runtime_results), f"results file {args.runtime_results}"
    from analyzers.gate import preview

    project = preview_project(paths)
    pack = Path(args.policy_pack).absolute() if args.policy_pack else None
    if pack is not None and not (pack / "PulumiPolicy.yaml").is_file():
        raise GateError(f"--policy-pack {args.policy_pack}: no PulumiPolicy.yaml there")
    policy_config = Path(args.policy_pack_config).absolute() if args.policy_pack_config else None
    if policy_config is not None and not policy_config.is_file():
        raise GateError(f"--policy-pack-config {args.policy_pack_config}: file not found")
    ran = preview.run_preview(project, work, stack=args.stack, pack=pack, policy_config=policy_config,
                              timeout=args.preview_timeout)
    preview.check_outcome(ran)
    stack = f" (stack {args.stack})" if args.stack else ""
    return ran.results_file, f"pulumi preview{stack}"


def _repo_path(cwd: Path, source_root: Path, path: str) -> str:
    absolute = Path(os.path.normpath(cwd / path))
    try:
        return absolute.relative_to(source_root).as_posix()
    except ValueError:
        return absolute.as_posix()
