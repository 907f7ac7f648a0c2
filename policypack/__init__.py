"""stackguard's knowledge core and its CrossGuard adapter.

Everything importable from ``policypack`` (except ``policypack.crossguard``) is
pure Python with no third-party imports, so the static analyzer can share the
facts and checks without installing pulumi, pulumi-policy or pulumi-aws.
"""

__version__ = "0.1.0"
