"""The Lambda limits: AWS's documented ranges, each with a source and the date it was read."""

import datetime as dt

from policypack.knowledge import lambda_limits
from policypack.knowledge.lambda_limits import EPHEMERAL_STORAGE, MEMORY_SIZE, TIMEOUT, outside


def test_the_ranges_aws_documents() -> None:
    assert (TIMEOUT.low, TIMEOUT.high, TIMEOUT.unit) == (1, 900, "seconds")
    assert (MEMORY_SIZE.low, MEMORY_SIZE.high, MEMORY_SIZE.unit) == (128, 10_240, "MB")
    assert (EPHEMERAL_STORAGE.low, EPHEMERAL_STORAGE.high) == (512, 10_240)
    assert MEMORY_SIZE.range_text() == "128–10,240 MB"


def test_every_limit_names_its_sources_and_when_they_were_read() -> None:
    for limit in lambda_limits.LIMITS:
        assert limit.sources and all(s.startswith("https://docs.aws.amazon.com/lambda/") for s in limit.sources)
        assert limit.recorded >= dt.date(2026, 12, 2)


def test_bounds_are_inclusive_and_managed_instances_drop_only_some_ceilings() -> None:
    for limit in lambda_limits.LIMITS:
        assert not outside(limit, limit.low, managed_instances=False)
        assert not outside(limit, limit.high, managed_instances=False)
        assert outside(limit, limit.low - 1, managed_instances=True)
        assert outside(limit, limit.high + 1, managed_instances=False)
    assert not outside(TIMEOUT, 3600, managed_instances=True)
    assert not outside(MEMORY_SIZE, 16384, managed_instances=True)
    assert outside(EPHEMERAL_STORAGE, 20480, managed_instances=True)
