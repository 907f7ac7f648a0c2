"""The gate's one error type."""

from __future__ import annotations


class GateError(Exception):
    """A tool error (exit code 2): bad input, a missing Pulumi CLI, a preview that failed
    for reasons other than policy. The message is one line."""
