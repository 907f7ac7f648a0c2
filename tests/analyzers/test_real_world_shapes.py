"""Shapes seen in public Pulumi programs that once tripped the analyzer."""

from analyzers.runner import lint_sources


def codes(findings) -> list[str]:
    return sorted(f.code for f in findings)


def test_parenthesised_boolean_operand_of_another_operator_is_analyzed() -> None:
    source = '''
import pulumi
import pulumi_aws as aws

domain = pulumi.Config().require("domain")
if not pulumi.runtime.is_dry_run() and ("preview-" in domain or domain.endswith("example.com")):
    raise Exception("configure a real domain first")

params = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance("db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",
                 parameter_group_name=params.name)
'''
    found = codes(lint_sources({"__main__.py": source}))
    assert "SG000" not in found
    assert "SG201" in found


def test_long_chains_of_mixed_boolean_operators() -> None:
    condition = " and ".join(f"(a{i} or b{i})" for i in range(200))
    source = f"import pulumi\nx = {condition}\n"
    assert "SG000" not in codes(lint_sources({"__main__.py": source}))


# --- options passed through a kwargs dict or an unknown ``**spread`` ---------------------

_KWARGS_DICT_COMPONENT = '''
import pulumi
import pulumi_aws as aws


class Fleet(pulumi.ComponentResource):
    def __init__(self, name, spot=False, opts=None):
        super().__init__("acme:fleet:Fleet", name, None, opts)
        child = {OPTS}
        template_kwargs = {{"name_prefix": name, "opts": child}}
        if spot:
            template_kwargs["instance_type"] = "t4g.small"
        self.template = aws.ec2.LaunchTemplate(f"{{name}}-lt", **template_kwargs)
        self.register_outputs({{}})


Fleet("web", spot=pulumi.Config().get_bool("spot"))
'''


def test_options_in_a_kwargs_dict_grown_in_a_branch_still_count() -> None:
    source = _KWARGS_DICT_COMPONENT.format(OPTS="pulumi.ResourceOptions(parent=self).merge(opts)")
    assert "SG103" not in codes(lint_sources({"__main__.py": source}))


def test_options_without_parent_in_a_kwargs_dict_grown_in_a_branch_are_still_reported() -> None:
    source = _KWARGS_DICT_COMPONENT.format(OPTS="pulumi.ResourceOptions(protect=True)")
    assert codes(lint_sources({"__main__.py": source})) == ["SG103"]


def test_keys_of_a_kwargs_dict_grown_in_a_branch_keep_their_references() -> None:
    source = '''
import pulumi
import pulumi_aws as aws

params = aws.rds.ParameterGroup("params", family="postgres14")
db_kwargs = {"engine": "postgres", "engine_version": "17.5", "instance_class": "db.t4g.micro"}
if pulumi.Config().get_bool("tuned"):
    db_kwargs["parameter_group_name"] = params.name
aws.rds.Instance("db", **db_kwargs)

always = {"engine": "postgres", "engine_version": "17.5", "parameter_group_name": params.name}
if pulumi.Config().get_bool("big"):
    always["instance_class"] = "db.r6g.large"
aws.rds.Instance("db2", **always)
'''
    found = lint_sources({"__main__.py": source})
    mismatches = [f for f in found if f.code == "SG201"]
    # db2 always gets the postgres14 group on postgres 17; db gets it on one path, and the
    # references of every path count (as for any branch), so both are reported.
    assert [f.line for f in mismatches] == [9, 14]


def test_an_unknown_kwargs_spread_may_carry_the_options() -> None:
    source = '''
import pulumi
import pulumi_aws as aws


class Store(pulumi.ComponentResource):
    def __init__(self, name, settings, opts=None):
        super().__init__("acme:store:Store", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", **settings)
        self.register_outputs({})


Store("assets", pulumi.Config().get_object("bucket_settings"))
aws.s3.Bucket("loose", **pulumi.Config().get_object("loose_settings"))
'''
    assert codes(lint_sources({"__main__.py": source})) == []


# --- files written for a newer Python than the analyzer's ---------------------------------

def test_python_3_12_syntax_is_analyzed_not_reported_as_a_parse_error() -> None:
    main = '''
import re

import pulumi
import pulumi_aws as aws

from naming import Label


def job_name(version: str) -> str:
    return f"install-{re.sub(r'[^a-z0-9\\-]', '', version.lower())}-{pulumi.get_stack()}"


settings = {"engine": "postgres"}
label = f"{settings["engine"]}-db"
params = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance("db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",
                 parameter_group_name=params.name)
'''
    helper = "type Label = str\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
    found = lint_sources({"__main__.py": main, "naming.py": helper})
    assert [(f.code, f.path, f.line) for f in found if f.code != "SG101"] == [("SG201", "__main__.py", 17)]


def test_a_file_invalid_for_every_python_is_still_a_parse_error() -> None:
    source = "import pulumi\nname = f\"{pulumi.get_stack()\"\nx = (1 +\n"
    assert codes(lint_sources({"__main__.py": source})) == ["SG000"]


def test_deeply_nested_new_syntax_is_refused_before_libcst_sees_it() -> None:
    source = 'import pulumi\nx = f"{"a"}"\ny = ' + "(" * 300 + "1" + ")" * 300 + "\n"
    assert codes(lint_sources({"__main__.py": source})) == ["SG000"]
