"""`pulumi preview --policy-pack <repo>` with the real Pulumi CLI and engine.

No cloud and no internet: a local file backend, a passphrase secrets
provider, and a stand-in `pulumi-resource-aws` (tests/e2e/stand_in_provider)
that answers the engine's provider calls offline. Policy results are read from
the engine's streaming JSON events, not from text.

`scripts/test` (the README's test command) puts the CLI on PATH. In CI a
missing CLI fails these tests; a local run without it skips them with a
reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from policypack.rules import rule_by_code_or_name

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
STAND_IN = REPO / "tests" / "e2e" / "stand_in_provider"
FIXTURES = REPO / "tests" / "fixtures"
PREVIEW_TIMEOUT = 300


def _require_cli() -> str:
    missing = [tool for tool in ("pulumi", "pulumi-language-python") if shutil.which(tool) is None]
    if missing:
        message = (f"{', '.join(missing)} not on PATH: run the tests through `make test` "
                   "(scripts/install-pulumi-cli builds the CLI)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return shutil.which("pulumi")


@dataclass
class Preview:
    returncode: int
    events: list[dict]
    output: str

    def violations(self) -> dict[str, set[tuple[str, str]]]:
        """enforcement level → {(rule code, resource logical name)} from policyEvents."""
        found: dict[str, set[tuple[str, str]]] = {}
        for event in self.events:
            policy_event = event.get("policyEvent")
            if not policy_event or policy_event.get("policyPackName") != "stackguard":
                continue
            rule = rule_by_code_or_name(policy_event["policyName"])
            assert rule is not None, policy_event["policyName"]
            name = policy_event.get("resourceUrn", "").rsplit("::", 1)[-1]
            found.setdefault(policy_event["enforcementLevel"], set()).add((rule.code, name))
        return found

    def all_violations(self) -> set[tuple[str, str]]:
        return set().union(*self.violations().values()) if self.violations() else set()


class Workspace:
    """A throwaway PULUMI_HOME, file backend and copy of one program."""

    def __init__(self, root: Path, program: Path) -> None:
        self.pulumi = _require_cli()
        self.project = root / "project"
        shutil.copytree(program, self.project, ignore=shutil.ignore_patterns("__pycache__", "expected.json"))
        (root / "state").mkdir()
        self.env = {
            **os.environ,
            "PATH": f"{STAND_IN}{os.pathsep}{os.environ['PATH']}",
            "PULUMI_HOME": str(root / "home"),
            "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": "e2e-only-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "true",
        }
        self.run("stack", "init", "dev", "--non-interactive")
        if not (self.project / "Pulumi.dev.yaml").exists():
            self.run("config", "set", "aws:region", "us-east-1")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        # pulumi can outlive SIGTERM while waiting on a plugin: kill it outright on timeout.
        command = ["timeout", "-s", "KILL", str(PREVIEW_TIMEOUT), self.pulumi, *args]
        result = subprocess.run(command, cwd=self.project, env=self.env, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, check=False)
        if check and result.returncode != 0:
            pytest.fail(f"pulumi {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def preview(self, *extra: str, json_events: bool = True) -> Preview:
        args = ["preview", "--non-interactive", "--policy-pack", str(REPO), *extra]
        if json_events:
            args.append("--json")
        result = self.run(*args, check=False)
        assert result.returncode != 137, f"pulumi preview timed out:\n{result.stdout[-3000:]}\n{result.stderr}"
        events = []
        if json_events:
            for line in result.stdout.splitlines():
                line = line.strip()
                if line.startswith("{"):
                    try:
                        events.append(json.loads(line))
                    except json.JSONDecodeError:
                        continue
        return Preview(result.returncode, events, result.stdout + result.stderr)


def manifest(program: Path) -> set[tuple[str, str]]:
    runtime = json.loads((program / "expected.json").read_text(encoding="utf-8"))["runtime"]
    return {(code, name) for code, names in runtime.items() for name in names}


def is_mandatory(code: str) -> bool:
    return rule_by_code_or_name(code).severity.value == "error"


def test_reference_stack_passes_with_the_pack_loaded(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, REPO / "reference_stack")
    preview = workspace.preview()
    assert preview.returncode == 0, preview.output[-4000:]
    loads = [e["policyLoadEvent"] for e in preview.events if "policyLoadEvent" in e]
    assert loads, "the policy pack was not loaded"
    summaries = [e["summaryEvent"] for e in preview.events if "summaryEvent" in e]
    assert summaries and any(key.startswith("stackguard|") for key in summaries[-1]["PolicyPacks"])
    assert preview.all_violations() == set()
    text = workspace.preview(json_events=False)
    assert text.returncode == 0 and "stackguard@v0.1.0" in text.output


FAULTY = sorted(path.parent for path in FIXTURES.rglob("expected.json")
                if json.loads(path.read_text())["runtime"] is not None)


@pytest.mark.parametrize("program", FAULTY, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_faulty_programs_report_exactly_their_violations(tmp_path: Path, program: Path) -> None:
    expected = manifest(program)
    preview = Workspace(tmp_path, program).preview()
    by_level = preview.violations()
    assert preview.all_violations() == expected, preview.output[-4000:]
    assert by_level.get("mandatory", set()) == {v for v in expected if is_mandatory(v[0])}
    assert by_level.get("advisory", set()) == {v for v in expected if not is_mandatory(v[0])}
    # Mandatory violations fail the preview; advisory ones only report.
    assert (preview.returncode != 0) == any(is_mandatory(code) for code, _ in expected)


def test_policy_pack_config_changes_levels_and_options(tmp_path: Path) -> None:
    program = FIXTURES / "faulty_stack"
    workspace = Workspace(tmp_path, program)
    config = tmp_path / "policy-config.json"
    mandatory = sorted({rule_by_code_or_name(code).name for code, _ in manifest(program) if is_mandatory(code)})
    config.write_text(json.dumps({
        **{name: "advisory" for name in mandatory},
        "resource-outside-component": {"allowedTypes": ["aws:ec2/*", "aws:iam/*"]},
    }), encoding="utf-8")
    preview = workspace.preview("--policy-pack-config", str(config))
    assert preview.returncode == 0, preview.output[-4000:]
    by_level = preview.violations()
    assert "mandatory" not in by_level
    advisory = by_level["advisory"]
    assert {code for code, _ in advisory} == {code for code, _ in manifest(program)}
    sg101 = {name for code, name in advisory if code == "SG101"}
    assert sg101 and not sg101 & {"main-vpc", "private-subnet-a", "lambda-role", "lambda-sg"}


def test_faulty_stack_after_fix_with_unsafe_fixes_passes(tmp_path: Path) -> None:
    """`stackguard lint --fix --unsafe-fixes` leaves only SG101 (advisory): the preview passes."""
    program = tmp_path / "fixed"
    shutil.copytree(FIXTURES / "faulty_stack", program, ignore=shutil.ignore_patterns("expected.json"))
    fixed = subprocess.run(
        [sys.executable, "-m", "analyzers", "lint", "--fix", "--unsafe-fixes", "--no-cache", "."],
        cwd=program, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300,
    )
    assert fixed.returncode == 1 and "fixed 4 finding(s)" in fixed.stderr, fixed.stdout + fixed.stderr
    preview = Workspace(tmp_path, program).preview()
    assert preview.returncode == 0, preview.output[-4000:]
    by_level = preview.violations()
    assert "mandatory" not in by_level
    assert {code for code, _ in by_level["advisory"]} == {"SG101"}
    assert {"api-integration-invoke", "api-deployment", "api-stage"} <= {name for _, name in by_level["advisory"]}


def test_sg201_default_group_is_remediated_only_when_enabled(tmp_path: Path) -> None:
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: remediation\nruntime: python\n")
    (program / "__main__.py").write_text(
        "import pulumi_aws as aws\n\n"
        'aws.rds.Instance("db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",\n'
        '                 allocated_storage=20, username="app", manage_master_user_password=True,\n'
        '                 parameter_group_name="default.postgres16")\n'
    )
    workspace = Workspace(tmp_path / "run", program)
    plain = workspace.preview()
    assert ("SG201", "db") in plain.violations().get("mandatory", set()), plain.output[-4000:]
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"rds-parameter-group-family-mismatch-remediation": "remediate"}))
    remediated = workspace.preview("--policy-pack-config", str(config))
    assert remediated.returncode == 0, remediated.output[-4000:]
    assert "mandatory" not in remediated.violations()
