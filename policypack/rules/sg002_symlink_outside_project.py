"""SG002 symlink-outside-project (static only: found by analyzers.discovery).

Its examples are programs whose first lines declare the links beside them
(``# symlink: NAME -> TARGET``, TARGET relative to the program's directory);
tests/analyzers/test_discovery_examples.py builds each layout and lints it.
"""

from __future__ import annotations

from policypack.rules.base import Detector, Example, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG002",
    name="symlink-outside-project",
    severity=Severity.INFO,
    tags=("security",),
    detectors=_STATIC,
    summary=(
        "Reports a symbolic link in the linted tree (a `.py` file, or a directory) whose target "
        "lies outside the project root, and a path on the command line that leads outside the "
        "current directory through one. stackguard does not follow such a link: nothing behind "
        "it is read, analyzed or shown."
    ),
    why=(
        "The code behind the link is not part of the repository under review, so it is not "
        "analyzed and a clean report does not cover it. And stackguard runs on pull requests "
        "from strangers: a linter that followed `db.py -> ~/.aws/credentials` on a CI runner "
        "would read a file that is not part of the change and could echo it in a report."
    ),
    fix=(
        "Keep the module inside the project (copy it, or install the shared code as a package "
        "the program depends on), or lint the linked directory by its own path. Links whose "
        "target stays inside the project are followed as usual; `ignore = [\"SG002\"]` hides "
        "the notice when the links are intended."
    ),
    bad=(
        Example('''
# symlink: helpers.py -> ../../shared/helpers.py
import pulumi
from helpers import bucket_name

pulumi.export("bucket", bucket_name("logs"))
''', flagged=("helpers.py",), detectors=_STATIC, note="a shared module linked in from outside the project"),
        Example('''
# symlink: components -> ../../platform/components
import pulumi
from components import storage

pulumi.export("bucket", storage.BUCKET_NAME)
''', flagged=("components",), detectors=_STATIC, note="a directory linked in from outside the project"),
        Example('''
# symlink: settings.py -> ../../../runner/.aws/credentials
import pulumi
import settings

pulumi.export("region", settings.REGION)
''', flagged=("settings.py",), detectors=_STATIC,
            note="a link planted to make a linter read a file from the machine it runs on"),
    ),
    good=(
        Example('''
# symlink: helpers.py -> lib/helpers.py
import pulumi
from helpers import bucket_name

pulumi.export("bucket", bucket_name("logs"))
''', detectors=_STATIC, note="the target stays inside the project: the link is followed"),
        Example('''
# symlink: parts -> components
import pulumi
from components import storage

pulumi.export("bucket", storage.BUCKET_NAME)
''', detectors=_STATIC, note="a directory link inside the project (its files are walked once, by their real path)"),
    ),
    references=("https://cwe.mitre.org/data/definitions/59.html",),
    no_autofix=(
        "whether the linked code belongs in the project or the link should go is the repository "
        "owner's call; `--fix` never writes through a link either."
    ),
    static_check="analyzers.runner:escaping_link_finding",
)
