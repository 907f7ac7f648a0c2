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
