"""`stackguard policy PATH`: the pack on a program under mocks, from the command line."""

import json
from pathlib import Path

from analyzers.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def test_mandatory_violations_exit_1_with_their_messages(capsys) -> None:
    code = main(["policy", str(FIXTURES / "faulty_stack"), "--preview", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    found = {(v["code"], v["name"], v["enforcement"]) for v in report["violations"]}
    assert ("SG201", "postgres-db", "mandatory") in found
    assert ("SG301", "api-integration", "mandatory") in found
    assert all(v["message"].startswith(f"[{v['code']}]") for v in report["violations"])


def test_clean_program_exits_0(capsys) -> None:
    assert main(["policy", str(REPO / "reference_stack")]) == 0
    assert "no violations" in capsys.readouterr().out


def test_pack_config_file_lowers_levels(tmp_path: Path, capsys) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"all": "advisory"}), encoding="utf-8")
    assert main(["policy", str(FIXTURES / "faulty_stack"), "--policy-pack-config", str(config)]) == 0
    assert "0 mandatory" in capsys.readouterr().out


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["policy", str(tmp_path / "missing")]) == 2
    assert main(["policy", str(REPO / "reference_stack"), "--config", "no-equals"]) == 2
    broken = tmp_path / "config.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["policy", str(REPO / "reference_stack"), "--policy-pack-config", str(broken)]) == 2
    failing = tmp_path / "prog.py"
    failing.write_text("raise ValueError('boom')\n", encoding="utf-8")
    assert main(["policy", str(failing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("stackguard: error: ") for line in err)
    assert "Traceback" not in "".join(err)
