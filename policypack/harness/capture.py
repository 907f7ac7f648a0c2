"""Run a Pulumi Python program under the SDK's mock monitor and record its resource graph.

Every ``RegisterResource`` request the program sends is recorded the way the
engine later hands it to a policy pack's ``AnalyzeStack``: type, logical name,
URN, parent, dependencies, property dependencies, inputs (camelCase, with
preview-time unknowns and secrets in their wire form) and options. Needs the
``pack`` extra (pulumi, pulumi-aws); nothing here talks to AWS.

Usage::

    from policypack.harness import capture_program, to_analyze_stack_request

    resources = capture_program("infra/", config={"aws:region": "eu-west-1"}, preview=True)
    for r in resources:
        print(r.urn, r.parent, r.property_dependencies)
    request = to_analyze_stack_request(resources)   # feed a policy pack in-process

``program`` is a project directory (``__main__.py`` or Pulumi.yaml's ``main``)
or a single ``.py`` file. The project name and plain config come from
Pulumi.yaml / Pulumi.<stack>.yaml when present; ``config`` overrides them.
``preview=True`` models ``pulumi preview``: values a provider computes (ids,
ARNs, endpoints) are unknown, so inputs built from them carry the unknown
sentinel while their property dependencies still name the source URNs.
Autonamed ``name``s are known in preview, as the AWS provider computes them in
Check. A failing program raises :class:`CaptureError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import runpy
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockEngine
from pulumi.runtime.stack import run_in_stack

from policypack.harness.fake_aws import RealisticMocks
from policypack.harness.monitor import RecordingMonitor
from policypack.harness.program import check_project_name, program_environment, resolve_program
from policypack.harness.records import CapturedResource, CaptureError, StackCapture

__all__ = ["DEFAULT_TIMEOUT", "capture_program", "capture_program_detailed", "capture_source"]


# A program that still has not finished after this long under mocks is waiting
# for something mocks never provide (e.g. a multi-language component's outputs).
DEFAULT_TIMEOUT = 300.0


def _run_isolated(main: Path, root: Path, project: str, stack: str, preview: bool,
                  config: Mapping[str, str], secret_keys: Iterable[str], monitor: RecordingMonitor,
                  timeout: float | None = DEFAULT_TIMEOUT) -> None:
    """Run the program in a fresh thread: fresh context variables, event loop and runtime settings.

    ``timeout=None`` waits for ever: for a caller that is itself stopped from
    outside (:mod:`policypack.harness.child_process`).
    """
    failure: list[BaseException] = []

    def run_program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    def target() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            pulumi_config.set_all_config(dict(config), list(secret_keys))
            pulumi_settings.ROOT.set(None)
            pulumi_settings.configure(pulumi_settings.Settings(
                project=project, stack=stack, monitor=monitor,
                engine=MockEngine(logging.getLogger("stackguard.capture")),
                dry_run=preview, organization="organization", root_directory=str(root),
            ))
            loop.run_until_complete(run_in_stack(run_program))
        except BaseException as exc:
            failure.append(exc)
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            asyncio.set_event_loop(None)
            monitor.close_thread_loops()

    thread = threading.Thread(target=target, name="stackguard-capture", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():  # the daemon thread is abandoned; the caller gets a clear error
        raise TimeoutError(
            f"the program did not finish within {timeout:g} s under mocks: it waits for something the "
            "mock monitor never provides (multi-language components such as pulumi_aws_apigateway or "
            "awsx are not supported under mocks)"
        )
    if failure:
        raise failure[0]


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text != type(exc).__name__ else text


def capture_program_detailed(
    program: str | os.PathLike[str], *, config: Mapping[str, str] | None = None, project: str | None = None,
    stack: str = "dev", preview: bool = False, mocks: pulumi.runtime.Mocks | None = None,
    secret_keys: Iterable[str] = (), timeout: float | None = DEFAULT_TIMEOUT,
) -> StackCapture:
    """Run ``program`` under mocks; return its resources and registered outputs.

    ``project`` defaults to Pulumi.yaml's name (else "stack"); ``config`` (full
    keys such as "aws:region") overrides Pulumi.yaml / Pulumi.<stack>.yaml;
    ``secret_keys`` marks config keys as secret.
    """
    secret_keys = list(secret_keys)
    resolved = resolve_program(program, stack)
    merged = {**resolved.config, **(config or {})}
    project_name = project or resolved.project or "stack"
    check_project_name(project_name, "project")
    region = merged.get("aws:region") or "us-east-1"
    monitor = RecordingMonitor(mocks or RealisticMocks(region=region, preview=preview))
    with program_environment(resolved.root):
        try:
            _run_isolated(resolved.main, resolved.root, project_name, stack, preview, merged,
                          secret_keys, monitor, timeout)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise CaptureError(f"{program}: the program exited with status {exc.code}") from None
        except Exception as exc:
            message = _error_text(exc)
            for key in secret_keys:  # a program may echo a secret into its own error
                if merged.get(key):
                    message = message.replace(merged[key], "[secret]")
            raise CaptureError(f"{program}: {message}") from None
    if monitor.duplicate_urn is not None:
        raise CaptureError(f"{program}: Duplicate resource URN {monitor.duplicate_urn!r}; try giving it a unique name")
    return StackCapture(resources=list(monitor.captured), registered_outputs=dict(monitor.registered_outputs))


def capture_program(
    program: str | os.PathLike[str], *, config: Mapping[str, str] | None = None, project: str | None = None,
    stack: str = "dev", preview: bool = False, mocks: pulumi.runtime.Mocks | None = None,
    secret_keys: Iterable[str] = (), timeout: float | None = DEFAULT_TIMEOUT,
) -> list[CapturedResource]:
    """Run ``program`` under mocks and return every resource it registered (stack included)."""
    return capture_program_detailed(program, config=config, project=project, stack=stack, preview=preview,
                                    mocks=mocks, secret_keys=secret_keys, timeout=timeout).resources


def capture_source(source: str, **kwargs: Any) -> list[CapturedResource]:
    """Run program text (as a one-file program) and return its resources."""
    with tempfile.TemporaryDirectory(prefix="stackguard-capture-") as workdir:
        main = Path(workdir) / "__main__.py"
        main.write_text(source, encoding="utf-8")
        try:
            return capture_program(workdir, **kwargs)
        except CaptureError as exc:
            raise CaptureError(str(exc).replace(workdir, "<source>")) from None
