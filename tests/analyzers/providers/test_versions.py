"""The provider major a project's own files select."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.providers.versions import major_of_spec, normalize, project_pins


@pytest.mark.parametrize(("spec", "major"), [
    ("==6.2.0", 6), ("===7.0.0", 7), ("~=6.5", 6), ("^7.1", 7), ("~7.1", 7),
    (">=6.0.0,<7.0.0", 6), (">=6,<8", 7), ("<7", 6), ("<7.1", 7), ("<=6.83.4", 6), (">=6.0, <7.0", 6),
    ("7.2.0", 7), (">=6", None), ("", None), ("*", None), ("==*", None), (">=8,<7", None), ("@ git+https://x", None),
    ("!=6.1", None), ("<0", None),
])
def test_major_of_spec(spec: str, major: int | None) -> None:
    assert major_of_spec(spec) == major


@given(st.text(max_size=40))
def test_any_specifier_text_is_safe(spec: str) -> None:
    result = major_of_spec(spec)
    assert result is None or result >= 0


def test_lock_files_win_over_requirements(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("# infra\npulumi>=3.0\npulumi_aws>=6.0,<7.0  # pinned\n")
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "pulumi-aws"\nversion = "7.10.0"\n')
    pins = project_pins(tmp_path)
    assert pins["pulumi-aws"].major == 7 and pins["pulumi-aws"].source.startswith("uv.lock")
    assert "pulumi" not in pins  # only provider SDKs (pulumi-*) count; the core SDK has no version spec here


def test_every_requirement_format(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndependencies = ["pulumi-random>=4,<5"]\n'
        '[tool.poetry.dependencies]\npulumi-tls = "^5.0"\npulumi_docker = {version = "4.5.1"}\n')
    (tmp_path / "Pipfile").write_text('[packages]\npulumi-command = "==1.0.0"\n')
    (tmp_path / "Pipfile.lock").write_text('{"default": {"pulumi-gcp": {"version": "==8.1.0"}}}')
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "prod.txt").write_text("Pulumi.AWS[extra]==6.1.0 ; python_version>'3.8'\n")
    pins = project_pins(tmp_path)
    assert {name: pin.major for name, pin in pins.items()} == {
        "pulumi-random": 4, "pulumi-tls": 5, "pulumi-docker": 4, "pulumi-command": 1, "pulumi-gcp": 8,
        "pulumi-aws": 6,
    }


def test_broken_and_hostile_files_say_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\ndependencies = ")
    (tmp_path / "poetry.lock").write_text("package = 3\n")
    (tmp_path / "Pipfile.lock").write_text("[1, 2]")
    (tmp_path / "requirements.txt").write_bytes(b"\xff\xfe pulumi-aws==\x00\n" + b"x" * 100)
    (tmp_path / "requirements-big.txt").write_text("pulumi-aws==6.0.0\n" + "#" * (3 * 1024 * 1024))
    assert project_pins(tmp_path) == {}


def test_normalize() -> None:
    assert normalize("Pulumi_AWS") == normalize("pulumi.aws") == "pulumi-aws"


def test_a_fifo_in_place_of_a_requirements_file_is_skipped(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    os.mkfifo(tmp_path / "requirements.txt")
    (tmp_path / "requirements-dev.txt").write_text("pulumi-aws==6.2.0\n")
    probe = "import sys; from pathlib import Path; from analyzers.providers.versions import project_pins; " \
            "print(sorted((k, p.major) for k, p in project_pins(Path(sys.argv[1])).items()))"
    repo = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(repo)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('pulumi-aws', 6)]"
