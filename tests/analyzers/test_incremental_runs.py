"""A run that reuses the cache reports exactly what a run from scratch reports, edit after edit.

The real front end, one project, a sequence of edits of the kinds a pre-commit hook sees
(add, change, delete and rename a file; change a component other files use; change a
constant other modules import). After each edit the cached run must equal an uncached
one, and must have parsed only the files whose bytes it had not seen.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzers import runner
from analyzers.runner import RunOptions

_MAIN = '''\
import pulumi_aws as aws

from app.constants import VERSION
from app.database import Database

Database("orders", VERSION)
Database("billing", "16.4")
aws.s3.BucketV2("loose")
'''

_DATABASE = '''\
import pulumi
import pulumi_aws as aws

from app.constants import FAMILY


class Database(pulumi.ComponentResource):
    def __init__(self, name, version, opts=None):
        super().__init__("app:db:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        params = aws.rds.ParameterGroup(f"{name}-params", family=FAMILY, opts=child)
        aws.rds.Instance(
            f"{name}-db", engine="postgres", engine_version=version, instance_class="db.t4g.micro",
            allocated_storage=20, parameter_group_name=params.name, skip_final_snapshot=True, opts=child,
        )
        self.register_outputs({})
'''

_CONSTANTS = 'VERSION = "16.4"\nFAMILY = "postgres16"\n'

_API = '''\
import pulumi_aws as aws

api = aws.apigateway.RestApi("api")
'''


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _project(root: Path) -> None:
    _write(root, "Pulumi.yaml", "name: incremental\nruntime: python\n")
    _write(root, "__main__.py", _MAIN)
    _write(root, "app/__init__.py", "")
    _write(root, "app/database.py", _DATABASE)
    _write(root, "app/constants.py", _CONSTANTS)


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new))


EDITS: list[tuple[str, Callable[[Path], None], int]] = [
    # (what, the edit, how many files the cached run must parse)
    ("add a file", lambda root: _write(root, "app/api.py", _API), 1),
    ("import it", lambda root: _edit(root, "__main__.py", "from app.constants",
                                     "import app.api\nfrom app.constants"), 1),
    ("change a component other files use", lambda root: _edit(root, "app/database.py", "family=FAMILY",
                                                              'family="postgres14"'), 1),
    ("change a constant other modules import", lambda root: _edit(root, "app/constants.py", '"16.4"', '"17.2"'), 1),
    ("undo the component change", lambda root: _edit(root, "app/database.py", 'family="postgres14"',
                                                     "family=FAMILY"), 0),  # bytes seen before: cached
    ("rename a file", lambda root: (root / "app/api.py").rename(root / "app/rest.py"), 1),
    ("follow the rename", lambda root: _edit(root, "__main__.py", "import app.api", "import app.rest"), 1),
    ("delete a file", lambda root: (root / "app/rest.py").unlink(), 0),
    ("drop its import", lambda root: _edit(root, "__main__.py", "import app.rest\n", ""), 0),  # as in step 1
    ("a comment only", lambda root: _edit(root, "app/database.py", "class Database",
                                          "# the database\nclass Database"), 1),
]


def _findings(result: runner.RunResult) -> list[tuple[object, ...]]:
    return [(f.code, f.path, f.line, f.column, f.message, f.instances) for f in result.findings]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    _project(root)
    return root


def test_cached_runs_equal_runs_from_scratch_over_a_sequence_of_edits(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def cached() -> runner.RunResult:
        return runner.run(RunOptions(paths=[project], cache_dir=cache, jobs=1), cwd=tmp_path)

    def from_scratch() -> runner.RunResult:
        return runner.run(RunOptions(paths=[project], use_cache=False, jobs=1), cwd=tmp_path)

    first = cached()
    assert first.parsed == first.indexed
    assert _findings(first) == _findings(from_scratch())
    seen = {tuple(_findings(first))}
    for what, edit, parsed in EDITS:
        edit(project)
        result = cached()
        assert _findings(result) == _findings(from_scratch()), what
        assert result.parsed == parsed, what
        seen.add(tuple(_findings(result)))
    # the edits moved real findings around (SG101 on the loose resources, SG201 as the
    # component's family and the imported version change), so the comparison compared something
    assert len(seen) >= 4
    assert {"SG101", "SG201"} <= {finding[0] for findings in seen for finding in findings}


def test_a_stored_result_is_not_served_on_a_later_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the project changes, but the day does: an ``ignoreResources`` entry expires
    and the finding it held back must come back, as a run from scratch would report it."""
    from policypack.rules import clock

    root = tmp_path / "infra"
    _write(root, "Pulumi.yaml", "name: dated\nruntime: python\n")
    _write(root, "__main__.py", 'import pulumi_aws as aws\n\naws.s3.BucketV2("loose")\n')
    exempt = {"SG101": {"ignoreResources": ["loose -- moving into a component (until 2026-12-31)"]}}

    def run_on(day: datetime.date, cache_dir: Path | None = None) -> list[tuple[object, ...]]:
        monkeypatch.setattr(clock, "today", lambda: day)
        options = RunOptions(paths=[root], cli_options=exempt, jobs=1, cache_dir=cache_dir,
                             use_cache=cache_dir is not None)
        return _findings(runner.run(options, cwd=tmp_path))

    cache = tmp_path / "cache"
    assert run_on(datetime.date(2026, 12, 30), cache_dir=cache) == []
    later = run_on(datetime.date(2027, 1, 2), cache_dir=cache)
    assert later == run_on(datetime.date(2027, 1, 2))  # from scratch
    assert [finding[0] for finding in later] == ["SG101"] and "Reported again" in str(later[0][4])


def test_an_edit_phase_1_does_not_see_reuses_the_project_result(project: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A function body in a module that is no Pulumi program is outside its summary: after
    such an edit the project's summaries are byte for byte the ones a stored result was
    computed from, so the result is reused without decoding or analysing anything."""
    import analyzers.project

    _write(project, "app/naming.py", "def slug(text):\n    return text.lower()\n")
    cache = tmp_path / "cache"

    def cached() -> runner.RunResult:
        return runner.run(RunOptions(paths=[project], cache_dir=cache, jobs=1), cwd=tmp_path)

    first = cached()
    analysed: list[int] = []
    analyze = analyzers.project.analyze
    monkeypatch.setattr(analyzers.project, "analyze",
                        lambda *args, **kwargs: analysed.append(1) or analyze(*args, **kwargs))
    _edit(project, "app/naming.py", "text.lower()", "text.strip().lower()")
    unseen = cached()
    assert (unseen.parsed, analysed) == (1, [])
    assert _findings(unseen) == _findings(first)
    # and the next run finds the result by the files' bytes, parsing nothing
    again = cached()
    assert (again.parsed, analysed) == (0, [])
    # an edit phase 1 does see is analysed, and still agrees with a run from scratch
    _edit(project, "app/database.py", "family=FAMILY", 'family="postgres14"')
    seen = cached()
    assert (seen.parsed, analysed) == (1, [1])
    scratch = runner.run(RunOptions(paths=[project], use_cache=False, jobs=1), cwd=tmp_path)
    assert _findings(seen) == _findings(scratch) != _findings(first)


def test_a_run_exempts_what_it_decodes_from_the_collector_only_while_it_runs(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoded summaries are kept out of the cyclic collector's scans (gc.freeze) during the
    run; the caller's process gets them back, and a caller's own frozen objects are left be."""
    import gc

    cache = tmp_path / "cache"

    def cached() -> runner.RunResult:
        return runner.run(RunOptions(paths=[project], cache_dir=cache, jobs=1), cwd=tmp_path)

    cached()  # fills the cache
    _edit(project, "app/database.py", "family=FAMILY", 'family="postgres14"')
    frozen: list[int] = []
    freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1) or freeze())
    assert gc.get_freeze_count() == 0
    cached()  # decodes the files it did not parse
    assert frozen and gc.get_freeze_count() == 0

    frozen.clear()
    _edit(project, "app/database.py", 'family="postgres14"', 'family="postgres15"')
    keep = [object()]  # the caller's own frozen objects
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        frozen.clear()
        cached()
        assert frozen == [] and gc.get_freeze_count() <= count  # (frozen objects that die leave it)
    finally:
        gc.unfreeze()
    assert keep


def test_phase_2_runs_without_the_collector_and_what_it_makes_stays_exempt_until_the_run_ends(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Phase 2's tables and graph live until the run ends: the cyclic collector neither scans
    them while phase 2 runs nor afterwards (they are frozen, and given back at the end)."""
    import gc

    from analyzers import project as front_end

    events: list[tuple[str, bool]] = []
    analyze = front_end.analyze

    def watched(*args: object, **kwargs: object) -> object:
        events.append(("analyze", gc.isenabled()))
        return analyze(*args, **kwargs)  # type: ignore[arg-type]

    freeze = gc.freeze
    monkeypatch.setattr(front_end, "analyze", watched)
    monkeypatch.setattr(gc, "freeze", lambda: events.append(("freeze", gc.isenabled())) or freeze())
    result = runner.run(RunOptions(paths=[project], cache_dir=tmp_path / "cache", jobs=1), cwd=tmp_path)
    assert result.findings  # the project's planted fault: phase 2 did run
    assert events[-2:] == [("analyze", False), ("freeze", False)]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_last_project_s_analysis_is_handed_to_a_caller_that_exits_without_freeing_it(
        project: Path, tmp_path: Path) -> None:
    """The CLI leaves with os._exit: the last project's graph and summaries go to its list
    rather than being freed object by object at the end of the run (an earlier project's
    are freed as the next one is analysed); without a list, nothing is kept."""
    other = tmp_path / "other"
    _write(other, "Pulumi.yaml", "name: other\nruntime: python\n")
    _write(other, "__main__.py", "import pulumi_aws as aws\n\naws.s3.Bucket('logs')\n")
    left: list[object] = []
    result = runner.run(RunOptions(paths=[project, other], use_cache=False, jobs=1, left_for_exit=left), cwd=tmp_path)
    assert "infra" in {finding.path.split("/")[0] for finding in result.findings}
    [(graph, summaries)] = left  # type: ignore[misc]
    assert [summary.path for summary in summaries] == ["__main__.py"]  # "other", after "infra"
    assert [resource.name for resource in graph.graph if resource.type == "aws:s3/bucket:Bucket"] == ["logs"]


def test_the_commands_leave_their_last_analysis_for_the_process_s_exit(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzers import cli, command_line

    monkeypatch.chdir(project)
    assert cli.main(["lint", "--exit-zero", "-q", "--no-cache", "."]) == 0
    [linted] = command_line.LEFT_FOR_EXIT
    assert cli.main(["check", "--exit-zero", "-q", "--no-cache", "."]) == 0
    [checked] = command_line.LEFT_FOR_EXIT  # replaced, not added to, by the next run in this process
    assert checked is not linted
    command_line.LEFT_FOR_EXIT.clear()
