"""Phase 2 stays bounded on values built to explode: shared values, long chains, deep data."""

from __future__ import annotations

import time

import pytest

from analyzers.project import analyze, summarize_file
from policypack.graph import UNKNOWN
from tests.analyzers.extract.sources import graph_of

BUCKET = "aws:s3/bucket:Bucket"


def seconds(source: str) -> float:
    summary = summarize_file("__main__.py", source.encode())
    assert summary.problems == ()
    started = time.monotonic()
    analyze([summary])
    return time.monotonic() - started


@pytest.mark.parametrize("step", [
    "x = [x, x]",
    "x = {'a': x, 'b': x}",
    "x = x + x",
    "x.append(x)",
    "x = aws.s3.BucketWebsiteArgs(index_document=x, error_document=x)",
    "x = pulumi.ResourceOptions(parent=x, depends_on=[x, x])",
])
def test_a_value_doubled_forty_times_is_unknown_not_a_trillion_items(step: str) -> None:
    # each line doubles the value as a tree: 2**40 items, in a 1 KB file
    lines = "\n".join([step] * 40)
    source = f"import json\nimport pulumi\nimport pulumi_aws as aws\nx = [1]\n{lines}\n" \
             f"y = [1]\n{lines.replace('x', 'y')}\nz = x if c else y\n" \
             "aws.s3.Bucket('b', tags=z, bucket=json.dumps(x), website=x, opts=z)\n"
    assert seconds(source) < 10


def test_deep_data_from_json_is_unknown() -> None:
    deep = "[" * 900 + "]" * 900
    graph = graph_of(f"import json\nimport pulumi_aws as aws\na = json.loads('{deep}')\nb = json.loads('{deep}')\n"
                     "aws.s3.Bucket('b', tags=a if c else b)\n")
    [bucket] = graph.of_type(BUCKET)
    assert bucket.props["tags"] is UNKNOWN


def test_wide_data_within_bounds_is_still_known() -> None:
    items = ", ".join(f"'k{i}': [{i}, {i + 1}]" for i in range(2000))
    graph = graph_of(f"import pulumi_aws as aws\nTAGS = {{{items}}}\naws.s3.Bucket('b', tags=TAGS)\n")
    [bucket] = graph.of_type(BUCKET)
    assert bucket.props["tags"]["k1999"] == [1999, 2000]


def test_a_long_inheritance_chain_costs_linear_time() -> None:
    def chain(classes: int) -> str:
        lines = ["import pulumi", "class C0(pulumi.ComponentResource):", "    pass"]
        lines += [f"class C{i}(C{i - 1}):\n    pass" for i in range(1, classes)]
        return "\n".join(lines) + f"\nC{classes - 1}('x')\n"

    small, large = seconds(chain(1000)), seconds(chain(5000))
    assert large <= 10 * small + 3, (small, large)


def test_branches_that_rebind_a_name_cost_linear_time() -> None:
    def branches(count: int) -> str:
        return "import pulumi_aws as aws\nx = 1\n" + "if c:\n    x = x + 1\n" * count + "aws.s3.Bucket('b', bucket=x)\n"

    def both_phases(count: int) -> float:
        started = time.monotonic()
        analyze([summarize_file("__main__.py", branches(count).encode())])
        return time.monotonic() - started

    small, large = both_phases(500), both_phases(2500)
    assert large <= 10 * small + 3, (small, large)


def test_a_value_with_many_alternatives_keeps_its_references() -> None:
    branches = "".join(f"elif c == {i}:\n    target = b{i % 3}.id + '{i}'\n" for i in range(1, 100))
    graph = graph_of(f'''
import pulumi_aws as aws
b0, b1, b2 = aws.s3.Bucket("b0"), aws.s3.Bucket("b1"), aws.s3.Bucket("b2")
target = None
if c == 0:
    target = b0.id
{branches}
aws.s3.BucketPolicy("policy", bucket=target, policy="{{}}")
''')
    [policy] = graph.of_type("aws:s3/bucketPolicy:BucketPolicy")
    assert policy.props["bucket"] is UNKNOWN
    assert len(policy.property_dependencies.get("bucket", ())) == 3  # every bucket it may be
