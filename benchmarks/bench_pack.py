"""How the policy pack scales with stack size (run on demand, not a test).

Builds synthetic AnalyzeStackRequests of N resources (components holding RDS
databases with parameter groups and REST APIs wired to Lambda functions, with
a few planted faults), evaluates every policy through pulumi-policy's servicer
in-process, and prints the time per size and the ratio to the smallest size.
Linear rules give time ratios close to the size ratios.

    python benchmarks/bench_pack.py [--sizes 1000,5000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policypack.crossguard.local import analyze_stack
from tests.support.engine_messages import UNKNOWN_WIRE, resource, stack_request
from tests.support.graphs import urn

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["STACKGUARD_STRICT"] = "1"
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        request, count = build(size)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            results = analyze_stack(request)
            best = min(best, time.perf_counter() - start)
        rows.append((count, best, len(results)))
    base_count, base_time, _ = rows[0]
    print(f"{'resources':>10} {'seconds':>9} {'res/s':>9} {'size x':>7} {'time x':>7} {'violations':>10}")
    for count, seconds, violations in rows:
        print(f"{count:>10} {seconds:>9.3f} {count / seconds:>9.0f} {count / base_count:>7.1f} "
              f"{seconds / base_time:>7.1f} {violations:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
