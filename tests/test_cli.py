"""The `planlint` command: exit codes, usage errors, multiple inputs, rules listing, every format agrees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planlint import __version__
from planlint.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DESTRUCTIVE = str(EXAMPLES / "terraform/rds-engine-change.json")
SAFE = str(EXAMPLES / "terraform/safe-update.json")


def test_version_and_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "planlint", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"planlint {__version__}"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "github"])
def test_every_format_gives_the_same_exit_code(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", DESTRUCTIVE, "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "aws_db_instance.orders" in out.replace("\\_", "_")
    assert "do-not-print-me" not in out
    assert main(["check", SAFE, "--format", fmt]) == 0


def test_usage_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert main(["check", SAFE, "--format", "yaml"]) == 2
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in err if ": error: " in line]
    assert (
        errors[0]
        == "planlint: error: give at least one PLAN, or --source DIR to check Terraform source alone"
    )
    assert errors[1].startswith("planlint check: error: argument -f/--format: invalid choice: 'yaml'")
    assert errors[2].startswith("planlint: error: argument COMMAND: invalid choice: 'frobnicate'")
    assert len(errors) == 3
    # argparse's form: the usage line of the command that was misused, then `PROG: error: ...`
    assert err[err.index(errors[1]) - 1].lstrip().startswith(("[", "usage: planlint check"))
    assert not any("planlint: error: planlint" in line for line in err)


def test_several_inputs_are_judged_together_and_reported_per_file(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    destroy = str(corpus / "terraform/snyk-cli/tf-plan-destroy.json")
    change_set = str(corpus / "cloudformation/trek10-cfn-changeset-viewer/multiple.json")
    assert main(["check", SAFE, destroy, change_set, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [i["origin"] for i in report["inputs"]] == [SAFE, destroy, change_set]
    assert {f["origin"] for f in report["findings"]} == {destroy, change_set}


def test_one_bad_input_fails_the_whole_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "synthetic-truncated.json"
    bad.write_text('{"format_version": "1.2", "resource_changes": [')
    assert main(["check", SAFE, str(bad)]) == 2
    captured = capsys.readouterr()
    assert "synthetic-truncated.json" in captured.err
    assert captured.out == ""


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    assert main(["check", DESTRUCTIVE, "--format", "sarif", "--output", str(out)]) == 1
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_rules_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "PL001" in listing and "PL002" in listing
    assert main(["rules", "show", "pl001"]) == 0
    shown = capsys.readouterr().out
    for heading in ("What it checks", "Why it matters", "Example", "How to fix"):
        assert f"## {heading}" in shown
    assert main(["rules", "show", "PL999"]) == 2


def test_policy_override_and_bad_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / ".planlint.yml"
    policy.write_text("version: 1\nrules:\n  PL001: {enforcement: warn}\n")
    assert main(["check", DESTRUCTIVE, "--config", str(policy)]) == 0
    policy.write_text("version: 1\naproval: {label: x}\n")
    assert main(["check", DESTRUCTIVE, "--config", str(policy)]) == 2
    assert "did you mean 'approval'" in capsys.readouterr().err


def test_working_tree_policy_is_never_read_implicitly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `.planlint.yml` in the tree under review could waive everything; only --config counts."""
    (tmp_path / ".planlint.yml").write_text("version: 1\nrules:\n  PL001: {enforcement: info}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLANLINT_CONFIG", raising=False)
    assert main(["check", DESTRUCTIVE]) == 1
