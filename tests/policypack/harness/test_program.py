"""Program resolution reads the program's own Pulumi.yaml and Pulumi.<stack>.yaml, which are untrusted:
a FIFO, a device or a huge file there is a one-line CaptureError, never a hang or a silent skip."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from policypack.harness.program import MAX_PROJECT_FILE_BYTES, resolve_program
from policypack.harness.records import CaptureError


def _project(root: Path) -> Path:
    (root / "Pulumi.yaml").write_text("name: proj\nruntime: python\n")
    (root / "__main__.py").write_text("import pulumi\n")
    return root


def _resolve_within(root: Path, seconds: float = 20) -> BaseException | None:
    """resolve_program's error (None when it succeeds); fails the test if it blocks."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            resolve_program(root, "dev")
            outcome.append(None)
        except BaseException as error:  # handed to the test
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        # Unblock the reader so the thread can end: a writer opening the FIFO lets a blocked open return.
        for fifo in root.iterdir():
            if fifo.is_fifo():
                with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
                    pass
        pytest.fail(f"resolve_program blocked for {seconds} s")
    return outcome[0]


@pytest.mark.parametrize("name", ["Pulumi.dev.yaml", "Pulumi.yaml"])
def test_a_fifo_in_place_of_a_project_file_is_a_one_line_error(tmp_path: Path, name: str) -> None:
    root = _project(tmp_path)
    (root / name).unlink(missing_ok=True)
    os.mkfifo(root / name)
    error = _resolve_within(root)
    assert isinstance(error, CaptureError)
    assert str(error) == f"{root / name}: cannot read: not a regular file: a FIFO"


def test_a_link_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "Pulumi.dev.yaml").symlink_to("/dev/zero")
    error = _resolve_within(root)
    assert isinstance(error, CaptureError) and str(error).endswith("not a regular file: a character device")


def test_an_oversized_stack_config_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with open(root / "Pulumi.dev.yaml", "wb") as stream:
        stream.write(b"config:\n  proj:big: '")
        stream.truncate(MAX_PROJECT_FILE_BYTES + 1)  # sparse: no time spent writing it
    error = _resolve_within(root)
    assert isinstance(error, CaptureError)
    assert str(error) == f"{root / 'Pulumi.dev.yaml'}: cannot read: larger than {MAX_PROJECT_FILE_BYTES >> 20} MiB"


def test_a_linked_stack_config_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "prog").mkdir()
    root = _project(tmp_path / "prog")
    (tmp_path / "shared.yaml").write_text("config:\n  proj:size: 3\n")
    (root / "Pulumi.dev.yaml").symlink_to(tmp_path / "shared.yaml")
    assert resolve_program(root, "dev").config == {"proj:size": "3"}
