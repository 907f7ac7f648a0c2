"""The harness: run a Pulumi program without the Pulumi CLI or a cloud and hand its resource graph to the pack.

One concern per module, each importing only the ones above it:

- ``records``: what a capture records (CapturedResource, StackCapture, wire encodings)
- ``fake_names``: autonamed names, physical ids, the fake account (shared with the e2e stand-in provider)
- ``fake_aws``: the mock provider's answers (RealisticMocks)
- ``monitor``: the recording mock monitor
- ``program``: program resolution (project, main, config) and its environment
- ``capture``: running a program under mocks (capture_program, capture_source)
- ``analyze_request``: conversion to the AnalyzeStackRequest the engine would send
- ``child_process``: the capture in a killable child process
- ``offline``: the policy pack evaluated on a program (``stackguard policy``)

The names below are importable from the package itself; each is loaded on
first use, so importing ``policypack.harness.fake_names`` alone stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CaptureError": "records", "CapturedResource": "records", "StackCapture": "records",
    "SECRET_SIG": "records", "SIG_KEY": "records", "UNKNOWN": "records",
    "RealisticMocks": "fake_aws",
    "DEFAULT_TIMEOUT": "capture", "capture_program": "capture", "capture_program_detailed": "capture",
    "capture_source": "capture",
    "to_analyze_stack_request": "analyze_request",
    "capture_in_child": "child_process",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
