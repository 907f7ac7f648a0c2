"""Entry point the Pulumi Python language host runs for this policy pack.

``pulumi preview --policy-pack <this directory>`` starts
``python -m pulumi.policy <engine> <pack dir>`` with the pack dir as cwd, which
executes this file.
"""

import os
import sys

# The pack dir is the repository root; make its packages importable even when
# stackguard is not pip-installed into the interpreter that runs the pack.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from policypack.crossguard.pack import main

main()
