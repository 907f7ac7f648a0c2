"""``stackguard cache dir|clean``: where a project's cache lives, and emptying it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from analyzers.cache import PROJECTS_DIR, CacheRefused, SummaryCache, choose_directory, user_cache_root
from analyzers.config import Config, find_config_file, load_config


class CacheCommandError(Exception):
    """A one-line error of the cache command (exit 2)."""


def add_parser(commands: Any, parser_class: type) -> None:
    cache = commands.add_parser(
        "cache", help="show or clean the analyzer's cache",
        description="Show where a project's cache lives, or delete its entries. Entries are "
                    "authenticated data in the user's cache directory; deleting them only costs time.",
    )
    actions = cache.add_subparsers(dest="cache_action", metavar="ACTION", parser_class=parser_class)
    for name, text in (("dir", "print the cache directory of the project"),
                       ("clean", "delete the project's cache entries")):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        action.add_argument("path", nargs="?", default=".", metavar="PATH",
                            help="the project (default: the current directory)")
        action.add_argument("--cache-dir", metavar="DIR", help="cache directory (env: STACKGUARD_CACHE_DIR)")
        action.add_argument("--isolated", action="store_true", help="ignore every configuration file")
        if name == "clean":
            action.add_argument("--all", action="store_true",
                                help="delete the entries of every project in the user's cache directory")


def run(args: argparse.Namespace) -> int:
    if args.cache_action is None:
        raise CacheCommandError("missing action: use 'stackguard cache dir' or 'stackguard cache clean'")
    if args.cache_action == "clean" and args.all:
        return _clean_all()
    directory = _directory(args)
    if args.cache_action == "dir":
        print(directory)
        return 0
    try:
        removed = SummaryCache(directory, b"", "").clean()
    except CacheRefused as refused:
        raise CacheCommandError(str(refused)) from None
    print(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} from {directory}")
    return 0


def _directory(args: argparse.Namespace) -> Path:
    start = Path(args.path)
    if not start.exists():
        raise CacheCommandError(f"path not found: {args.path}")
    config = Config()
    if not args.isolated:
        found = find_config_file(start if start.is_dir() else start.parent)
        config = load_config(found) if found else Config()
    root = config.root or (start if start.is_dir() else start.parent)
    cli = Path(args.cache_dir) if args.cache_dir else None
    return choose_directory(cli, config.cache_dir, root).directory


def _clean_all() -> int:
    projects = user_cache_root() / PROJECTS_DIR
    removed = 0
    try:
        folders = [Path(item.path) for item in os.scandir(projects) if item.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        folders = []
    except OSError as error:
        raise CacheCommandError(f"cannot read {projects} ({error.strerror})") from None
    for folder in folders:
        removed += SummaryCache(folder, b"", "").clean()
    print(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} of {len(folders)} "
          f"project{'' if len(folders) == 1 else 's'} from {projects}")
    return 0
