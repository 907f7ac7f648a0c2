"""SG401 and SG402: keyword arguments a provider resource's constructor does not take.

- SG401, a resource option passed as an argument (``depends_on=[...]``): it moves,
  value verbatim, into the call's ``opts=ResourceOptions(...)`` (added when there
  is none). Safe: the program could not run before (a ``TypeError``), and the
  option now does what the keyword said.
- SG401, a keyword with exactly one close argument (``rest_api_id`` → ``rest_api``):
  renamed. Safe for the same reason; not offered when the value is a resource
  object (the argument may take only its ID or ARN) or a literal of a kind the
  argument never takes.
- SG402, ``stage_name`` on an ``aws.apigateway.Deployment`` (removed in
  pulumi-aws 7): removed, and an ``aws.apigateway.Stage`` serving the deployment
  under that name inserted after it (SG303's insertion). Unsafe: it adds a
  resource.

Each fix starts from the rule's own :class:`ArgumentIssue` for the finding, so it
acts on exactly the keyword the message names, and only where the keyword is
written in the call itself (not in a ``**`` spread or an Args object).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import libcst as cst

from analyzers.extract.naming import camel_case
from analyzers.extract.values import RESOURCE, as_data
from analyzers.findings import Finding
from analyzers.fixes import edits, spelling
from analyzers.fixes.apigateway import StageName, rest_stage_after
from analyzers.fixes.engine import key_of
from analyzers.fixes.model import Change, Edit, Fix
from analyzers.fixes.placement import bound_name, name_argument, site_of
from analyzers.fixes.source import SourceFile, dotted, has_star_args, keyword
from analyzers.fixes.workspace import Workspace
from analyzers.static_rules import SourceContext
from analyzers.static_rules.provider_arguments import RESOURCE_OPTIONS, ArgumentIssue, literal_kind, never_fits
from policypack.graph import Resource, SourceLocation
from policypack.knowledge import tokens
from policypack.rules.base import FixSafety

# Options a fix moves. Not ``id``, ``urn`` or ``version``: as keywords of a resource they more
# likely meant an argument of that name (an ID, a version string) than reading an existing
# resource or pinning the provider plugin, so moving them would guess.
MOVABLE = RESOURCE_OPTIONS - {"id", "urn", "version"}
# What the analyzer reads from options, so what moving one changes in its graph.
_OPTION_FIELDS = {"depends_on": "@dependencies", "parent": "@parent"}
_SECRETS = "additional_secret_outputs"
_RESOURCE_OPTIONS = "pulumi.ResourceOptions"
_MAX_LINE = edits.MAX_LINE

_ISSUES: weakref.WeakKeyDictionary[Workspace, dict[str, list[ArgumentIssue]]] = weakref.WeakKeyDictionary()


def _issues(workspace: Workspace, code: str) -> list[ArgumentIssue]:
    """The rule's issues in this version of the project (computed once per workspace)."""
    found = _ISSUES.setdefault(workspace, {})
    if code not in found:
        from analyzers.static_rules import sg401_unknown_resource_argument, sg402_removed_resource_argument

        rule = {"SG401": sg401_unknown_resource_argument, "SG402": sg402_removed_resource_argument}[code]
        found[code] = list(rule.issues(SourceContext((), workspace.project)))
    return found[code]


def _same_site(issue: ArgumentIssue, path: str, line: int, column: int) -> bool:
    span = issue.site.first.span
    return issue.site.first.module.path == path and span.line == line and span.column == column


def _issue_of(workspace: Workspace, finding: Finding) -> ArgumentIssue | None:
    """The issue a finding reports: same call site, same message. Several issues of one call
    fold into one finding ("... Also: ..."); it names the first, and the others are fixed in
    the next rounds, once the first is gone."""
    found = [issue for issue in _issues(workspace, finding.code)
             if _same_site(issue, finding.path, finding.line, finding.column)
             and (finding.message == f"[{finding.code}] {issue.message}"
                  or finding.message.startswith(f"[{finding.code}] {issue.message} Also: "))]
    return found[0] if len(found) == 1 else None


def _call(workspace: Workspace, finding: Finding) -> tuple[SourceFile, cst.Call] | None:
    """The constructor call, when every keyword it gets is written in it: no ``*``/``**``
    spread, and at most the name positionally (the second could be an Args object or the options)."""
    file = workspace.file(finding.path)
    if file is None:
        return None
    call = file.call_at(SourceLocation(finding.path, finding.line, finding.column, finding.end_line,
                                       finding.end_column))
    if call is None or has_star_args(call) or sum(arg.keyword is None and not arg.star for arg in call.args) > 1:
        return None
    return file, call


def _argument(call: cst.Call, name: str) -> cst.Arg | None:
    """The keyword argument ``name=``, unless a line break (maybe a comment) sits around its ``=``."""
    found = keyword(call, name)
    if found is None or any(isinstance(getattr(found.equal, side, None), cst.ParenthesizedWhitespace)
                            for side in ("whitespace_before", "whitespace_after")):
        return None
    return found


# --- SG401 -----------------------------------------------------------------------------------------


def unknown_argument(workspace: Workspace, finding: Finding) -> Fix | None:
    issue = _issue_of(workspace, finding)
    found = _call(workspace, finding)
    if issue is None or found is None:
        return None
    file, call = found
    built = workspace.resources_at(finding)
    if not built:
        return None
    if issue.to_options:
        return _to_options(workspace, finding, issue, file, call, built)
    if issue.replacement is not None:
        return _rename(workspace, finding, issue, file, call, built)
    return None


def _to_options(workspace: Workspace, finding: Finding, issue: ArgumentIssue, file: SourceFile, call: cst.Call,
                built: Sequence[Resource]) -> Fix | None:
    if issue.keyword not in MOVABLE or _argument(call, issue.keyword) is None:
        return None
    opts = keyword(call, "opts")
    if opts is None:
        # Every option the call passes as an argument moves at once: they share the new opts.
        flagged = {other.keyword for other in _issues(workspace, "SG401")
                   if other.to_options and _same_site(other, finding.path, finding.line, finding.column)}
        moving = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value in flagged & MOVABLE
                  and _argument(call, arg.keyword.value) is arg]
        change = _new_options(file, call, moving)
    else:
        moving = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value == issue.keyword]
        change = _into_options(file, call, opts, moving[0])
    if change is None:
        return None
    names = [arg.keyword.value for arg in moving if arg.keyword is not None]
    label = ", ".join(f"`{name}`" for name in names)
    return Fix(key_of(finding), FixSafety.SAFE, f"move {label} into the resource options",
               tuple(sorted(change)), _option_changes(workspace, issue, names, built))


def _moved(file: SourceFile, arg: cst.Arg) -> str:
    assert arg.keyword is not None
    return f"{arg.keyword.value}={file.source(arg.value)}"


def _new_options(file: SourceFile, call: cst.Call, moving: list[cst.Arg]) -> tuple[Edit, ...] | None:
    """``opts=ResourceOptions(<the moving keywords>)``: last in a call written on one line, else in
    place of the last moving keyword (where a comment after it stays with it)."""
    options = _resource_options(file)
    if options is None or not moving:
        return None
    ro, import_edits = options
    opts = f"opts={ro}({', '.join(_moved(file, arg) for arg in moving)})"
    if _one_line(file, call):
        kept = [file.source(arg) for arg in call.args if arg not in moving]
        return (_rewritten(file, call, [*kept, opts]), *import_edits)
    removed = [edits.remove_argument(file, call, arg) for arg in moving[:-1]]
    if any(edit is None for edit in removed):
        return None
    start, end = file.span(moving[-1])
    return (*(edit for edit in removed if edit is not None), Edit(file.path, start, end, opts), *import_edits)


def _into_options(file: SourceFile, call: cst.Call, opts: cst.Arg, arg: cst.Arg) -> tuple[Edit, ...] | None:
    """The keyword added to an ``opts=ResourceOptions(...)`` written in the call, and removed
    from the call: not when the options are a variable, a merge or a helper's result (shared or
    built elsewhere), take positional or ``**`` arguments, or already set that option."""
    value = opts.value
    if not isinstance(value, cst.Call) or spelling.resolve(file.module, dotted(value.func) or "") != _RESOURCE_OPTIONS:
        return None
    assert arg.keyword is not None
    if any(a.keyword is None for a in value.args) or keyword(value, arg.keyword.value) is not None:
        return None
    if _one_line(file, call):
        start, _ = file.span(opts)
        close = edits.closing_offset(file, value)
        head = file.text[start:close]
        joint = "" if not value.args else " " if head.rstrip().endswith(",") else ", "
        extended = head + joint + _moved(file, arg) + ")"
        kept = [extended if a is opts else file.source(a) for a in call.args if a is not arg]
        return (_rewritten(file, call, kept),)
    removal = edits.remove_argument(file, call, arg)
    if removal is None:
        return None
    return (removal, *edits.append_argument(file, value, _moved(file, arg)))


def _one_line(file: SourceFile, call: cst.Call) -> bool:
    """Whether the call's arguments are on one line (so no comment is among them)."""
    open_paren = file.text.find("(", file.span(call.func)[1])
    return file.line_of(open_paren) == file.line_of(edits.closing_offset(file, call))


def _rewritten(file: SourceFile, call: cst.Call, arguments: list[str]) -> Edit:
    """The arguments of a one-line call replaced by ``arguments``: on that line while it stays
    short enough, else one per line (as Black would)."""
    open_paren = file.text.find("(", file.span(call.func)[1])
    close = edits.closing_offset(file, call)
    inside = ", ".join(arguments)
    line_end = file.line_end(close)
    length = (open_paren + 1 - file.line_start(open_paren)) + len(inside) + len(file.text[close:line_end].rstrip("\n"))
    if length > _MAX_LINE:
        indent = file.indent_at(open_paren)
        inner = indent + file.module.default_indent
        inside = "\n" + "".join(f"{inner}{argument},\n" for argument in arguments) + indent
    return Edit(file.path, open_paren + 1, close, inside)


def _resource_options(file: SourceFile) -> tuple[str, tuple[Edit, ...]] | None:
    """How to write ``pulumi.ResourceOptions`` here; a module that imports no ``pulumi`` at all
    gets ``import pulumi`` above its first ``pulumi_*`` import."""
    found = spelling.resource_options(file)
    if found is not None:
        return found
    if "pulumi" in spelling.used_names(file):
        return None
    for statement in file.module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        modules = ([alias.evaluated_name for alias in small.names] if isinstance(small, cst.Import)
                   else [dotted(small.module) or ""] if isinstance(small, cst.ImportFrom) and not small.relative
                   and small.module is not None else [])
        if any(name.startswith("pulumi_") for name in modules):
            start = file.line_start(file.span(statement)[0])
            return _RESOURCE_OPTIONS, (Edit(file.path, start, start, "import pulumi\n"),)
    return None


def _option_changes(workspace: Workspace, issue: ArgumentIssue, names: Sequence[str],
                    built: Sequence[Resource]) -> frozenset[Change]:
    """What the analyzer reads of the moved options: a dependency, a parent, secret outputs."""
    fields: set[str] = {_OPTION_FIELDS[name] for name in names if name in _OPTION_FIELDS}
    if _SECRETS in names:
        for value in issue.site.keywords.get(_SECRETS, ()):
            listed = as_data(value).data
            if isinstance(listed, (list, tuple)):
                fields.update(field for item in listed if isinstance(item, str) for field in (item, camel_case(item)))
    return frozenset((workspace.identity(resource), field) for resource in built for field in fields)


def _rename(workspace: Workspace, finding: Finding, issue: ArgumentIssue, file: SourceFile, call: cst.Call,
            built: Sequence[Resource]) -> Fix | None:
    replacement = issue.replacement
    arg = _argument(call, issue.keyword)
    if replacement is None or arg is None or arg.keyword is None or keyword(call, replacement) is not None:
        return None
    expected = issue.site.arguments.schema.arguments.get(replacement)
    for value in issue.site.keywords.get(issue.keyword, ()):
        if value.kind == RESOURCE:
            return None  # a resource object where the argument may take only its ID, ARN or name
        found = literal_kind(value)
        if expected is None or (found is not None and never_fits(expected, found)):
            return None
    start, end = file.span(arg.keyword)
    prop = camel_case(replacement)
    changes: frozenset[Change] = frozenset(
        (workspace.identity(resource), field) for resource in built for field in (prop, "@dependencies"))
    return Fix(key_of(finding), FixSafety.SAFE, f"rename `{issue.keyword}` to `{replacement}`",
               (Edit(file.path, start, end, replacement),), changes)


# --- SG402 -----------------------------------------------------------------------------------------

STAGE_NAME = "stage_name"


def removed_argument(workspace: Workspace, finding: Finding) -> Fix | None:
    """``stage_name`` on a REST Deployment becomes a Stage of its own."""
    issue = _issue_of(workspace, finding)
    found = _call(workspace, finding)
    if issue is None or found is None or issue.keyword != STAGE_NAME:
        return None
    file, call = found
    deployments = workspace.resources_at(finding)
    if not deployments or any(d.type != tokens.REST_DEPLOYMENT for d in deployments):
        return None
    if any(getattr(workspace.node(d), "name", None) is None for d in deployments):
        return None  # the Stage's name is derived from the deployment's, which is computed at run time
    if _served(workspace, deployments):
        return None  # a Stage exists already: which one carries the name is a choice
    site = site_of(workspace, deployments[0])
    stage_arg, api_arg = _argument(call, STAGE_NAME), _argument(call, "rest_api")
    name_expr = name_argument(call)
    if site is None or site.call is not call or stage_arg is None or api_arg is None or name_expr is None:
        return None
    variable = bound_name(site)
    api_text = dotted(api_arg.value)
    if variable is None or "." in variable or api_text is None or not _movable_value(stage_arg.value):
        return None
    if variable in spelling.names_in(api_arg.value) | spelling.names_in(stage_arg.value) | spelling.names_in(name_expr):
        return None  # the statement rebinds a name the Stage would read
    comment = edits.own_line_comment(file, stage_arg)  # it says something about the stage: it moves along
    removal = edits.remove_argument(file, call, stage_arg, keep_comment=False)
    stage = rest_stage_after(workspace, site, deployments[0], StageName(file, name_expr, deployments),
                             file.source(api_arg.value), variable, file.source(stage_arg.value), comment)
    if removal is None or stage is None:
        return None
    insert, inserts = stage
    parent = workspace.graph.parent_of(deployments[0])
    return Fix(key_of(finding), FixSafety.UNSAFE,
               f"move `stage_name` of {variable} into an aws.apigateway.Stage serving it",
               tuple(sorted({removal, *insert})), inserts=inserts,
               allow_root_inserts=parent is not None and parent.is_stack)


def _served(workspace: Workspace, deployments: Sequence[Resource]) -> bool:
    """Whether some Stage serves (or may serve) one of the deployments."""
    urns = {deployment.urn for deployment in deployments}
    return any(urns & set(stage.property_dependencies.get("deployment", ())) or stage.may_depend_on_more("deployment")
               for stage in workspace.graph.of_type(tokens.REST_STAGE))


def _movable_value(value: cst.BaseExpression) -> bool:
    """A value that reads the same after the deployment's statement and evaluates without side
    effects: a string (f-strings of names), a name or an attribute."""
    if isinstance(value, cst.SimpleString):
        return True
    if isinstance(value, cst.FormattedString):
        return all(isinstance(part, cst.FormattedStringText)
                   or (isinstance(part, cst.FormattedStringExpression) and part.format_spec is None
                       and dotted(part.expression) is not None) for part in value.parts)
    return dotted(value) not in (None, "None", "True", "False")


