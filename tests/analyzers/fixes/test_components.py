"""SG102/SG103 fixes: where they stand back."""

from __future__ import annotations

from tests.support.fixing import findings, fix

STORAGE = '''
import pulumi
import pulumi_aws as aws

{module}

class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
{body}


Storage("assets")
{after}
'''


def program(body: str, module: str = "", after: str = "") -> dict[str, str]:
    indented = "\n".join(f"        {line}" if line else "" for line in body.splitlines())
    return {"__main__.py": STORAGE.format(module=module, body=indented, after=after)}


def test_options_from_outside_the_method_are_merged_at_the_child_not_changed_where_shared() -> None:
    body = 'self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=SHARED)\nself.register_outputs({})'
    for after in ("", 'aws.s3.Bucket("root-bucket", opts=SHARED)'):
        files = program(body, module="SHARED = pulumi.ResourceOptions(protect=True)", after=after)
        fixed = fix(files, {"SG103"}).fixed["__main__.py"]
        assert "SHARED = pulumi.ResourceOptions(protect=True)\n" in fixed  # no `self` at module level
        assert "opts=pulumi.ResourceOptions.merge(SHARED, pulumi.ResourceOptions(parent=self))" in fixed
        assert "SG103" not in {f.code for f in findings({"__main__.py": fixed})}


def test_sg102_stands_back_where_the_author_registers_elsewhere_or_returns_early() -> None:
    early = program("if not name:\n    return\n"
                    "self.bucket = aws.s3.Bucket(name, opts=pulumi.ResourceOptions(parent=self))")
    assert "SG102" in {f.code for f in findings(early)}
    assert fix(early, {"SG102"}).fixed == {}
    plain = program("self.bucket = aws.s3.Bucket(name, opts=pulumi.ResourceOptions(parent=self))")
    fixed = fix(plain, {"SG102"}).fixed["__main__.py"]
    assert 'self.register_outputs({"bucket": self.bucket.id})' in fixed


def test_sg103_keeps_a_parent_chosen_on_purpose() -> None:
    body = ('self.policy = aws.s3.BucketPolicy(f"{name}-policy", bucket="b", policy="{}",\n'
            '                                  opts=pulumi.ResourceOptions(parent=OTHER))\nself.register_outputs({})')
    files = program(body, module='OTHER = aws.s3.Bucket("other")')
    assert "SG103" in {f.code for f in findings(files)}
    assert fix(files, {"SG103"}).fixed == {}
