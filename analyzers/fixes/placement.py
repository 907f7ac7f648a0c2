"""Where inserted code goes and how it refers to what is already there.

Shared by the codemods that add arguments or resources: the expression a
call already uses for another resource (``api`` in ``rest_api=api.id``), the
variable a resource is bound to (or a new one for a bare expression
statement), the statement to insert after, and the options a component's
children use.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from analyzers.extract.naming import camel_case
from analyzers.fixes import scopes, spelling
from analyzers.fixes.model import Edit
from analyzers.fixes.source import SourceFile, dotted, keyword
from analyzers.fixes.workspace import Workspace
from policypack.graph import Resource

_NESTED_SCOPES = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def name_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The logical-name argument of a constructor call."""
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        return call.args[0].value
    found = keyword(call, "resource_name")
    return found.value if found is not None else None


def prop_argument(call: cst.Call, prop: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and camel_case(arg.keyword.value) == prop:
            return arg
    return None


def reference_through(workspace: Workspace, anchor: Resource, prop: str, target: Resource) -> str | None:
    """The expression ``anchor``'s call writes ``target`` with in ``prop`` (``api`` of ``rest_api=api.id``),
    when the analyzer says that prop refers to exactly ``target``."""
    if anchor.property_dependencies.get(prop) != (target.urn,) or anchor.may_depend_on_more(prop):
        return None
    found = workspace.call(anchor)
    if found is None:
        return None
    _, call = found
    arg = prop_argument(call, prop)
    if arg is None or not isinstance(arg.value, cst.Attribute):
        return None
    return dotted(arg.value.value)


@dataclass(frozen=True)
class Site:
    """A statement of a block that holds a call; inserted code goes after it."""

    file: SourceFile
    call: cst.Call
    statement: cst.BaseStatement
    block: cst.CSTNode
    scope: cst.CSTNode  # the function (or module) whose body the block belongs to

    @property
    def start(self) -> int:
        return self.file.span(self.statement)[0]


def site_of(workspace: Workspace, resource: Resource) -> Site | None:
    """The statement that holds ``resource``'s call, when code can go right after it: the call is
    not inside a lambda or comprehension, and the statement does not return or raise."""
    found = workspace.call(resource)
    if found is None:
        return None
    file, call = found
    held = file.statement(call)
    if held is None:
        return None
    statement, block = held
    for ancestor in file.ancestors(call):
        if ancestor is statement:
            break
        if isinstance(ancestor, _NESTED_SCOPES):
            return None
    if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(small, (cst.Return, cst.Raise)) for small in statement.body):
        return None
    scope = file.scope_owner(call)
    if not isinstance(scope, (cst.FunctionDef, cst.Module)):
        return None
    return Site(file, call, statement, block, scope)


def in_loop(site: Site) -> bool:
    """Whether the site's block runs more than once per run of its function."""
    for ancestor in (site.block, *site.file.ancestors(site.block)):
        if ancestor is site.scope:
            return False
        if isinstance(ancestor, (cst.For, cst.While)):
            return True
    return False


def bound_name(site: Site) -> str | None:
    """``x`` of ``x = Call(...)`` / ``self.x`` of ``self.x = Call(...)`` when the call is the whole value."""
    statement = site.statement
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and small.value is site.call:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            return dotted(target)
    return None


def is_bare_call(site: Site) -> bool:
    statement = site.statement
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr) and statement.body[0].value is site.call)


def reference_at(workspace: Workspace, target: Resource, at: Site, taken: set[str]
                 ) -> tuple[str, tuple[Edit, ...]] | None:
    """How code right after ``at`` refers to ``target``: its variable (bound before ``at`` in the
    same function or module), or a new variable for a bare expression statement there."""
    site = site_of(workspace, target)
    if site is None or site.file.path != at.file.path or site.scope is not at.scope or site.start > at.start:
        return None
    if in_loop(site) and site.block is not at.block:
        return None
    name = bound_name(site)
    if name is not None:
        head = name.split(".")[0]
        if "." in name:
            return (name, ()) if head == _self_name(at) else None
        if len(scopes.bindings(site.scope, name)) != 1:
            return None
        return name, ()
    if not is_bare_call(site) or (site.block is not at.block and in_loop(site)):
        return None
    kind = target.type.rsplit(":", 1)[-1]
    new = spelling.variable_name(spelling.name_hint(name_argument(site.call), target.name, kind), taken)
    taken.add(new)
    return new, (Edit(site.file.path, site.start, site.start, f"{new} = "),)


def _self_name(site: Site) -> str | None:
    scope = site.scope
    if isinstance(scope, cst.FunctionDef) and scope.params.params:
        return scope.params.params[0].name.value
    return None


def method_self(file: SourceFile, node: cst.CSTNode) -> tuple[cst.ClassDef, cst.FunctionDef, str] | None:
    """The class, method and ``self`` name of the method (not static/class method) holding ``node``."""
    for ancestor in file.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef):
            owner = file.parent(ancestor)
            owner = file.parent(owner) if isinstance(owner, cst.IndentedBlock) else None
            if not isinstance(owner, cst.ClassDef):
                continue
            decorators = {dotted(d.decorator) for d in ancestor.decorators}
            if decorators & {"staticmethod", "classmethod"} or not ancestor.params.params:
                return None
            return owner, ancestor, ancestor.params.params[0].name.value
    return None


def _child_site(workspace: Workspace, anchor: Resource) -> bool:
    """Whether ``anchor`` is created inside a component (its call is a child site)."""
    where = anchor.location
    assert where is not None  # an anchor is a resource some finding points at
    return any(child.site.span.line == where.line and child.site.span.column == where.column
               and child.module.path == where.path for child in workspace.project.child_sites)


def child_options(workspace: Workspace, anchor: Resource, site: Site) -> tuple[str | None, tuple[Edit, ...]] | None:
    """The ``opts=`` text for a resource inserted next to ``anchor``: ``None`` at the stack root, the
    parent=self options inside a component (its options variable when the anchor uses one)."""
    if not _child_site(workspace, anchor):
        return None, ()
    held = method_self(site.file, site.call)
    if held is None:
        return None
    self_name = held[2]
    opts = keyword(site.call, "opts")
    if opts is not None and isinstance(opts.value, cst.Name):
        value = scopes.single_assignment(site.file, site.scope, opts.value.value)
        if isinstance(value, cst.Call) and len(value.args) == 1 and value.args[0].keyword is not None \
                and value.args[0].keyword.value == "parent" and dotted(value.args[0].value) == self_name \
                and spelling.resolve(site.file.module, dotted(value.func) or "") == "pulumi.ResourceOptions":
            return f"opts={opts.value.value}", ()
    options = spelling.resource_options(site.file)
    if options is None:
        return None
    return f"opts={options[0]}(parent={self_name})", options[1]


def parent_self_option(workspace: Workspace, anchor: Resource, site: Site) -> str | None:
    """``parent=<self>`` when ``anchor``'s code is inside a component, else None."""
    if not _child_site(workspace, anchor):
        return None
    held = method_self(site.file, site.call)
    return f"parent={held[2]}" if held is not None else None
