"""The main job: both detectors on the bundled reference stack and its faulty twin.

For each program it prints what the static analyzer (`stackguard lint`) and the
policy pack (evaluated on the program run under the SDK's mock monitor, as in
`pulumi preview`) report. Exits 0 when the reference stack is clean in both
and every faulty program is caught, 1 otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROGRAMS = [
    ("reference stack (compliant)", REPO / "reference_stack", True),
    ("faulty stack (the reviewed program)", REPO / "tests" / "fixtures" / "faulty_stack", False),
    *(
        (f"faulty variant {path.name}", path, False)
        for path in sorted((REPO / "tests" / "fixtures" / "faulty_variants").iterdir())
        if (path / "__main__.py").exists()
    ),
]


def banner(text: str) -> None:
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}")


def stackguard(*args: str) -> int:
    """Run the stackguard CLI from this checkout; returns its exit code."""
    print("$ stackguard " + " ".join(args), flush=True)
    return subprocess.run([sys.executable, "-m", "analyzers", *args], cwd=REPO, check=False).returncode


def lint(path: Path) -> int:
    """The static analyzer: 0 clean, 1 findings."""
    return stackguard("lint", "--no-cache", os.path.relpath(path, REPO))


def policy(path: Path) -> int:
    """The policy pack on the program run under mocks, as in `pulumi preview`: 0 clean, 1 mandatory.

    The demo config makes the advisory rules mandatory too, so every fault counts.
    """
    return stackguard("policy", os.path.relpath(path, REPO), "--preview", "--policy-pack-config",
                      "scripts/demo-policy-config.json")


def main() -> int:
    os.environ.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    ok = True
    for title, path, compliant in PROGRAMS:
        banner(title)
        static_status = lint(path)
        print()
        runtime_status = policy(path)
        caught = static_status == 1 or runtime_status == 1
        if compliant and (static_status != 0 or runtime_status != 0):
            ok = False
            print("!! the reference stack should be clean")
        if not compliant and not caught:
            ok = False
            print("!! this faulty program should be caught")
    banner("summary: " + ("reference stack clean, every faulty program caught" if ok else "UNEXPECTED RESULTS"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
