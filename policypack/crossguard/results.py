"""Runtime results as data: every violation of one analysis, written to a JSON file.

``pulumi preview --json`` carries no policy results, and its text output is
for people. When ``$STACKGUARD_RESULTS`` names a file, or the pack config
sets one (``{"stackguard-results": {"file": "/abs/results.json"}}``), the pack
writes every violation it reports in one ``AnalyzeStack`` there: code, policy,
enforcement, URN, type, logical name, parent URN and message. The file is
replaced atomically once per analysis (a reader never sees half a file), and
``pulumi preview``'s own output is unchanged. ``stackguard check`` reads it.

The path must be absolute: the pack runs with the pack directory as its
working directory, not the project's. A path that can't be written is logged
and skipped; results never break the user's deployment.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from typing import Any

from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, PolicyConfigSchema, StackValidationPolicy

from policypack import __version__
from policypack.rules import rule_by_code_or_name

ENV = "STACKGUARD_RESULTS"
POLICY_NAME = "stackguard-results"
FORMAT = "stackguard-runtime-results"
FORMAT_VERSION = 1

_LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "mandatory",  # stack policies can't remediate: the engine treats it as mandatory
    analyzer_pb2.DISABLED: "disabled",
}
_log = logging.getLogger("stackguard")
_state = threading.local()  # one AnalyzeStack per thread at a time (see graph_cache)


def _remember_configured_file(args: Any, report_violation: Any) -> None:
    configured = (args.get_config() or {}).get("file")
    if isinstance(configured, str) and configured:
        _state.configured = configured


def results_policy() -> StackValidationPolicy:
    """The pack-level setting's home: a policy that reports nothing and names the results file.

    It comes last in the pack, so it runs after every rule of the analysis.
    """
    return StackValidationPolicy(
        name=POLICY_NAME,
        description=("[stackguard] Writes every violation of the analysis to a JSON file (config: file, "
                     f"an absolute path; or ${ENV}). Never reports a violation itself."),
        validate=_remember_configured_file,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=PolicyConfigSchema(properties={"file": {
            "type": "string",
            "description": "Absolute path of the JSON results file, replaced after each analysis.",
        }}),
    )


def begin() -> None:
    """A new AnalyzeStack: forget the file a previous one configured."""
    _state.configured = None


def finish(request: analyzer_pb2.AnalyzeStackRequest, response: analyzer_pb2.AnalyzeResponse) -> None:
    """Write the analysis' violations where configured. Never raises."""
    path = getattr(_state, "configured", None) or os.environ.get(ENV)
    _state.configured = None
    if not path:
        return
    if not os.path.isabs(path):
        _log.warning("stackguard: results file %r is not an absolute path; not written", path)
        return
    try:
        write_atomically(path, document(request, response))
    except (OSError, ValueError) as error:
        _log.warning("stackguard: cannot write results file %r: %s", path, error)


def document(request: analyzer_pb2.AnalyzeStackRequest, response: analyzer_pb2.AnalyzeResponse) -> dict[str, Any]:
    resources = {resource.urn: resource for resource in request.resources}
    violations = []
    for diagnostic in response.diagnostics:
        rule = rule_by_code_or_name(diagnostic.policyName)
        if rule is None:
            continue  # not one of our rules (pulumi-policy's own "can't run during preview" notes)
        message = diagnostic.message
        if diagnostic.description and message.startswith(diagnostic.description):
            message = message[len(diagnostic.description):].lstrip("\n")  # pulumi-policy prefixes it
        resource = resources.get(diagnostic.urn)
        violations.append({
            "code": rule.code,
            "policy": diagnostic.policyName,
            "enforcement": _LEVELS.get(diagnostic.enforcementLevel, "advisory"),
            "urn": diagnostic.urn,
            "type": resource.type if resource is not None else "",
            "name": resource.name if resource is not None else diagnostic.urn.rsplit("::", 1)[-1],
            "parent": resource.parent if resource is not None else "",
            "message": message.rstrip("\n"),
        })
    return {"tool": "stackguard", "format": FORMAT, "formatVersion": FORMAT_VERSION, "version": __version__,
            "violations": violations}


def write_atomically(path: str, content: dict[str, Any]) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    directory = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(prefix=".stackguard-results-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(content, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
