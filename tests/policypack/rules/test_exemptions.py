"""ignoreResources exemptions with a reason and an expiry date, in the pack and the analyzer."""

from __future__ import annotations

import datetime

import pytest

from analyzers.config import ConfigError, check_option
from policypack.rules.exemptions import parse_entry
from policypack.rules.sg101_resource_outside_component import RULE
from tests.support.graphs import graph, res

PAST = "2020-01-31"
FUTURE = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()


def run(entries):
    found = RULE.run(graph(res("aws:ec2/vpc:Vpc", "vpc"), res("aws:s3/bucket:Bucket", "logs")),
                     {"ignoreResources": entries})
    return {v.resource.name: v.message for v in found}


def test_plain_patterns_still_work() -> None:
    assert set(run(["vpc"])) == {"logs"}
    assert set(run(["aws:s3/*", "*::vpc"])) == set()


@pytest.mark.parametrize("entry", [
    f"vpc -- shared VPC owned by the network team (until {FUTURE})",
    {"resource": "vpc", "reason": "shared VPC", "expires": FUTURE},
    {"resource": "vpc"},
])
def test_exemptions_in_force(entry) -> None:
    assert set(run([entry])) == {"logs"}


@pytest.mark.parametrize("entry", [
    f"vpc -- shared VPC (until {PAST})",
    {"resource": "vpc", "reason": "shared VPC", "expires": PAST},
])
def test_an_expired_exemption_reports_the_violation_again_and_says_so(entry) -> None:
    found = run([entry])
    assert set(found) == {"vpc", "logs"}
    assert found["vpc"].startswith("[SG101] ")
    assert found["vpc"].endswith(f"(Reported again: the exemption 'vpc' expired on {PAST}: shared VPC.)")
    assert "Reported again" not in found["logs"]


def test_an_expiry_that_is_not_a_date_never_exempts() -> None:
    found = run([{"resource": "vpc", "expires": "soon"}, "logs -- until 2026-02-30"])
    assert "not a date ('soon')" in found["vpc"] and "not a date ('2026-02-30')" in found["logs"]


def test_one_valid_exemption_wins_over_a_lapsed_one() -> None:
    assert set(run([{"resource": "vpc", "expires": PAST}, "vpc"])) == {"logs"}


def test_malformed_entries_are_ignored_without_crashing() -> None:
    assert set(run([3, None, {"reason": "no resource"}, {"resource": ""}, " -- only a reason"])) == {"vpc", "logs"}
    assert parse_entry({"resource": "x", "expires": 20260101}).bad_expiry == "20260101"


def test_the_analyzer_config_checks_entries_against_the_schema() -> None:
    check_option(RULE, "ignoreResources", ["vpc", {"resource": "db", "reason": "r", "expires": FUTURE}], "t")
    for bad, message in (
        ([{"resource": "db", "until": FUTURE}], "unknown key 'until'"),
        ([{"reason": "r"}], "missing key 'resource'"),
        ([{"resource": "db", "expires": "next week"}], "must be a date"),
        ([3], "must be a string or a table"),
    ):
        with pytest.raises(ConfigError, match=message):
            check_option(RULE, "ignoreResources", bad, "t")
