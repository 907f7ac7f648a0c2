"""One small qualified-name rule: a literal ``family=`` on ``pulumi_aws.rds.ParameterGroup``."""

import libcst as cst
from fixit import LintRule
from libcst.metadata import QualifiedNameProvider


class ParameterGroupFamily(LintRule):
    MESSAGE = "rds.ParameterGroup with a literal family: check it matches the engine version"
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def visit_Call(self, node: cst.Call) -> None:
        names = self.get_metadata(QualifiedNameProvider, node.func, set())
        if not any(name.name == "pulumi_aws.rds.ParameterGroup" for name in names):
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "family" and isinstance(arg.value, cst.SimpleString):
                self.report(arg)
