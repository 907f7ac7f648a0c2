"""``python -m analyzers``: the same as the ``stackguard`` command."""

from analyzers.cli import entry

if __name__ == "__main__":
    entry()
