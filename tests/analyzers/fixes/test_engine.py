"""Fixing a whole project: rounds, verification, and where no fix may fire."""

from __future__ import annotations

from pathlib import Path

from analyzers.fixes import engine, registry
from analyzers.fixes.model import Edit, Fix
from policypack.rules.base import FixSafety
from tests.support.fixing import findings, fix, read_tree

FAULTY = read_tree(Path(__file__).resolve().parents[2] / "fixtures" / "faulty_stack")


def codes(files: dict[str, str]) -> set[str]:
    return {f.code for f in findings(files)}


def test_safe_fixes_leave_the_unsafe_ones_alone() -> None:
    outcome = fix(FAULTY, unsafe=False)
    assert [f.finding.code for f in outcome.applied] == ["SG201"]
    after = codes({**FAULTY, **outcome.fixed})
    assert "SG201" not in after and {"SG301", "SG302", "SG303"} <= after


def test_unsafe_fixes_leave_only_what_no_fix_addresses() -> None:
    outcome = fix(FAULTY)
    assert sorted(f.finding.code for f in outcome.applied) == ["SG201", "SG301", "SG302", "SG303"]
    assert codes({**FAULTY, **outcome.fixed}) == {"SG101"}
    # SG301's Permission and SG302's Deployment go after the same statement: two rounds.
    assert 2 <= outcome.rounds <= engine.MAX_ROUNDS
    assert fix({**FAULTY, **outcome.fixed}).fixed == {}


def test_rounds_are_bounded(monkeypatch) -> None:
    monkeypatch.setattr(engine, "MAX_ROUNDS", 1)
    outcome = fix(FAULTY)
    assert outcome.rounds == 1
    assert "SG301" in codes({**FAULTY, **outcome.fixed})  # deferred by the conflict, never applied


PROGRAM = '''
import pulumi_aws as aws

{group}
aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version="17.5",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    parameter_group_name=params.name,
)
'''


def unfixed(group: str) -> bool:
    """Whether the program has an SG201 finding that --fix leaves as it is."""
    files = {"__main__.py": PROGRAM.format(group=group)}
    assert "SG201" in codes(files)
    return fix(files, {"SG201"}).fixed == {}


def test_no_fix_where_the_analyzer_or_the_fix_is_unsure() -> None:
    # a **spread the analyzer can't see into may set the family too
    assert unfixed('import json\nparams = aws.rds.ParameterGroup("params", family="postgres14", '
                   '**json.loads(open("extra.json").read()))')
    # the value is known, but written twice: which literal is it?
    assert unfixed('if True:\n    FAMILY = "postgres14"\nelse:\n    FAMILY = "postgres14"\n'
                   'params = aws.rds.ParameterGroup("params", family=FAMILY)')
    # computed by a lookup: no single literal spells it
    assert unfixed('FAMILIES = {"pg": "postgres14"}\nparams = aws.rds.ParameterGroup("params", family=FAMILIES["pg"])')


def test_verification_refuses_a_literal_that_other_resources_share() -> None:
    files = {"__main__.py": PROGRAM.format(group='FAMILY = "postgres14"\n'
                                                 'params = aws.rds.ParameterGroup("params", family=FAMILY)\n'
                                                 'legacy = aws.rds.ParameterGroup("legacy", family=FAMILY)')}
    outcome = fix(files, {"SG201"})
    assert outcome.fixed == {} and [f.finding.code for f in outcome.rejected] == ["SG201"]
    # the same program with the constant used once is fixed
    alone = {"__main__.py": files["__main__.py"].replace('legacy = aws.rds.ParameterGroup("legacy", family=FAMILY)',
                                                         "")}
    assert fix(alone, {"SG201"}).fixed


def test_a_codemod_that_does_not_remove_the_finding_is_refused(monkeypatch) -> None:
    def comment_only(workspace, finding):
        return Fix(engine.key_of(finding), FixSafety.SAFE, "add a comment",
                   (Edit(finding.path, 0, 0, "# fixed?\n"),))

    monkeypatch.setattr(registry, "proposer", lambda code: comment_only)
    outcome = fix(FAULTY)
    assert outcome.fixed == {} and outcome.rounds == 0 and outcome.rejected


def test_a_failing_codemod_is_no_fix_not_a_failed_run(monkeypatch) -> None:
    def broken(workspace, finding):
        raise RuntimeError("codemod bug")

    monkeypatch.delenv("STACKGUARD_STRICT", raising=False)
    monkeypatch.setattr(registry, "proposer", lambda code: broken)
    assert fix(FAULTY).fixed == {}


def test_a_fix_that_leaves_a_file_python_cannot_compile_is_refused(monkeypatch) -> None:
    """libcst (and so the analyzer) reads ``f(opts=a, opts=b)``; Python refuses to compile it."""
    files = {"__main__.py": 'import pulumi\nimport pulumi_aws as aws\n\n'
                            'aws.s3.Bucket("b", protect=True, opts=pulumi.ResourceOptions())\n'}

    def opts_twice(workspace, finding):
        start = files["__main__.py"].index("protect=True")
        return Fix(engine.key_of(finding), FixSafety.SAFE, "repeat opts",
                   (Edit(finding.path, start, start + len("protect=True"), "opts=None"),))

    monkeypatch.setattr(registry, "proposer", lambda code: opts_twice)
    outcome = fix(files, {"SG401"})
    assert outcome.fixed == {} and [f.description for f in outcome.rejected] == ["repeat opts"]
