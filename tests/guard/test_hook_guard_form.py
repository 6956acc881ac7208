"""Refusals name the form of `planlint guard` that works under the operator's deployment (issue 10, gap 9)."""

from __future__ import annotations

import io
import json
import os
import pwd
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planlint.boundary.deploy import SECURE_PATH
from planlint.cli import main
from planlint.guard import advice


@pytest.fixture(autouse=True)
def _detect_again() -> Iterator[None]:
    yield
    advice.configure(None)


def _reason(
    argv: list[str], command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(payload).encode())))
    assert main(["hook", "claude", *argv]) == 0
    out = json.loads(capsys.readouterr().out)
    return str(out["hookSpecificOutput"]["permissionDecisionReason"])


def test_configured_account_gives_the_sudo_form(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = _reason(["--guard-account", "planlint"], "terraform destroy -auto-approve", monkeypatch, capsys)
    assert "`sudo -n -u planlint " in reason
    assert " guard -- terraform destroy -auto-approve`" in reason
    assert "\n" not in reason


def test_no_deployment_gives_the_plain_form(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = _reason(["--guard-account", "none"], "terraform taint aws_db_instance.main", monkeypatch, capsys)
    assert "`planlint guard -- terraform taint aws_db_instance.main`" in reason and "sudo" not in reason


def test_detection_follows_the_password_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        deployed = pwd.getpwnam(advice.DEFAULT_ACCOUNT).pw_uid != os.getuid()
    except KeyError:
        deployed = False
    reason = _reason([], "aws rds delete-db-instance --db-instance-identifier prod", monkeypatch, capsys)
    assert ("`sudo -n -u planlint " in reason) is deployed
    assert " guard -- aws rds delete-db-instance --db-instance-identifier prod`" in reason


def test_sudo_form_names_a_program_sudo_can_find() -> None:
    """sudo's secure_path is the one the sudoers rule sets; without the real planlint on it, the absolute path."""
    assert advice.SECURE_PATH == SECURE_PATH
    advice.configure("planlint")
    program = advice.guard_prefix().split()[4]
    installed = Path(sys.executable).parent / "planlint"
    assert program == "planlint" or Path(program).resolve() == installed.resolve()
