"""SG201 and SG203: the group's family / engine / major, rewritten where it is written."""

from __future__ import annotations

import libcst as cst

from analyzers.findings import Finding
from analyzers.fixes import scopes
from analyzers.fixes.engine import key_of
from analyzers.fixes.model import Change, Edit, Fix
from analyzers.fixes.origins import WrittenValue, argument, respell, written_expression, written_value
from analyzers.fixes.source import SourceFile, dotted
from analyzers.fixes.workspace import Workspace
from policypack.graph import Resource
from policypack.rules import sg201_rds_parameter_group_family_mismatch as sg201
from policypack.rules import sg203_rds_option_group_engine_mismatch as sg203
from policypack.rules.base import FixSafety

_DEFAULT_PREFIX = "default."


def _knows(resource: Resource, *props: str) -> bool:
    return "*" not in resource.unresolved and not any(prop in resource.unresolved for prop in props)


class _Respellings:
    """Props rewritten where they are written, gathered into one fix (both rules' shape)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.edits: set[Edit] = set()
        self.changes: set[Change] = set()
        self.said: list[str] = []

    def add(self, target: Resource, prop: str, wanted: str, said: str, written: WrittenValue | None = None) -> bool:
        """Respell ``prop`` of ``target`` as ``wanted``; False when its literals can't say it."""
        written = written if written is not None else written_value(self.workspace, target, prop)
        respelled = respell(written, wanted) if written is not None else None
        if respelled is None:
            return False
        self.edits.update(respelled)
        self.changes.add((self.workspace.identity(target), prop))
        self.said.append(said)
        return True

    def fix(self, finding: Finding, description: str) -> Fix:
        return Fix(key_of(finding), FixSafety.SAFE, f"{description} ({', '.join(self.said)})",
                   tuple(sorted(self.edits)), frozenset(self.changes))


def parameter_group_family(workspace: Workspace, finding: Finding) -> Fix | None:
    databases = {resource.urn for resource in workspace.resources_at(finding)}
    found = [m for m in sg201.mismatches(workspace.graph) if m.database.urn in databases]
    if not found:
        return None
    respellings = _Respellings(workspace)
    for mismatch in found:
        database, info = mismatch.database, mismatch.info
        if not _knows(database, "engine", "engineVersion", mismatch.prop):
            return None
        if info.source is not database and not _knows(info.source, "engine", "engineVersion"):
            return None
        if mismatch.group.resource is None:  # an AWS default group named on the database
            written = written_value(workspace, database, mismatch.prop)
            if written is None:
                return None
            wanted = written.value[:len(_DEFAULT_PREFIX)] + mismatch.expected
            if not respellings.add(database, mismatch.prop, wanted, f"{database.name}: '{wanted}'", written):
                return None
        else:
            group = mismatch.group.resource
            if not _knows(group, "family") or not respellings.add(
                    group, "family", mismatch.expected, f"{group.name}: '{mismatch.expected}'"):
                return None
    fix = respellings.fix(finding, "set the parameter group family")
    if len(found) == 1 and found[0].group.resource is not None:
        derived = _derived_family(workspace, found[0], fix)
        if derived is not None:
            return derived
    return fix


def _derived_family(workspace: Workspace, mismatch: sg201.Mismatch, literal_fix: Fix) -> Fix | None:
    """``family=helper(ENGINE_VERSION)`` when the version is a constant and the code already has a
    function deriving the family from it (verification decides; the literal fix is the fallback)."""
    group = mismatch.group.resource
    assert group is not None
    version_arg = written_expression(workspace, mismatch.info.source, "engineVersion")
    group_call = workspace.call(group)
    if version_arg is None or group_call is None:
        return None
    version_file, version = version_arg
    file, call = group_call
    family_arg = argument(file, call, "family")
    if version_file.path != file.path or family_arg is None:
        return None
    constant = dotted(version.value)
    if constant is None or not _module_level_name(file, constant.split(".")[0], [call, version.value]):
        return None
    helper = _family_helper(file, call)
    if helper is None:
        return None
    start, end = file.span(family_arg.value)
    edit = Edit(file.path, start, end, f"{helper}({constant})")
    return Fix(literal_fix.finding, FixSafety.SAFE,
               f"derive the family of parameter group '{group.name}' with {helper}({constant})",
               (edit,), literal_fix.changes, fallback=literal_fix)


def _module_level_name(file: SourceFile, name: str, used_at: list[cst.CSTNode]) -> bool:
    """Whether ``name`` means the same module-level binding at every node of ``used_at``."""
    for node in used_at:
        for scope in scopes.function_scopes(file, node)[:-1]:
            if scopes.binds_locally(file, scope, name):
                return False
    return bool(scopes.bindings(file.module, name))


def _family_helper(file: SourceFile, at: cst.CSTNode) -> str | None:
    """A one-parameter module-level function named like ``*family*`` visible at ``at``."""
    found = []
    for statement in file.module.body:
        if isinstance(statement, cst.FunctionDef) and "family" in statement.name.value.lower():
            params = statement.params
            if len(params.params) == 1 and not (params.posonly_params or params.kwonly_params
                                                or isinstance(params.star_arg, (cst.Param, cst.ParamStar))
                                                or isinstance(params.star_kwarg, cst.Param)):
                found.append(statement.name.value)
    found = [name for name in found if _module_level_name(file, name, [at])
             and len(scopes.bindings(file.module, name)) == 1]
    return found[0] if len(found) == 1 else None


def option_group_engine(workspace: Workspace, finding: Finding) -> Fix | None:
    instances = {resource.urn for resource in workspace.resources_at(finding)}
    found = [m for m in sg203.mismatches(workspace.graph) if m.instance.urn in instances]
    if not found:
        return None
    respellings = _Respellings(workspace)
    for mismatch in found:
        if not _knows(mismatch.instance, "engine", "engineVersion", "optionGroupName"):
            return None
        for prop, wanted in (("engineName", mismatch.engine), ("majorEngineVersion", mismatch.major)):
            if wanted is None:
                continue
            if not _knows(mismatch.group, prop) or not respellings.add(mismatch.group, prop, wanted,
                                                                       f"{prop} '{wanted}'"):
                return None
    return respellings.fix(finding, f"make option group '{found[0].group.name}' match the instance")
