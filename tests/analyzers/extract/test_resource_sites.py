"""The resource index: every construction site with its type token and name (or name pattern)."""

from __future__ import annotations

import time

import pytest

from analyzers import project
from analyzers.extract.resource_sites import name_matches


def sites_of(files: dict[str, str]):
    summaries = [project.summarize_file(path, text.encode()) for path, text in sorted(files.items())]
    return project.resource_sites(summaries)


def shown(files: dict[str, str]) -> list[tuple[str, str, int]]:
    return [(site.type.rsplit(":", 1)[-1], site.shown_name(), site.line) for site in sites_of(files)]


def test_literal_f_string_loop_and_helper_names() -> None:
    program = (
        "import pulumi\n"
        "import pulumi_aws as aws\n"
        "env = pulumi.Config().require('env')\n"
        "aws.s3.Bucket('logs')\n"
        "aws.s3.Bucket(f'{env}-data')\n"
        "for zone in ['a', 'b']:\n"
        "    aws.ec2.Subnet(f'subnet-{zone}', vpc_id='v')\n"
        "for zone in pulumi.Config().require_object('zones'):\n"
        "    aws.ec2.Subnet('private-' + zone, vpc_id='v')\n"
        "def queue(name):\n"
        "    return aws.sqs.Queue(name)\n"
        "queue(f'{env}-orders')\n"
        "queue('refunds')\n"
        "aws.sqs.Queue(pulumi.Config().require('q'))\n"
    )
    assert shown({"__main__.py": program}) == [
        ("Bucket", "logs", 4),
        ("Bucket", "*-data", 5),
        ("Subnet", "subnet-a", 7),
        ("Subnet", "subnet-b", 7),
        ("Subnet", "private-*", 9),
        ("Queue", "*-orders", 11),
        ("Queue", "refunds", 11),
        ("Queue", "*", 14),
    ]


def test_component_children_carry_the_instance_name_and_their_parent() -> None:
    component = (
        "import pulumi\n"
        "import pulumi_aws as aws\n"
        "class Store(pulumi.ComponentResource):\n"
        "    def __init__(self, name, opts=None):\n"
        "        super().__init__('acme:store:Store', name, None, opts)\n"
        "        self.bucket = aws.s3.Bucket(f'{name}-bucket', opts=pulumi.ResourceOptions(parent=self))\n"
        "        self.register_outputs({})\n"
    )
    main = "import pulumi\nfrom store import Store\nStore(f\"{pulumi.get_stack()}-media\")\nStore('backups')\n"
    sites = sites_of({"store.py": component, "__main__.py": main})
    assert [(s.path, s.line, s.shown_name(), s.at_root) for s in sites] == [
        ("__main__.py", 3, "*-media", True),
        ("__main__.py", 4, "backups", True),
        ("store.py", 6, "*-media-bucket", False),
        ("store.py", 6, "backups-bucket", False),
    ]
    media, backups, media_bucket, backups_bucket = sites
    assert sites[media_bucket.parent] is media and sites[backups_bucket.parent] is backups
    assert media.type == "acme:store:Store" and not media.custom and media_bucket.custom
    assert (media_bucket.class_name, media_bucket.function) == ("Store", "Store.__init__")


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        (("logs",), "logs", True),
        (("logs",), "logs2", False),
        ((None,), "anything", True),
        ((None, "-vpc"), "app-network-vpc", True),
        ((None, "-vpc"), "-vpc", True),
        (("app-", None), "app-", True),
        (("ab", None, "ba"), "aba", False),  # the prefix and suffix may not overlap
        (("ab", None, "ba"), "abba", True),
        ((None, "-private-", None), "x-private-1", True),
        (("a", None, "b", None, "c"), "a-c-b", False),
    ],
)
def test_name_matches(pattern, name: str, expected: bool) -> None:
    assert name_matches(pattern, name) is expected


def test_name_matching_is_not_exponential_on_hostile_patterns() -> None:
    pattern = (*(part for _ in range(200) for part in ("a", None)), "b")
    name = "a" * 20_000
    started = time.process_time()
    assert not name_matches(pattern, name)
    assert time.process_time() - started < 2  # generous: linear scans, no backtracking
