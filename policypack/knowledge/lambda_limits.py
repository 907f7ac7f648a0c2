"""The hard limits of a Lambda function's timeout, memory and ephemeral storage.

These are fixed service quotas ("cannot be changed"), not account quotas: a
value outside them is refused by the Lambda API (and, for some settings and
pulumi-aws versions, by the provider's own input check), so the function is
never created or updated. Each limit names where it was read and when; update
them here when AWS changes them (memory went from 3,008 MB to 10,240 MB in
December 2020, ephemeral storage from a fixed 512 MB to 10,240 MB in March 2022).

Functions on Lambda Managed Instances (``capacity_provider_config``) run on
EC2 capacity with limits of their own; pulumi-aws documents memory up to
32,768 MB for them, and AWS documents invocations of up to 90 minutes for some
of their event sources. Those ceilings are not verified here, so an upper bound
marked ``default_compute_only`` is not applied to such a function (precision
first), while the floors and the other bounds still are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
_TIMEOUT = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"
_MEMORY = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html"
_EPHEMERAL = "https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html"
_READ = dt.date(2026, 12, 2)

# The prop that puts a function on Lambda Managed Instances (engine camelCase).
CAPACITY_PROVIDER_PROP = "capacityProviderConfig"


@dataclass(frozen=True)
class Limit:
    """One numeric setting of ``aws.lambda_.Function`` and the range AWS accepts for it."""

    argument: str  # as the program writes it: "memory_size", "ephemeral_storage.size"
    path: tuple[str, ...]  # where the engine's props hold it: ("memorySize",), ("ephemeralStorage", "size")
    low: int
    high: int
    unit: str  # "seconds" or "MB" (Lambda's MB are 1,024 KB)
    default_compute_only: bool  # the upper bound is not known to hold on Lambda Managed Instances
    sources: tuple[str, ...]  # where the range is published
    recorded: dt.date  # when the sources were read

    def range_text(self) -> str:
        return f"{self.low:,}–{self.high:,} {self.unit}"


TIMEOUT = Limit("timeout", ("timeout",), 1, 900, "seconds", True, (_QUOTAS, _TIMEOUT), _READ)
MEMORY_SIZE = Limit("memory_size", ("memorySize",), 128, 10_240, "MB", True, (_QUOTAS, _MEMORY), _READ)
EPHEMERAL_STORAGE = Limit("ephemeral_storage.size", ("ephemeralStorage", "size"), 512, 10_240, "MB", False,
                          (_QUOTAS, _EPHEMERAL), _READ)

LIMITS: tuple[Limit, ...] = (TIMEOUT, MEMORY_SIZE, EPHEMERAL_STORAGE)


def outside(limit: Limit, value: float, *, managed_instances: bool) -> bool:
    """Whether AWS refuses ``value`` for ``limit``; ``managed_instances`` drops the bounds
    not known to hold for a function on a capacity provider."""
    if value < limit.low:
        return True
    return value > limit.high and not (managed_instances and limit.default_compute_only)
