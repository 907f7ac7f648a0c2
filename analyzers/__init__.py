"""stackguard's static analyzer: finds the catalog's faults in Pulumi Python source.

It never imports pulumi, pulumi-policy or pulumi-aws, and imports libcst only
when a file actually has to be parsed.
"""
