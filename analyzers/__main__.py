"""``python -m analyzers``: the same as the ``stackguard`` command."""

import sys

from analyzers.cli import main

if __name__ == "__main__":
    sys.exit(main())
