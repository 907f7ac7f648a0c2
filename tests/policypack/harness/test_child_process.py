"""The capture in a child process: only complete results count, and the child can always be stopped."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

from policypack.harness import CaptureError, StackCapture, capture_source
from policypack.harness.child_process import (
    GRACE_SECONDS,
    MAX_INPUT_DEPTH,
    capture_in_child,
    decode_result,
    encode_result,
)

PROGRAM = '''
import pulumi
import pulumi_aws as aws


class Web(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("test:web:Web", name)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", tags={"team": "a"}, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"bucket": self.bucket.bucket})


web = Web("web")
aws.s3.BucketPolicy("policy", bucket=web.bucket.id, policy="{}")
pulumi.export("name", web.bucket.bucket)
'''


def write(root: Path, source: str) -> Path:
    program = root / "__main__.py"
    program.write_text(source, encoding="utf-8")
    return root


def frame(body: bytes, *, length: int | None = None, digest: str | None = None) -> bytes:
    return b"stackguard-capture/1 %d %s\n" % (
        len(body) if length is None else length, (digest or hashlib.sha256(body).hexdigest()).encode()) + body


def test_the_child_records_what_an_in_process_capture_records(tmp_path: Path) -> None:
    program = write(tmp_path, PROGRAM)
    in_child = capture_in_child(program, config={"aws:region": "eu-west-1"})
    in_process = capture_source(PROGRAM, config={"aws:region": "eu-west-1"})
    assert [(r.urn, r.parent, r.dependencies, r.property_dependencies, r.inputs) for r in in_child.resources] == [
        (r.urn, r.parent, r.dependencies, r.property_dependencies, r.inputs) for r in in_process]
    assert in_child.stack_outputs["name"].startswith("web-bucket-")


def test_results_round_trip_as_data() -> None:
    capture = StackCapture(resources=capture_source(PROGRAM), registered_outputs={"urn:x": {"a": [1.0, None]}})
    decoded = decode_result(encode_result(capture), "prog")
    assert [vars(r) for r in decoded.resources] == [vars(r) for r in capture.resources]
    assert decoded.registered_outputs == capture.registered_outputs


@pytest.mark.parametrize("mangle", [
    lambda data: data[:-1],  # cut short
    lambda data: data[:-9] + bytes([data[-9] ^ 1]) + data[-8:],  # same length, one bit flipped
    lambda data: data.replace(b"stackguard-capture/1", b"stackguard-capture/2", 1),
    lambda data: data.split(b"\n", 1)[1],  # no header
    lambda data: b"",
], ids=["truncated", "altered", "magic", "headerless", "empty"])
def test_an_incomplete_result_is_an_error(mangle) -> None:
    data = encode_result(StackCapture(resources=capture_source(PROGRAM)))
    with pytest.raises(CaptureError, match=r"^prog: the capture process returned an incomplete result$"):
        decode_result(mangle(data), "prog")


@pytest.mark.parametrize("body", [
    b"[]",
    b'{"resources": [{"type": "t"}], "registered_outputs": {}}',
    b'{"resources": [], "registered_outputs": []}',
    b"not json",
    b'{"resources": [], "registered_outputs": {"u": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
], ids=["list", "missing-fields", "outputs-list", "not-json", "deep"])
def test_a_malformed_result_is_an_error(body: bytes) -> None:
    with pytest.raises(CaptureError, match=r"^prog: the capture process returned a malformed result$"):
        decode_result(frame(body), "prog")


def test_inputs_deeper_than_the_sdk_allows_are_rejected() -> None:
    resource = json.loads(encode_result(StackCapture(resources=capture_source(PROGRAM))).split(b"\n", 1)[1])
    item = resource["resources"][1]
    deep: object = "x"
    for _ in range(MAX_INPUT_DEPTH + 1):
        deep = {"k": deep}
    item["inputs"] = {"tags": deep}
    with pytest.raises(CaptureError, match="malformed result"):
        decode_result(frame(json.dumps(resource).encode()), "prog")


def test_the_program_error_comes_back_as_one_line(tmp_path: Path) -> None:
    program = write(tmp_path, "import pulumi\nraise ValueError('bad subnet count\\nsecond line')\n")
    with pytest.raises(CaptureError) as info:
        capture_in_child(program)
    assert str(info.value) == f"{program}: ValueError: bad subnet count"


def test_the_program_cannot_write_to_the_report_or_read_the_terminal(tmp_path: Path, capfd) -> None:
    program = write(tmp_path, (
        "import os, sys\n"
        "print('Policies: no violations.')\n"
        "os.write(1, b'forged')\n"
        "sys.stderr.write('forged')\n"
        "input()\n"))
    with pytest.raises(CaptureError, match="EOFError"):  # stdin is closed, not the terminal
        capture_in_child(program)
    assert capfd.readouterr() == ("", "")


def test_an_idle_program_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    program = write(tmp_path, "import time\ntime.sleep(600)\n")
    started = time.monotonic()
    with pytest.raises(CaptureError) as info:
        capture_in_child(program, timeout=1)
    assert time.monotonic() - started < 15
    assert str(info.value).startswith(f"{program}: the program did not finish within 1 s under mocks and was stopped")


def test_a_program_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    # The program runs in a thread, where the signal module refuses; libc does not.
    program = write(tmp_path, (
        "import ctypes, signal, time\n"
        "ctypes.CDLL(None).signal(int(signal.SIGTERM), 1)  # SIG_IGN, process-wide\n"
        "time.sleep(600)\n"))
    started = time.monotonic()
    with pytest.raises(CaptureError, match="did not finish within 1 s"):
        capture_in_child(program, timeout=1)
    elapsed = time.monotonic() - started
    assert 1 + GRACE_SECONDS <= elapsed < 15  # SIGTERM was ignored for the whole grace period


def test_threads_the_program_leaves_running_do_not_keep_the_child_alive(tmp_path: Path) -> None:
    program = write(tmp_path, (
        "import threading, time\n"
        "import pulumi_aws as aws\n"
        "threading.Thread(target=time.sleep, args=(600,)).start()\n"
        "aws.s3.Bucket('b')\n"))
    capture = capture_in_child(program, timeout=60)
    assert [r.name for r in capture.resources if r.type == "aws:s3/bucket:Bucket"] == ["b"]


def test_a_bad_stack_name_is_an_error_from_the_child(tmp_path: Path) -> None:
    program = write(tmp_path, "import pulumi\n")
    with pytest.raises(CaptureError, match="a stack name may only contain"):
        capture_in_child(program, stack="../../etc/passwd")


@pytest.mark.parametrize("replacement", ["fifo", "symlink"])
def test_a_result_replaced_by_something_else_is_not_read(tmp_path: Path, replacement: str) -> None:
    # The program knows where the result goes (argv); what it leaves there is not trusted.
    target = tmp_path / "elsewhere"
    target.write_bytes(encode_result(StackCapture(resources=[])))
    make = ("os.mkfifo(path)" if replacement == "fifo" else f"os.symlink({str(target)!r}, path)")
    program = write(tmp_path, (
        "import os, sys\n"
        "path = sys.argv[-1]\n"
        f"{make}\n"
        "os._exit(0)\n"))
    with pytest.raises(CaptureError, match="incomplete result"):
        capture_in_child(program, timeout=30)
