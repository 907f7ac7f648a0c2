"""``stackguard policy PATH``: the policy pack on a program, without the Pulumi CLI.

The program runs under the Pulumi SDK's mock monitor and the pack's policies
evaluate the recorded resource graph (see :mod:`policypack.harness.offline`). This
needs the ``pack`` extra (pulumi, pulumi-policy, pulumi-aws); the lean
analyzer install reports that in one line instead of failing on import.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from analyzers.pack_config import PackConfigError, check_pack_config


class PolicyCommandError(Exception):
    """A one-line error for the CLI (exit code 2)."""


def add_parser(commands: Any, parser_class: type) -> None:
    policy = commands.add_parser(
        "policy",
        help="run the policy pack on a Pulumi program under mocks (no Pulumi CLI, no cloud)",
        description=(
            "Run a Pulumi program under the SDK's mock monitor and evaluate stackguard's policy pack on "
            "the resources it registers, as `pulumi preview --policy-pack` would. Needs stackguard[pack]."
        ),
    )
    policy.add_argument("program", metavar="PATH", help="a Pulumi project directory or a .py program")
    policy.add_argument("--stack", default="dev", help="stack name; Pulumi.<stack>.yaml config is read (default: dev)")
    policy.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="stack config, e.g. aws:region=eu-west-1 (repeatable)")
    policy.add_argument("--preview", action="store_true",
                        help="model `pulumi preview`: provider-computed outputs are unknown")
    policy.add_argument("--policy-pack-config", metavar="FILE",
                        help="JSON file in the shape `pulumi --policy-pack-config` takes")
    policy.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                        help="give up on a program that has not finished under mocks (default: 120)")
    policy.add_argument("--format", choices=("text", "json"), default="text")


def _stack_config(pairs: list[str]) -> dict[str, str]:
    config = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise PolicyCommandError(f"--config expects KEY=VALUE, got {pair!r}")
        config[key] = value
    return config


def run(args: argparse.Namespace) -> int:
    try:
        from policypack.harness import offline
    except ImportError as error:
        raise PolicyCommandError(
            f"'stackguard policy' needs the pack extra ({error.name} is missing): "
            "pip install 'stackguard[pack]'"
        ) from None
    if not args.timeout > 0:
        raise PolicyCommandError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    try:
        policy_config = offline.load_policy_config(args.policy_pack_config)
        if policy_config is not None:
            try:
                check_pack_config(policy_config)
            except PackConfigError as error:
                raise offline.OfflineError(f"{args.policy_pack_config}: {error}") from None
        results = offline.evaluate(
            args.program,
            config=_stack_config(args.config) or None,
            stack=args.stack,
            preview=args.preview,
            policy_config=policy_config,
            timeout=args.timeout,
        )
    except offline.OfflineError as error:
        # Program errors quote the program's own text: no control characters.
        raise PolicyCommandError(offline.printable(str(error))) from None
    render = offline.format_json if args.format == "json" else offline.format_text
    sys.stdout.write(render(results) + "\n")
    return 1 if any(r.enforcement == "mandatory" for r in results) else 0
