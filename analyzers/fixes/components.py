"""SG102 (register_outputs at the end of __init__) and SG103 (parent=self in the child's options)."""

from __future__ import annotations

import libcst as cst

from analyzers.findings import Finding
from analyzers.fixes import edits, scopes, spelling
from analyzers.fixes.engine import key_of
from analyzers.fixes.model import Edit, Fix
from analyzers.fixes.placement import method_self
from analyzers.fixes.source import SourceFile, dotted, has_star_args, keyword
from analyzers.fixes.workspace import Workspace
from policypack.graph import SourceLocation
from policypack.rules.base import FixSafety

_RESOURCE_OPTIONS = "pulumi.ResourceOptions"
_MERGE = "pulumi.ResourceOptions.merge"
_OUTPUT_FUNCTIONS = frozenset({"pulumi.Output.concat", "pulumi.Output.all", "pulumi.Output.format",
                               "pulumi.Output.json_dumps", "pulumi.Output.from_input"})
_MAX_LINE = 100


def _location(finding: Finding) -> SourceLocation:
    return SourceLocation(finding.path, finding.line, finding.column, finding.end_line, finding.end_column)


# --- SG103 -----------------------------------------------------------------------------


def parent_self(workspace: Workspace, finding: Finding) -> Fix | None:
    file = workspace.file(finding.path)
    if file is None:
        return None
    call = file.call_at(_location(finding))
    if call is None:
        return None
    sites = [child for child in workspace.project.child_sites
             if child.module.path == finding.path and child.site.span.line == finding.line
             and child.site.span.column == finding.column]
    if not sites or any(child.parented is not False for child in sites):
        return None  # some run of this call may be parented, or the analyzer can't tell
    held = method_self(file, call)
    if held is None or held[0].name.value != sites[0].component[1].rsplit(".", 1)[-1]:
        return None
    _, method, self_name = held
    positional = [arg for arg in call.args if arg.keyword is None]
    if len(positional) > 1 or has_star_args(call):
        return None  # options passed positionally, or hidden in *args/**kwargs
    if keyword(call, "parent") is not None:
        return None  # passed as an argument (SG401): its fix moves it into the options
    options = spelling.resource_options(file)
    if options is None:
        return None
    ro, import_edits = options
    parent = f"parent={self_name}"
    opts = keyword(call, "opts")
    if opts is None:
        change = edits.append_argument(file, call, f"opts={ro}({parent})")
    else:
        extended = _extend_options(file, method, opts.value, ro, self_name)
        if extended is None:
            return None
        change = extended
    label = f"'{finding.subject}'" if finding.subject else "the child"
    # Unsafe (see the rule's AutoFix): the child's URN changes, so a deployed child is replaced.
    return Fix(key_of(finding), FixSafety.UNSAFE, f"pass {parent} to {label}",
               tuple(sorted(set(change) | set(import_edits))))


def _options_call(file: SourceFile, node: cst.BaseExpression) -> str | None:
    """``"new"`` for ``ResourceOptions(...)``, ``"merge"`` for ``ResourceOptions.merge(...)``."""
    if not isinstance(node, cst.Call):
        return None
    resolved = spelling.resolve(file.module, dotted(node.func) or "")
    return {_RESOURCE_OPTIONS: "new", _MERGE: "merge"}.get(resolved or "")


def _add_parent(file: SourceFile, node: cst.BaseExpression, self_name: str) -> tuple[Edit, ...] | None:
    """``parent=self`` added to a ``ResourceOptions(...)`` call, or to the one a merge builds."""
    kind = _options_call(file, node)
    if kind is None or not isinstance(node, cst.Call):
        return None
    if kind == "new":
        if keyword(node, "parent") is not None or has_star_args(node):
            return None  # another parent chosen on purpose, or options we can't see
        return edits.append_argument(file, node, f"parent={self_name}")
    if kind == "merge":
        for arg in reversed(node.args):
            if arg.keyword is None and not arg.star and _options_call(file, arg.value) == "new":
                return _add_parent(file, arg.value, self_name)
    return None


def _extend_options(file: SourceFile, method: cst.FunctionDef, value: cst.BaseExpression, ro: str,
                    self_name: str) -> tuple[Edit, ...] | None:
    direct = _add_parent(file, value, self_name)
    if direct is not None or _options_call(file, value) is not None:
        return direct
    if not isinstance(value, cst.Name):
        return None  # an attribute, a call of a helper: built where a fix can't see all its uses
    name = value.value
    merged = _merge_at_use(file, value, ro, self_name)
    for scope in scopes.function_scopes(file, value):
        if not scopes.binds_locally(file, scope, name):
            continue
        if scope is not method:
            return merged  # options from outside the method: this child gets its own merge
        if name in {p.name.value for p in method.params.params}:
            # A parameter, e.g. the component's own opts: their parent is the component's parent.
            return merged if len(scopes.bindings(scope, name)) == 1 else None
        assigned = scopes.single_assignment(file, scope, name)
        if assigned is None or _options_call(file, assigned) is None:
            return None
        return _add_parent(file, assigned, self_name)  # built in the method: every use is a child
    return None


def _merge_at_use(file: SourceFile, value: cst.Name, ro: str, self_name: str) -> tuple[Edit, ...]:
    start, end = file.span(value)
    return (Edit(file.path, start, end, f"{ro}.merge({value.value}, {ro}(parent={self_name}))"),)


# --- SG102 -----------------------------------------------------------------------------


def register_outputs(workspace: Workspace, finding: Finding) -> Fix | None:
    file = workspace.file(finding.path)
    if file is None:
        return None
    component = _class_at(file, finding)
    if component is None or not isinstance(component.body, cst.IndentedBlock):
        return None
    key = (finding.path, _qualname(file, component))
    components = workspace.project.components
    if components.registers_outputs(key) is not False:
        return None
    for class_key in components.mro(key):
        info = components.ev.class_info(class_key)
        if info is not None and any(method.registers_outputs for method in info.methods.values()):
            return None  # registered in a method __init__ doesn't reach: the author calls it elsewhere
    init = next((s for s in component.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                None)
    if init is None or not isinstance(init.body, cst.IndentedBlock) or not init.params.params:
        return None
    if _returns(init):
        return None
    self_name = init.params.params[0].name.value
    outputs = _outputs(workspace, file, init, self_name)
    entries = ", ".join(f'"{name}": {value}' for name, value in outputs)
    line = f"{self_name}.register_outputs({{{entries}}})"
    last = init.body.body[-1]
    indent = file.indent_at(file.span(last)[0])
    if len(indent) + len(line) > _MAX_LINE:
        unit = file.module.default_indent
        lines = [f"{self_name}.register_outputs({{", *(f'{unit}"{n}": {v},' for n, v in outputs), "})"]
    else:
        lines = [line]
    return Fix(key_of(finding), FixSafety.SAFE,
               f"register the outputs of {component.name.value} ({', '.join(n for n, _ in outputs) or 'none'})",
               (edits.insert_after(file, last, lines),))


def _class_at(file: SourceFile, finding: Finding) -> cst.ClassDef | None:
    pending: list[cst.CSTNode] = [file.module]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.ClassDef) and node.name.value == finding.subject:
            start, _ = file.span(node.name)
            if file.line_of(start) == finding.line and start - file.line_start(start) + 1 == finding.column:
                return node
        pending.extend(node.children)
    return None


def _qualname(file: SourceFile, node: cst.ClassDef) -> str:
    names = [node.name.value]
    for ancestor in file.ancestors(node):
        if isinstance(ancestor, (cst.ClassDef, cst.FunctionDef)):
            names.append(ancestor.name.value)
    return ".".join(reversed(names))


def _returns(function: cst.FunctionDef) -> bool:
    pending: list[cst.CSTNode] = [function.body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Return):
            return True
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            pending.extend(node.children)
    return False


def _outputs(workspace: Workspace, file: SourceFile, init: cst.FunctionDef, self_name: str) -> list[tuple[str, str]]:
    """Public attributes set at the top level of ``__init__`` holding a resource (→ its id) or an output."""
    resources: set[str] = set()  # names (locals, self.x) bound to cloud resources so far
    outputs: dict[str, str] = {}
    assert isinstance(init.body, cst.IndentedBlock)
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
            continue
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        if len(targets) != 1:
            continue
        target = dotted(targets[0])
        if target is None:
            continue
        kind = _kind(workspace, file, small.value, resources)
        if kind == "resource":
            resources.add(target)
        is_attribute = target.startswith(f"{self_name}.") and target.count(".") == 1
        attribute = target.split(".", 1)[1] if is_attribute else ""
        if not attribute or attribute.startswith("_") or attribute in outputs or kind is None:
            continue
        outputs[attribute] = f"{target}.id" if kind == "resource" else target
    return list(outputs.items())


def _kind(workspace: Workspace, file: SourceFile, value: cst.BaseExpression, resources: set[str]) -> str | None:
    """"resource" for a cloud resource's constructor, "output" for one of its outputs, else None."""
    if isinstance(value, cst.Call):
        start, _ = file.span(value)
        line, column = file.line_of(start), start - file.line_start(start) + 1
        built = workspace.built_at(file.path, line, column)
        if built and all(resource.is_custom for resource in built):
            return "resource"
        callee = dotted(value.func) or ""
        if spelling.resolve(file.module, callee) in _OUTPUT_FUNCTIONS:
            return "output"
        if isinstance(value.func, cst.Attribute) and value.func.attr.value == "apply":
            return _kind(workspace, file, value.func.value, resources)
        return None
    if isinstance(value, cst.Attribute):
        base = dotted(value.value)
        return "output" if base is not None and base in resources else None
    return None
