#!/usr/bin/env python3
"""Regenerate the shipped provider index (policypack/knowledge/providers/data/).

    python scripts/generate_provider_index.py            # the pinned versions below
    python scripts/generate_provider_index.py --wheels DIR   # use wheels already in DIR

Downloads each provider's wheel with ``pip download --no-deps`` into a temporary
directory (or reads them from ``--wheels``), reads it in place with
``policypack.knowledge.providers.index_builder`` (never installs or imports
it) and writes one gzipped JSON entry per package plus ``manifest.json``
(versions, generation date, generator format). ``make provider-index`` runs it.

To move to a new provider release, change its version here, run the script,
and update ``pulumi-aws`` in pyproject.toml's test extra to the same version
(tests/policypack/knowledge/test_provider_index.py compares the shipped entry
with the installed SDK).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policypack.knowledge.providers import index_builder, shipped_index  # noqa: E402


@dataclass(frozen=True)
class Provider:
    distribution: str
    version: str
    schemas: bool  # argument schemas, or the resource registry only
    older: tuple[str, ...] = ()  # earlier majors whose removals and additions are recorded

    @property
    def package(self) -> str:
        return self.distribution.replace("-", "_")


# aws first; the very large SDKs (gcp, azure-native, aws-native) are registry-only:
# which classes are resources and their tokens, not their arguments.
PROVIDERS = (
    Provider("pulumi-aws", "7.51.1", True, older=("6.83.4",)),
    Provider("pulumi-awsx", "3.11.0", True),
    Provider("pulumi-aws-apigateway", "3.0.0", True),
    Provider("pulumi-eks", "4.4.0", True),
    Provider("pulumi-random", "4.21.4", True),
    Provider("pulumi-tls", "5.6.2", True),
    Provider("pulumi-docker", "5.2.0", True),
    Provider("pulumi-docker-build", "0.0.22", True),
    Provider("pulumi-command", "1.2.1", True),
    Provider("pulumi-kubernetes", "4.34.2", True),
    Provider("pulumi-aws-native", "1.84.0", False),
    Provider("pulumi-gcp", "10.2.0", False),
    Provider("pulumi-azure-native", "3.29.0", False),
)


def _wheel(distribution: str, version: str, directory: Path) -> Path:
    pattern = f"{distribution.replace('-', '_')}-{version}-*.whl"
    found = sorted(directory.glob(pattern))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--dest", str(directory), f"{distribution}=={version}"],
            check=True,
        )
        found = sorted(directory.glob(pattern))
    if not found:
        raise SystemExit(f"no wheel for {distribution}=={version} in {directory}")
    return found[0]


def generate(wheels: Path, output: Path, today: str) -> dict[str, object]:
    output.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {
        "format": index_builder.INDEX_FORMAT,
        "generated": today,
        "generator": "scripts/generate_provider_index.py",
        "packages": {},
    }
    for provider in PROVIDERS:
        tree = index_builder.WheelTree(_wheel(provider.distribution, provider.version, wheels))
        older = [index_builder.WheelTree(_wheel(provider.distribution, v, wheels)) for v in provider.older]
        entry = index_builder.build_entry(tree, provider.package, schemas=provider.schemas, older=older,
                                          generated=today)
        data = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode()
        target = output / shipped_index.entry_file(provider.package)
        # mtime=0: the same input gives the same bytes, so a regeneration shows no spurious diff
        target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        manifest["packages"][provider.package] = {  # type: ignore[index]
            "distribution": provider.distribution,
            "version": entry["version"],
            "older": entry["older"],
            "schemas": provider.schemas,
            "classes": len(entry["classes"]),
            "bytes": target.stat().st_size,
        }
        print(f"{provider.package} {entry['version']}: {len(entry['classes'])} classes, "
              f"{target.stat().st_size / 1024:.0f} KiB", file=sys.stderr)
    (output / shipped_index.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, help="directory with the wheels (downloaded there if missing)")
    parser.add_argument("--output", type=Path, default=shipped_index.DATA_DIRECTORY)
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="generation date to record")
    args = parser.parse_args()
    if args.wheels is not None:
        args.wheels.mkdir(parents=True, exist_ok=True)
        generate(args.wheels, args.output, args.date)
        return 0
    with tempfile.TemporaryDirectory(prefix="stackguard-wheels-") as directory:
        generate(Path(directory), args.output, args.date)
    return 0


if __name__ == "__main__":
    sys.exit(main())
