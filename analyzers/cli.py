"""The ``stackguard`` command line.

    stackguard lint [PATH...]   analyze Pulumi programs (default: the current directory)
    stackguard check [PATH]     the CI gate: both detectors, baseline, reports (analyzers.gate)
    stackguard rules [RULE]     list the rule catalog, or print one rule's docs
    stackguard policy PATH      run the policy pack on a program under mocks (needs stackguard[pack])

Exit codes: 0 clean (or only findings below ``--fail-on``), 1 findings,
2 usage, configuration or internal error. Every error is one line on stderr,
never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from analyzers import cache_command, policy_command
from analyzers.command_line import (
    DEFAULT_FAIL_ON,
    LEFT_FOR_EXIT,
    PROG,
    UsageError,
    check_selectors,
    fail,
    load_config_for,
    parse_option,
    source_root,
)
from analyzers.config import ConfigError, parse_level
from analyzers.fixes import command as fix_command
from analyzers.gate import command as gate_command
from analyzers.gate.errors import GateError
from analyzers.selection import SelectionLayer, SelectorError, split_selectors


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _version() -> str:
    import policypack  # the runner's TOOL_VERSION, without loading the runner for --version

    return policypack.__version__


def build_parser() -> argparse.ArgumentParser:
    from analyzers.reporters import FORMATS

    parser = _Parser(
        prog=PROG,
        description="Static analysis for Pulumi stacks written in Python.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    lint = commands.add_parser(
        "lint",
        help="analyze Pulumi programs (static analysis only; `check` is the CI gate)",
        description=(
            "Analyze Pulumi programs. Files given explicitly are analyzed together with the rest of "
            "their Pulumi project (cross-file rules need it), but only their findings are shown."
        ),
    )
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    lint.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    lint.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    lint.add_argument(
        "--select", action="append", default=[], metavar="RULES",
        help="rules to run: codes, prefixes (SG2) or names, comma-separated; replaces the config's select",
    )
    lint.add_argument(
        "--extend-select", action="append", default=[], metavar="RULES", help="rules to add to the selection"
    )
    lint.add_argument("--ignore", action="append", default=[], metavar="RULES", help="rules to skip")
    lint.add_argument(
        "--fail-on", choices=("error", "warning", "info"),
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    lint.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    lint.add_argument(
        "--option", action="append", default=[], metavar="RULE.KEY=VALUE",
        help="a rule option, e.g. SG202.warnDays=90 (VALUE is JSON, or a plain string)",
    )
    lint.add_argument("--config", metavar="FILE", help="settings file (default: the nearest pyproject.toml "
                      "with a [tool.stackguard] table)")
    lint.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    lint.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    lint.add_argument("--cache-dir", metavar="DIR", help="cache directory (env: STACKGUARD_CACHE_DIR)")
    lint.add_argument(
        "--force-exclude", action="store_true", help="apply exclude globs to explicitly given files too"
    )
    lint.add_argument("--jobs", type=int, metavar="N", help="parser processes (default: one per CPU)")
    lint.add_argument("--statistics", action="store_true", help="show a count per rule instead of findings")
    lint.add_argument("-q", "--quiet", action="store_true", help="no summary line, only findings")
    lint.add_argument("-v", "--verbose", action="store_true",
                      help="say where the provider facts came from (installed SDK, shipped index, heuristic)")
    fix_command.add_arguments(lint)

    rules = commands.add_parser(
        "rules", help="list the rule catalog, or show one rule's documentation",
        description="List the rule catalog, or show one rule's documentation.",
    )
    rules.add_argument("rule", nargs="?", metavar="RULE", help="a code (SG201) or name")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    gate_command.add_parser(commands, _Parser)
    policy_command.add_parser(commands, _Parser)
    cache_command.add_parser(commands, _Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when replaced by something that can't reconfigure
            with contextlib.suppress(ValueError):
                stream.reconfigure(errors="backslashreplace")
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except (UsageError, ConfigError, SelectorError, policy_command.PolicyCommandError,
            cache_command.CacheCommandError, GateError) as error:
        fail(f"error: {error}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`stackguard lint | head`): silence the final flush.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # a bug: one line, not a traceback
        fail(
            f"internal error: {type(error).__name__}: {error} "
            "(this is a bug in stackguard; please report it with the command that triggered it)"
        )
    return 2


def entry() -> NoReturn:
    """The ``stackguard`` command (and ``python -m analyzers``): :func:`main`, then an
    immediate exit. A big project's run leaves millions of small objects behind, and the
    interpreter frees them one by one at shutdown: 1.5 s of a 4.7 s run at 1,200 files
    (benchmarks/README.md). Nothing is left to do by then: every report file is closed
    and every cache entry renamed into place, so only the standard streams need a flush."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away after the last write
        code = code or 1
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "lint":
        return _lint(args)
    if args.command == "check":
        return gate_command.run(args)
    if args.command == "rules":
        return _rules(args)
    if args.command == "policy":
        return policy_command.run(args)
    if args.command == "cache":
        return cache_command.run(args)
    raise UsageError("missing command: use 'stackguard lint [PATH...]', 'stackguard rules' or "
                     "'stackguard policy PATH' (see --help)")


def _lint(args: argparse.Namespace) -> int:
    from analyzers import reporters, runner
    from analyzers.discovery import PathNotFound

    paths = [Path(path) for path in (args.paths or ["."])]
    cwd = Path.cwd()
    output = Path(args.output) if args.output else None
    if output is not None and not (output.parent if str(output.parent) else Path(".")).is_dir():
        raise UsageError(f"--output {args.output}: directory {str(output.parent)!r} does not exist")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    config = load_config_for(args, paths[0] if paths[0].exists() else cwd)

    select = split_selectors(args.select)
    cli_selection = SelectionLayer(
        select=check_selectors("--select", select) if select else None,
        extend_select=check_selectors("--extend-select", split_selectors(args.extend_select)),
        ignore=check_selectors("--ignore", split_selectors(args.ignore)),
    )
    cli_options: dict[str, dict[str, Any]] = {}
    for text in args.option:
        code, name, value = parse_option(text)
        cli_options.setdefault(code, {})[name] = value
    fail_on = (
        parse_level(args.fail_on, "--fail-on") if args.fail_on else (config.fail_on or DEFAULT_FAIL_ON)
    )

    options = runner.RunOptions(
        paths=paths,
        config=config,
        cli_selection=cli_selection,
        cli_options=cli_options,
        use_cache=not args.no_cache,
        cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        force_exclude=args.force_exclude,
        jobs=args.jobs,
        keep_sources=args.fix or args.diff or fix_command.shows_fixes(args, config),
        left_for_exit=LEFT_FOR_EXIT,
    )
    LEFT_FOR_EXIT.clear()
    # A run allocates millions of small, mostly acyclic objects (syntax trees, summaries);
    # collecting less often saves ~15% of a run for a few percent more memory (benchmarks/).
    gc.set_threshold(50_000, 20, 100)
    try:
        result = runner.run(options, cwd=cwd)
    except PathNotFound as missing:
        raise UsageError(f"path not found: {missing}") from None
    fix_settings = fix_command.settings(config, cli_selection, cli_options, args.unsafe_fixes)
    if args.diff or args.fix:
        outcomes = fix_command.fix_projects(runner.load_front_end(), result.projects, result.findings, cwd,
                                            fix_settings)
        if args.diff:
            diff = fix_command.diff_text(outcomes, cwd)
            sys.stdout.write(diff)
            if not args.quiet:
                print(f"{PROG}: would fix {fix_command.count(outcomes)} finding(s)", file=sys.stderr)
            return 1 if diff and not args.exit_zero else 0
        fixed, files, write_notes = fix_command.write(outcomes, cwd)
        for note in write_notes:
            fail(f"warning: {note}")
        if not args.quiet:
            print(f"{PROG}: fixed {fixed} finding(s) in {files} file(s)", file=sys.stderr)
        result = runner.run(options, cwd=cwd)

    for note in result.notes:
        fail(f"warning: {note}")
    if args.verbose:
        for detail in result.details:
            fail(detail)
    if not result.files and not result.findings:
        print(f"{PROG}: warning: no Python files found under the given paths", file=sys.stderr)
    report = reporters.Report(
        findings=result.findings,
        files=result.files,
        fail_on=fail_on,
        tool_version=runner.TOOL_VERSION,
        cwd=cwd,
        source_root=source_root(cwd),
        statistics=args.statistics,
        quiet=args.quiet,
        fixes=fix_command.available(runner.load_front_end(), result.projects, result.findings, cwd, fix_settings)
        if fix_command.shows_fixes(args, config) else {},
    )
    text = reporters.renderer(args.format)(report)
    if output is None:
        # The other formats are UTF-8 by their specs (JSON, SARIF, the XML declaration), whatever
        # the locale; text follows the terminal, degrading to backslash escapes (main()).
        if args.format != "text" and isinstance(sys.stdout, io.TextIOWrapper):
            with contextlib.suppress(ValueError):
                sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            # Reporters escape what UTF-8 can't hold; backslashreplace only guards against a slip.
            output.write_text(text, encoding="utf-8", errors="backslashreplace")
        except OSError as error:
            raise UsageError(f"--output {args.output}: cannot write ({error.strerror})") from None
    if args.exit_zero:
        return 0
    return 1 if runner.fails(result.findings, fail_on) else 0


def _rules(args: argparse.Namespace) -> int:
    from policypack.rules import all_rules, rule_by_code_or_name

    if args.rule:
        rule = rule_by_code_or_name(args.rule)
        if rule is None:
            names = [r.code for r in all_rules()] + [r.name for r in all_rules()]
            close = difflib.get_close_matches(args.rule, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"unknown rule {args.rule!r}{hint}; 'stackguard rules' lists them")
        if args.format == "json":
            sys.stdout.write(json.dumps(_rule_json(rule), indent=2) + "\n")
        else:
            sys.stdout.write(rule.markdown())
        return 0
    if args.format == "json":
        sys.stdout.write(json.dumps([_rule_json(rule) for rule in all_rules()], indent=2) + "\n")
        return 0
    rows = [("CODE", "NAME", "SEVERITY", "DETECTORS")]
    for rule in all_rules():
        detectors = ", ".join(sorted(detector.value for detector in rule.detectors))
        rows.append((rule.code, rule.name, rule.severity.value, detectors))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        sys.stdout.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            + f"  {row[3]}\n"
        )
    return 0


def _rule_json(rule: Any) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "detectors": sorted(detector.value for detector in rule.detectors),
        "summary": rule.summary,
        "why": rule.why,
        "fix": rule.fix,
        "options": [
            {"name": o.name, "schema": dict(o.schema), "default": o.default, "description": o.description}
            for o in rule.options
        ],
        "references": list(rule.references),
        "autofix": None if rule.autofix is None else {
            "applicability": rule.autofix.safety.value,
            "description": rule.autofix.description,
            "limits": rule.autofix.limits,
        },
        "explanation": rule.markdown(),
    }


if __name__ == "__main__":
    sys.exit(main())
