"""CLI errors a person and a program can act on: argparse's usage form, and every format's error report."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from planlint.cli import main

SCHEMA = Path(__file__).resolve().parent.parent / "planlint" / "schemas" / "report.schema.json"
EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "terraform" / "rds-engine-change.json")


def test_unknown_option_names_the_subcommand_with_its_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", EXAMPLE, "--frobnicate"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0].startswith("usage: planlint check ")
    assert lines[-1] == "planlint check: error: unrecognized arguments: --frobnicate"
    assert "planlint: error: planlint" not in captured.err
    assert captured.out == ""


def test_json_input_error_is_a_json_error_report_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "synthetic-truncated.json"
    bad.write_text('{"format_version": "1.2", "resource_changes": [')
    assert main(["check", str(bad), "--format", "json"]) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(report)
    assert report["decision"] == "error" and report["exit_code"] == 2
    assert report["error"]["kind"] == "input"
    assert report["error"]["origin"] == str(bad)
    assert captured.err == f"planlint: error: {bad}: {report['error']['message']}\n"


def test_json_usage_error_after_parsing_is_reported_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["error"] == {
        "kind": "config",
        "message": "give at least one PLAN, or --source DIR to check Terraform source alone",
        "origin": None,
    }


def test_every_format_has_an_error_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "synthetic-missing.json")
    assert main(["check", missing, "--format", "sarif"]) == 2
    sarif = json.loads(capsys.readouterr().out)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and sarif["runs"][0]["results"] == []
    assert "no such file" in invocation["toolExecutionNotifications"][0]["message"]["text"]

    assert main(["check", missing, "--format", "github"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error title=planlint%3A error,file=")
    assert "no such file" in out

    assert main(["check", missing, "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("## ❌ planlint: error")
    assert "no such file" in out

    assert main(["check", missing]) == 2
    assert capsys.readouterr().out == ""  # text: the stderr line is the report


def test_error_report_goes_to_the_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.sarif"
    report.write_text("stale report from an earlier run")
    assert main(["check", str(tmp_path / "synthetic-missing.json"), "-f", "sarif", "-o", str(report)]) == 2
    assert json.loads(report.read_text())["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert capsys.readouterr().out == ""


def test_stdin_is_named_stdin_in_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{not json")))
    assert main(["check", "-"]) == 2
    assert capsys.readouterr().err.startswith("planlint: error: <stdin>: ")
