"""Capture a program in a child process that can always be stopped.

``stackguard policy`` runs the user's program, as ``pulumi preview`` does. The
program must not be able to make the gate hang, crash or pass, so the capture
(:func:`policypack.harness.capture.capture_program_detailed`) runs in a fresh
interpreter in a process group of its own:

- At the timeout the whole group gets SIGTERM and, after a grace period,
  SIGKILL. A thread cannot be stopped, and one stuck in C code holding the
  GIL (a catastrophic regex) does not even let a timeout fire; a process can
  be killed whatever it does, and the processes the program started die with
  it. They are killed after a normal exit too.
- The child hands back its recorded resources as JSON data (never pickle)
  behind a header with the payload's length and SHA-256, written atomically.
  Only a complete result from a child that exited with status 0 counts: a
  program that exits early (``os._exit``), crashes or is killed is an error,
  never an empty, passing stack.
- The program's stdin is closed and its output discarded: nothing it prints
  can reach or forge the report.

The parent only reads data back; the policies evaluate it in the parent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policypack.harness.capture import DEFAULT_TIMEOUT, capture_program_detailed
from policypack.harness.records import CapturedResource, CaptureError, StackCapture

__all__ = ["GRACE_SECONDS", "MAX_RESULT_BYTES", "capture_in_child", "decode_result", "encode_result"]

GRACE_SECONDS = 1.0  # between SIGTERM and SIGKILL
MAX_RESULT_BYTES = 512 << 20
# Deeper inputs cannot come from the SDK (it fails near 190 levels); a result
# claiming them was not written by the capture, and would exhaust the
# parent's recursion while it is converted.
MAX_INPUT_DEPTH = 200

_MAGIC = b"stackguard-capture/1"
_BOOTSTRAP = (
    "import sys; sys.path[0] = sys.argv[1]; "
    "from policypack.harness.child_process import child_main; child_main(sys.argv[2:])"
)


def capture_in_child(program: str | os.PathLike[str], *, config: Mapping[str, str] | None = None,
                     stack: str = "dev", preview: bool = False,
                     timeout: float = DEFAULT_TIMEOUT) -> StackCapture:
    """Run ``program`` under mocks in a child process; :class:`CaptureError` on any failure."""
    label = str(program)
    if not sys.executable:
        raise CaptureError(f"{label}: cannot start a Python interpreter (sys.executable is unknown)")
    package_root = str(Path(__file__).resolve().parents[2])
    with tempfile.TemporaryDirectory(prefix="stackguard-policy-", ignore_cleanup_errors=True) as workdir:
        request, result = Path(workdir) / "request.json", Path(workdir) / "result"
        request.write_text(json.dumps({
            "program": label, "config": dict(config or {}), "stack": stack, "preview": preview,
        }), encoding="utf-8")
        command = [sys.executable, "-c", _BOOTSTRAP, package_root, str(request), str(result)]
        finished, status, cpu = _run(command, timeout)
        if not finished:
            raise CaptureError(
                f"{label}: the program did not finish within {timeout:g} s under mocks and was stopped after "
                f"{cpu:.1f} s of CPU time (a large program needs a longer timeout; a program waiting for a "
                "multi-language component never finishes under mocks)")
        data = _read_result(result, label) if status == 0 else None
        if data is None:
            raise CaptureError(f"{label}: {_ending(status)} before its run completed")
        return decode_result(data, label)


def _read_result(path: Path, label: str) -> bytes | None:
    """The result file's bytes, None if there is none; never follows a link or blocks on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError:
        raise CaptureError(f"{label}: the capture process returned an incomplete result") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise CaptureError(f"{label}: the capture process returned an incomplete result")
        data = handle.read(MAX_RESULT_BYTES + 1)
    if len(data) > MAX_RESULT_BYTES:
        raise CaptureError(f"{label}: the program's result is larger than {MAX_RESULT_BYTES >> 20} MiB")
    return data


def _ending(status: int) -> str:
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"the program was killed by signal {name}"
    return f"the program exited (status {status})"


# --------------------------------------------------------------------------- the child process


def _run(command: list[str], timeout: float) -> tuple[bool, int, float]:
    """(finished in time, exit status, CPU seconds) of the child; its whole group is gone on return."""
    cpu_before = _children_cpu()
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as error:
        raise CaptureError(f"cannot start a Python interpreter for the program: {error}") from None
    try:
        finished = _wait_for_exit(process, timeout)
        if not finished:
            _signal_group(process, signal.SIGTERM)
            _wait_for_exit(process, GRACE_SECONDS)
    finally:
        # Also after a normal exit: whatever the program started is still in
        # the group. The leader is not reaped yet, so the group id cannot
        # have been reused by an unrelated process.
        _signal_group(process, signal.SIGKILL)
        process.wait()
    return finished, process.returncode, _children_cpu() - cpu_before


def _wait_for_exit(process: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    delay = 0.005
    while not _has_exited(process):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.05)
    return True


def _has_exited(process: subprocess.Popen[bytes]) -> bool:
    if hasattr(os, "waitid"):  # look without reaping (see _run)
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    return process.poll() is not None


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    if not hasattr(os, "killpg"):
        process.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # not POSIX
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child_main(argv: list[str]) -> None:
    """The child's entry point: capture the requested program and write the result."""
    request_path, result_path = argv
    # The SDK allocates millions of futures and tasks per 10k resources, all
    # alive until the end; the cyclic collector rescans that growing heap and
    # made a 20k-resource capture superlinear (2000 / 6000 resources: 16 s /
    # 77 s; 20k: ~90 s of CPU with a raised threshold, ~40 s without). The
    # process is short-lived and freed as a whole.
    gc.disable()
    request: dict[str, Any] = {}
    try:
        request = json.loads(Path(request_path).read_text(encoding="utf-8"))
        capture = capture_program_detailed(request["program"], config=request["config"], stack=request["stack"],
                                           preview=request["preview"], timeout=None)
        payload = encode_result(capture)
    except CaptureError as error:
        payload = _error_payload(str(error))
    except BaseException as error:  # anything else is reported in one line too
        payload = _error_payload(f"{request.get('program')}: {type(error).__name__}: {error}")
    try:
        temporary = Path(result_path + ".partial")
        temporary.write_bytes(payload)
        os.replace(temporary, result_path)
    except BaseException:  # no result: the parent reports the exit status
        os._exit(3)
    # Not sys.exit: threads the program left behind must not keep the process alive.
    os._exit(0)


def _error_payload(message: str) -> bytes:
    return _frame(json.dumps({"error": message}).encode())


# --------------------------------------------------------------------------- the result, as data


def encode_result(capture: StackCapture) -> bytes:
    """The framed JSON form of ``capture`` (raises ValueError/RecursionError if it has no JSON form)."""
    body = json.dumps({
        "resources": [dataclasses.asdict(r) for r in capture.resources],
        "registered_outputs": capture.registered_outputs,
    }, separators=(",", ":")).encode()
    return _frame(body)


def _frame(body: bytes) -> bytes:
    return b"%s %d %s\n" % (_MAGIC, len(body), hashlib.sha256(body).hexdigest().encode()) + body


def decode_result(data: bytes, label: str) -> StackCapture:
    """The capture a child wrote; :class:`CaptureError` unless it is complete and well-formed."""
    header, newline, body = data.partition(b"\n")
    fields = header.split(b" ")
    if (not newline or len(fields) != 3 or fields[0] != _MAGIC or fields[1] != str(len(body)).encode()
            or fields[2] != hashlib.sha256(body).hexdigest().encode()):
        raise CaptureError(f"{label}: the capture process returned an incomplete result")
    try:
        payload = json.loads(body)
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            raise CaptureError(payload["error"])
        return _capture(payload)
    except (ValueError, TypeError, KeyError, RecursionError):
        raise CaptureError(f"{label}: the capture process returned a malformed result") from None


def _capture(payload: Any) -> StackCapture:
    _expect(isinstance(payload, dict) and isinstance(payload.get("resources"), list)
            and isinstance(payload.get("registered_outputs"), dict))
    resources = [_resource(item) for item in payload["resources"]]
    outputs = payload["registered_outputs"]
    _expect(all(isinstance(urn, str) and isinstance(value, dict) for urn, value in outputs.items()))
    _expect(_depth(outputs) <= MAX_INPUT_DEPTH)
    return StackCapture(resources=resources, registered_outputs=outputs)


def _resource(item: Any) -> CapturedResource:
    _expect(isinstance(item, dict) and set(item) == {f.name for f in dataclasses.fields(CapturedResource)})
    for key in ("type", "name", "urn"):
        _expect(isinstance(item[key], str))
    for key in ("parent", "provider"):
        _expect(item[key] is None or isinstance(item[key], str))
    for key in ("custom", "protect", "read"):
        _expect(isinstance(item[key], bool))
    _expect(item["delete_before_replace"] is None or isinstance(item["delete_before_replace"], bool))
    _expect(isinstance(item["inputs"], dict) and _depth(item["inputs"]) <= MAX_INPUT_DEPTH)
    _expect(isinstance(item["property_dependencies"], dict))
    return CapturedResource(
        **{key: item[key] for key in ("type", "name", "urn", "custom", "parent", "inputs", "provider",
                                       "protect", "delete_before_replace", "read")},
        dependencies=_strings(item["dependencies"]),
        property_dependencies={_text(key): _strings(urns) for key, urns in item["property_dependencies"].items()},
        additional_secret_outputs=_strings(item["additional_secret_outputs"]),
        ignore_changes=_strings(item["ignore_changes"]),
    )


def _strings(value: Any) -> tuple[str, ...]:
    _expect(isinstance(value, list) and all(isinstance(item, str) for item in value))
    return tuple(value)


def _text(value: Any) -> str:
    _expect(isinstance(value, str))
    return value


def _expect(condition: bool) -> None:
    if not condition:
        raise ValueError("unexpected shape")


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_INPUT_DEPTH:
            break
        if isinstance(current, dict):
            stack.extend((item, level + 1) for item in current.values())
        elif isinstance(current, list):
            stack.extend((item, level + 1) for item in current)
    return deepest
