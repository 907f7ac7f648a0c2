"""How the policy pack scales with stack size (run on demand, not a test).

Builds synthetic AnalyzeStackRequests of N resources (components holding RDS
databases with parameter groups and REST APIs wired to Lambda functions, with
a few planted faults) and times every policy's evaluation two ways: as the
engine calls it (the pack started as ``pulumi preview`` starts it, a separate
process serving gRPC; ``AnalyzeStack`` through a channel, the request
serialised and parsed on the way), and through pulumi-policy's servicer
in-process (no transport: the pack's own cost). Prints the time per size and
the ratio to the smallest size; linear rules give time ratios close to the
size ratios.

    python benchmarks/bench_pack.py [--sizes 1000,5000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
from pulumi.runtime.proto import analyzer_pb2_grpc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policypack.crossguard.local import analyze_stack
from tests.support.engine_messages import UNKNOWN_WIRE, resource, stack_request
from tests.support.graphs import urn

ROOT = Path(__file__).resolve().parents[1]

# Resources per unit: component, parameter group, instance, function, api, resource, method,
# integration, deployment, stage, permission.
PER_UNIT = 11


def build(size: int):
    units = max(1, size // PER_UNIT)
    messages = []
    for i in range(units):
        comp = urn("bench:app:Service", f"svc{i}")
        messages.append(resource("bench:app:Service", f"svc{i}", custom=False))
        pg = resource("aws:rds/parameterGroup:ParameterGroup", f"pg{i}",
                      {"family": "postgres14" if i % 97 == 0 else "postgres17"}, parent=comp)
        db = resource("aws:rds/instance:Instance", f"db{i}",
                      {"engine": "postgres", "engineVersion": "17.5", "parameterGroupName": UNKNOWN_WIRE},
                      parent=comp, prop_deps={"parameterGroupName": (pg.urn,)})
        fn = resource("aws:lambda/function:Function", f"fn{i}", {"runtime": "python3.12"}, parent=comp)
        api = resource("aws:apigateway/restApi:RestApi", f"api{i}", {}, parent=comp)
        res = resource("aws:apigateway/resource:Resource", f"res{i}", {"restApi": UNKNOWN_WIRE},
                       parent=comp, prop_deps={"restApi": (api.urn,)})
        method = resource("aws:apigateway/method:Method", f"m{i}",
                          {"restApi": UNKNOWN_WIRE, "httpMethod": "ANY", "authorization": "NONE"},
                          parent=comp, prop_deps={"restApi": (api.urn,), "resourceId": (res.urn,)})
        integ = resource("aws:apigateway/integration:Integration", f"int{i}",
                         {"restApi": UNKNOWN_WIRE, "type": "AWS_PROXY", "uri": UNKNOWN_WIRE},
                         parent=comp, prop_deps={"restApi": (api.urn,), "uri": (fn.urn,)})
        dep = resource("aws:apigateway/deployment:Deployment", f"dep{i}", {"restApi": UNKNOWN_WIRE},
                       parent=comp, deps=(method.urn, integ.urn), prop_deps={"restApi": (api.urn,)})
        stage = resource("aws:apigateway/stage:Stage", f"stage{i}",
                         {"restApi": UNKNOWN_WIRE, "deployment": UNKNOWN_WIRE, "stageName": "v1"},
                         parent=comp, prop_deps={"restApi": (api.urn,), "deployment": (dep.urn,)})
        messages += [pg, db, fn, api, res, method, integ, dep, stage]
        if i % 89:
            messages.append(resource(
                "aws:lambda/permission:Permission", f"perm{i}",
                {"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com",
                 "function": UNKNOWN_WIRE, "sourceArn": UNKNOWN_WIRE},
                parent=comp, prop_deps={"function": (fn.urn,), "sourceArn": (api.urn,)}))
    return stack_request(*messages), len(messages) + 1


@contextmanager
def served_pack() -> Iterator[Callable[[object], int]]:
    """The pack as the engine runs it: ``python __main__.py`` in the pack dir, serving gRPC on
    the port it prints. Yields a function that sends one AnalyzeStack and counts the violations."""
    env = {**os.environ, "STACKGUARD_STRICT": "1"}
    server = subprocess.Popen([sys.executable, "__main__.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        limit = 400 * 1024 * 1024  # as the engine's and the pack's own channel options
        with grpc.insecure_channel(f"127.0.0.1:{port}", options=[
                ("grpc.max_send_message_length", limit), ("grpc.max_receive_message_length", limit)]) as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            yield lambda request: len(stub.AnalyzeStack(request).diagnostics)
    finally:
        server.kill()
        server.wait()


def best_of(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = run()
        best = min(best, time.perf_counter() - start)
    return best, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["STACKGUARD_STRICT"] = "1"
    rows = []
    with served_pack() as over_grpc:
        for size in (int(s) for s in args.sizes.split(",")):
            request, count = build(size)
            grpc_time, diagnostics = best_of(args.repeat, lambda request=request: over_grpc(request))
            local_time, violations = best_of(args.repeat, lambda request=request: len(analyze_stack(request)))
            assert diagnostics == violations, "the served pack and the in-process servicer disagree"
            rows.append((count, grpc_time, local_time, violations))
    base = rows[0]
    print(f"{'resources':>10} {'gRPC s':>8} {'res/s':>7} {'in-proc s':>10} {'size x':>7} {'gRPC x':>7} "
          f"{'in-proc x':>9} {'violations':>10}")
    for count, grpc_time, local_time, violations in rows:
        print(f"{count:>10} {grpc_time:>8.3f} {count / grpc_time:>7.0f} {local_time:>10.3f} {count / base[0]:>7.1f} "
              f"{grpc_time / base[1]:>7.1f} {local_time / base[2]:>9.1f} {violations:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
