"""Benchmark of the static analyzer on a large synthetic Pulumi project (run on demand, not a test).

    python benchmarks/bench_analyzer.py [--files 400] [--keep DIR]

Generates a multi-module Pulumi project (components with RDS databases and
parameter groups, API Gateway → Lambda wiring, shared constants imported
across modules, and plain Python modules that never mention pulumi), then
measures in one process:

- parse:  bare ``libcst.parse_module`` of every file (the floor of any libcst tool);
- cold:   a full ``stackguard lint`` run with an empty cache, one process;
- cold-N: the same with parsing spread over worker processes (``--jobs``);
- warm:   the run again with every summary in the cache, in-process and as a
          ``python -m analyzers lint`` process (what a pre-commit hook pays);

and prints files/s, lines/s and the ratios cold/parse and warm/cold.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_CONSTANTS = '''\
"""Settings shared by the {name} modules."""

ENGINE = "postgres"
ENGINE_VERSION = "{major}.{minor}"
FAMILY = f"postgres{{ENGINE_VERSION.split('.')[0]}}"
INSTANCE_CLASS = "db.t4g.micro"
TAGS = {{"team": "{name}", "env": "prod", "cost-center": "{index}"}}
'''

_DATABASE = '''\
"""The {name} database: a PostgreSQL instance and its parameter group."""

import pulumi
import pulumi_aws as aws

from {package}.constants import ENGINE, ENGINE_VERSION, FAMILY, INSTANCE_CLASS, TAGS


class {cls}Database(pulumi.ComponentResource):
    def __init__(self, name: str, subnet_ids, opts: pulumi.ResourceOptions | None = None):
        super().__init__("bench:db:{cls}Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.params = aws.rds.ParameterGroup(
            f"{{name}}-params",
            family={family},
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value="500"),
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
            ],
            tags=TAGS,
            opts=child,
        )
        self.subnets = aws.rds.SubnetGroup(f"{{name}}-subnets", subnet_ids=subnet_ids, tags=TAGS, opts=child)
        self.instance = aws.rds.Instance(
            f"{{name}}-db",
            engine=ENGINE,
            engine_version=ENGINE_VERSION,
            instance_class=INSTANCE_CLASS,
            allocated_storage=20,
            username="app",
            manage_master_user_password=True,
            db_subnet_group_name=self.subnets.name,
            parameter_group_name=self.params.name,
            skip_final_snapshot=True,
            tags=TAGS,
            opts=child,
        )
        self.register_outputs({{"endpoint": self.instance.endpoint}})
'''

_API = '''\
"""The {name} HTTP API: a REST API calling a Lambda function."""

import json

import pulumi
import pulumi_aws as aws

from {package}.constants import TAGS


class {cls}Api(pulumi.ComponentResource):
    def __init__(self, name: str, role_arn, opts: pulumi.ResourceOptions | None = None):
        super().__init__("bench:api:{cls}Api", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.function = aws.lambda_.Function(
            f"{{name}}-fn",
            runtime="python3.12",
            handler="index.handler",
            role=role_arn,
            code=pulumi.AssetArchive({{"index.py": pulumi.StringAsset("def handler(e, c):\\n    return {{}}\\n")}}),
            tags=TAGS,
            opts=child,
        )
        self.api = aws.apigateway.RestApi(f"{{name}}-api", tags=TAGS, opts=child)
        self.resource = aws.apigateway.Resource(
            f"{{name}}-res", rest_api=self.api.id, parent_id=self.api.root_resource_id, path_part="items",
            opts=child,
        )
        self.method = aws.apigateway.Method(
            f"{{name}}-get", rest_api=self.api.id, resource_id=self.resource.id, http_method="GET",
            authorization="NONE", opts=child,
        )
        self.integration = aws.apigateway.Integration(
            f"{{name}}-int",
            rest_api=self.api.id,
            resource_id=self.resource.id,
            http_method=self.method.http_method,
            integration_http_method="POST",
            type="AWS_PROXY",
            uri=self.function.invoke_arn,
            opts=child,
        )
        self.permission = aws.lambda_.Permission(
            f"{{name}}-invoke",
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="apigateway.amazonaws.com",
            source_arn=self.api.execution_arn.apply(lambda arn: f"{{arn}}/*/*"),
            opts=child,
        )
        self.deployment = aws.apigateway.Deployment(
            f"{{name}}-deploy",
            rest_api=self.api.id,
            triggers={{"redeploy": json.dumps([1])}},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.integration]),
        )
        self.stage = aws.apigateway.Stage(
            f"{{name}}-stage", rest_api=self.api.id, deployment=self.deployment.id, stage_name="prod",
            opts=child,
        )
        self.register_outputs({{"url": self.stage.invoke_url}})
'''

_PLAIN = '''\
"""Helpers of the {name} service (no Pulumi here)."""

from __future__ import annotations

import dataclasses
import re

_SLUG = re.compile(r"[^a-z0-9-]+")


@dataclasses.dataclass(frozen=True)
class Item{index}:
    name: str
    size: int
    labels: tuple[str, ...] = ()

    def slug(self) -> str:
        return _SLUG.sub("-", self.name.lower()).strip("-")
'''

_MAIN = '''\
"""The stack: one database and one API per service."""

import pulumi
import pulumi_aws as aws

{imports}

role = aws.iam.Role("lambda-role", assume_role_policy="{{}}")
subnets = pulumi.Config().require_object("subnetIds")
{constructs}
'''


def _filler(index: int, lines: int) -> str:
    """Ordinary code that makes files realistically long (functions, branches, data)."""
    rng = random.Random(index)
    out: list[str] = []
    function = 0
    while len(out) + 16 <= lines:
        function += 1
        values = ", ".join(str(rng.randint(0, 999)) for _ in range(8))
        out.extend(
            [
                "",
                "",
                f"def helper_{index}_{function}(items, limit={rng.randint(1, 50)}):",
                f'    """Helper {function}: filters and sums."""',
                f"    table = [{values}]",
                "    total = 0",
                "    for position, item in enumerate(items):",
                "        if position >= limit:",
                "            break",
                "        if isinstance(item, int) and item in table:",
                "            total += item * 2",
                "        elif isinstance(item, str):",
                f"            total += len(item) + {rng.randint(1, 9)}",
                "        else:",
                "            total -= 1",
                "    return {'total': total, 'limit': limit, 'name': f'helper-{total}'}",
            ]
        )
    out.extend(f"LIMIT_{index}_{n} = {rng.randint(0, 99)}" for n in range(lines - len(out)))
    return "\n".join(out) + "\n"


def generate(root: Path, files: int, lines_per_file: int = 320) -> tuple[int, int]:
    """Write the project; return (files, lines)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    services = max(1, (files - 1) // 5)  # five files per service, plus __main__.py
    imports, constructs = [], []
    for index in range(services):
        name = f"svc{index:03d}"
        package = root / name
        package.mkdir(exist_ok=True)
        (package / "__init__.py").write_text("")
        major = (14, 15, 16, 17)[index % 4]
        # every 10th service has the SG201 fault (a literal family one major behind)
        family = f'"postgres{major - 1}"' if index % 10 == 0 else "FAMILY"
        cls = f"Svc{index:03d}"
        sources = {
            "constants.py": _CONSTANTS.format(name=name, major=major, minor=index % 10, index=index),
            "database.py": _DATABASE.format(name=name, package=name, cls=cls, family=family),
            "api.py": _API.format(name=name, package=name, cls=cls),
            "helpers.py": _PLAIN.format(name=name, index=index),
        }
        for filename, text in sources.items():
            body_lines = text.count("\n")
            (package / filename).write_text(text + _filler(index * 10 + len(filename), lines_per_file - body_lines))
        imports.append(f"from {name}.database import {cls}Database\nfrom {name}.api import {cls}Api")
        constructs.append(f'{cls}Database("{name}", subnets)\n{cls}Api("{name}", role.arn)')
    (root / "__main__.py").write_text(_MAIN.format(imports="\n".join(imports), constructs="\n".join(constructs)))
    paths = list(root.rglob("*.py"))
    return len(paths), sum(path.read_text().count("\n") for path in paths)


def _timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--lines", type=int, default=320, help="lines per file (approximate)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the cold-N run")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()

    gc.set_threshold(50_000, 20, 100)  # as the CLI does, for every row alike
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="stackguard-bench-"))
    try:
        project = workdir / "project"
        if project.exists():
            shutil.rmtree(project)
        files, lines = generate(project, args.files, args.lines)
        sources = [path.read_bytes() for path in sorted(project.rglob("*.py"))]
        print(f"project: {files} files, {lines} lines ({sum(map(len, sources)) / 1e6:.1f} MB) in {project}")

        import libcst  # the floor: what parsing alone costs

        parse_s, _ = _timed(lambda: [libcst.parse_module(source) for source in sources])
        # The front end parses only files that mention pulumi (the others get a cheap
        # stdlib-ast summary), so this is the floor a full run is compared with.
        pulumi_sources = [source for source in sources if b"pulumi" in source]
        parse_pulumi_s, _ = _timed(lambda: [libcst.parse_module(source) for source in pulumi_sources])

        from analyzers import runner

        def lint(cache: Path | None, jobs: int) -> runner.RunResult:
            options = runner.RunOptions(paths=[project], use_cache=cache is not None, cache_dir=cache, jobs=jobs)
            return runner.run(options, cwd=workdir)

        cache = workdir / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        cold_s, cold = _timed(lambda: lint(cache, jobs=1))
        shutil.rmtree(cache, ignore_errors=True)
        cold_n_s, cold_n = _timed(lambda: lint(cache, jobs=args.jobs))
        warm_s, warm = _timed(lambda: lint(cache, jobs=1))
        assert warm.parsed == 0 and warm.cache_hits == files, (warm.parsed, warm.cache_hits)
        assert [f.fingerprint for f in cold.findings] == [f.fingerprint for f in warm.findings]
        assert [f.fingerprint for f in cold_n.findings] == [f.fingerprint for f in cold.findings]

        def row(label: str, seconds: float) -> str:
            return (f"{label:<22}{seconds:>8.2f} s {files / seconds:>10.0f} files/s "
                    f"{lines / seconds:>12.0f} lines/s")

        cli_s, cli = _timed(lambda: subprocess.run(
            [sys.executable, "-m", "analyzers", "lint", "--exit-zero", "-q", "--cache-dir", str(cache), "."],
            cwd=project, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=600))
        assert cli.returncode == 0, cli.stderr

        print(row("libcst.parse_module", parse_s) + "  (every file)")
        print(row("libcst.parse_module", parse_pulumi_s) + f"  ({len(pulumi_sources)} files that mention pulumi)")
        print(row("cold, 1 process", cold_s))
        print(row(f"cold, {args.jobs} processes", cold_n_s))
        print(row("warm (cache hits)", warm_s))
        print(row("warm, CLI process", cli_s) + "  (python -m analyzers lint: startup included)")
        print(f"cold/parse(pulumi files) = {cold_s / parse_pulumi_s:.2f}   cold/parse(all) = {cold_s / parse_s:.2f}   "
              f"cold-{args.jobs}/cold = {cold_n_s / cold_s:.2f}   warm/cold = {warm_s / cold_s:.3f}")
        by_code: dict[str, int] = {}
        for finding in cold.findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        print(f"findings: {len(cold.findings)} {dict(sorted(by_code.items()))}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
