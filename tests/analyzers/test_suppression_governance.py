"""Suppression governance: reasons, expiry dates, require-reason and unsuppressible rules."""

from __future__ import annotations

import datetime

import pytest

from analyzers.config import ConfigError, load_config
from analyzers.findings import Finding
from analyzers.runner import lint_sources
from analyzers.suppressions import SuppressionPolicy, apply, directives
from policypack.rules.base import Severity

TODAY = datetime.date(2026, 6, 15)


def finding(code: str = "SG201", line: int = 1) -> Finding:
    return Finding(code, "x", Severity.ERROR, "a.py", line, 1, line, 9, f"[{code}] m", "db")


def run(comment: str, policy: SuppressionPolicy | None = None, code: str = "SG201"):
    source = f"db = make()  {comment}\n".encode()
    return apply([finding(code)], {"a.py": source}, lambda c, p: True,
                 policy or SuppressionPolicy(today=TODAY))


def test_the_reason_follows_two_dashes_and_is_never_read_as_codes() -> None:
    [directive] = directives(b"x = 1  # noqa: SG201 -- SG202 is handled by the platform team\n")
    assert directive.codes == frozenset({"SG201"})
    assert directive.reason == "SG202 is handled by the platform team"
    assert directive.expires is None


@pytest.mark.parametrize(
    ("comment", "suppressed", "note"),
    [
        ("# noqa: SG201 -- legacy database, migrating in Q3", True, None),
        ("# noqa: SG201 -- legacy database (until 2026-06-15)", True, None),  # the last day still works
        ("# noqa: SG201 -- legacy database (until 2026-06-14)", False, "expired on 2026-06-14"),
        ("# noqa: SG201 -- until 2026-13-01: legacy", False, "not a date ('2026-13-01'"),
        ("# noqa: SG201 -- UNTIL: 2027-01-01", True, None),
    ],
)
def test_expiry(comment: str, suppressed: bool, note: str | None) -> None:
    result = run(comment)
    assert len(result.suppressed) == int(suppressed)
    if note is None:
        assert result.kept == []
    else:
        [kept] = result.kept
        assert kept.message.startswith("[SG201] m (Not suppressed: the # noqa on line 1 ")
        assert note in kept.message
    assert result.unused == []  # a directive that matched is never "unused", even when refused


def test_require_reason() -> None:
    policy = SuppressionPolicy(require_reason=True, today=TODAY)
    [kept] = run("# noqa: SG201", policy).kept
    assert "has no reason (require-reason is set)" in kept.message
    assert run("# noqa: SG201 --   ", policy).kept  # an empty reason is no reason
    done = run("# noqa: SG201 -- accepted by the DBA team", policy)
    assert done.suppressed and done.with_reason == 1
    assert run("# noqa: SG201").with_reason == 0


def test_unsuppressible_rules_ignore_noqa_of_every_kind() -> None:
    policy = SuppressionPolicy(unsuppressible=frozenset({"SG201"}), today=TODAY)
    for comment in ("# noqa: SG201 -- please", "# noqa"):
        result = run(comment, policy)
        assert not result.suppressed and result.refused == {"unsuppressible": 1}
        assert "SG201 cannot be suppressed in this project" in result.kept[0].message
    assert run("# noqa: SG101", policy, code="SG101").suppressed  # other rules still can be


def test_file_level_directive_with_reason_and_expiry() -> None:
    source = b"# stackguard: noqa: SG201 -- generated (until 2020-01-01)\ndb = make()\n"
    result = apply([finding(line=2)], {"a.py": source}, lambda c, p: True, SuppressionPolicy(today=TODAY))
    assert "the file-level # noqa expired on 2020-01-01" in result.kept[0].message


def test_config_keys(tmp_path) -> None:
    config_file = tmp_path / "pyproject.toml"
    config_file.write_text('[tool.stackguard]\nrequire-reason = true\nunsuppressible = ["SG2", "SG301"]\n')
    config = load_config(config_file)
    assert config.require_reason is True and config.unsuppressible == ("SG2", "SG301")
    for bad, message in (('require-reason = "yes"', "require-reason must be true or false"),
                         ('unsuppressible = ["SG999"]', "unsuppressible")):
        config_file.write_text(f"[tool.stackguard]\n{bad}\n")
        with pytest.raises(ConfigError, match=message):
            load_config(config_file)


def test_the_pipeline_applies_the_configured_policy(tmp_path) -> None:
    program = (
        "import pulumi_aws as aws\n"
        "aws.s3.Bucket('logs')  # noqa: SG101\n"
        "aws.s3.Bucket('data')  # noqa: SG101 -- reviewed\n"
    )
    config_file = tmp_path / "pyproject.toml"
    config_file.write_text("[tool.stackguard]\nrequire-reason = true\n")
    found = lint_sources({"__main__.py": program}, load_config(config_file))
    assert [(f.code, f.line) for f in found] == [("SG101", 2)]
    config_file.write_text('[tool.stackguard]\nunsuppressible = ["resource-outside-component"]\n')
    found = lint_sources({"__main__.py": program}, load_config(config_file))
    assert [(f.code, f.line) for f in found] == [("SG101", 2), ("SG101", 3)]
