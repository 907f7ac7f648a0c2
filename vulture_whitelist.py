"""What vulture (``make lint``, ``scripts/test``) cannot see being used: names reached by a
string, by a framework, or read only by the tests. Never run; vulture only reads it. Each
entry says who uses the name: drop the entry together with its last user."""

from analyzers import cache, discovery, runner
from analyzers.fixes import apigateway, arguments, components, model, rds
from benchmarks.fixit_rules.parameter_group_family import ParameterGroupFamily
from policypack import harness
from policypack.crossguard import graph_cache
from policypack.harness import child_process, fake_aws, records
from policypack.knowledge import rds_support, tokens

# The codemods: analyzers/fixes/registry.py names each (module, function) and imports it on demand.
components.register_outputs  # SG102
components.parent_self  # SG103
rds.parameter_group_family  # SG201
rds.option_group_engine  # SG203
apigateway.lambda_permission  # SG301
apigateway.deployment_depends_on  # SG304
apigateway.permission_source_arn  # SG305
arguments.unknown_argument  # SG401
arguments.removed_argument  # SG402

# Module __getattr__ (PEP 562): lazy names of policypack.harness, and runner.PARALLEL_THRESHOLD
# (the worker pool's, read without importing the pool; tests/analyzers/test_cli_runner.py).
harness.__getattr__
runner.__getattr__

# Run by name: the child process's bootstrap is a ``python -c`` string (child_process._BOOTSTRAP).
child_process.child_main
# Called by pulumi.runtime.Mocks: the mock monitor asks it for each resource's id and outputs.
fake_aws.RealisticMocks.new_resource
# Read by fixit: a LintRule's message and the metadata it needs (benchmarks/bench_scale.py).
ParameterGroupFamily.MESSAGE
ParameterGroupFamily.METADATA_DEPENDENCIES

# Read by the tests only: what they observe, and the in-memory pipeline they run examples through.
cache.SummaryCache.hits  # tests/analyzers/test_cache.py
cache.SummaryCache.misses  # tests/analyzers/test_cache.py
discovery.FileSet.file_count  # tests/analyzers/test_cli_discovery.py
model.Outcome.rounds  # tests/analyzers/fixes/test_engine.py (fixing stops after MAX_ROUNDS)
graph_cache.install.__wrapped__  # pulumi-policy's own AnalyzeStack: tests/policypack/crossguard/test_request_graph.py
runner.lint_sources  # tests/analyzers/test_suppressions_examples.py, test_suppression_governance.py
records.StackCapture.stack_outputs  # tests/policypack/harness/, tests/reference_stack/
# Facts the knowledge tests check against (tests/policypack/knowledge/test_rds_support.py).
rds_support.UNVERIFIED
rds_support.CALENDAR_ENGINES
# Type tokens no rule names yet: tests/analyzers/extract/test_extract_naming.py checks every token in
# the module (vars(tokens)) against the analyzer's naming.
tokens.REST_RESOURCE
tokens.LAMBDA_FUNCTION_URL
