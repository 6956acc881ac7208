"""Every agent adapter, fed the command table through its own stdin/stdout contract."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from planlint.hooks import ADAPTERS
from planlint.hooks.contract import HookReply, run_hook

from .hook_table import HARMLESS, TABLE


def _claude(cmd: str) -> dict[str, Any]:
    return {
        "session_id": "s1",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": cmd},
    }


def _codex(cmd: str) -> dict[str, Any]:
    return {
        "session_id": "t1",
        "turn_id": "u1",
        "cwd": "/w",
        "model": "gpt-5",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": cmd},
    }


PAYLOADS: dict[str, Callable[[str], dict[str, Any]]] = {
    "claude": _claude,
    "codex": _codex,
    "gemini": lambda c: {
        "hook_event_name": "BeforeTool",
        "tool_name": "run_shell_command",
        "tool_input": {"command": c},
    },
    "cursor": lambda c: {"hook_event_name": "beforeShellExecution", "command": c, "cwd": "/w"},
    "kiro": lambda c: {
        "hook_event_name": "preToolUse",
        "cwd": "/w",
        "tool_name": "execute_bash",
        "tool_input": {"command": c},
    },
    "copilot": lambda c: {
        "timestamp": 1704614600000,
        "cwd": "/w",
        "toolName": "bash",
        "toolArgs": json.dumps({"command": c, "description": "x"}),
    },
    "openhands": lambda c: {
        "hook_event_name": "PreToolUse",
        "tool_name": "terminal",
        "tool_input": {"command": c},
    },
    "cline": lambda c: {
        "hookName": "PreToolUse",
        "taskId": "t",
        "preToolUse": {
            "toolName": "execute_command",
            "parameters": {"command": c, "requires_approval": "false"},
        },
    },
}


def decision(agent: str, reply: HookReply) -> str:
    """Read a reply the way the agent would: 'deny' or 'silent'; anything else fails the test."""
    out = json.loads(reply.stdout) if reply.stdout.strip() else None
    # planlint never decides "allow" (and never answers Cline with cancel: false)
    fields = [out.get("decision"), out.get("permission"), out.get("permissionDecision"), out.get("cancel"),
              (out.get("hookSpecificOutput") or {}).get("permissionDecision")] if out else []  # fmt: skip
    assert "allow" not in fields and "approve" not in fields and False not in fields, reply.stdout
    if agent in ("claude", "codex"):
        if out is None:
            assert reply.exit_code == 0
            return "silent"
        assert out == {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": out["hookSpecificOutput"]["permissionDecisionReason"],
            }
        }
        assert reply.exit_code == 0
        return "deny"
    if agent in ("gemini", "cursor"):
        assert out is not None and reply.exit_code == 0
        if out == {}:
            return "silent"
        if agent == "gemini":
            assert set(out) == {"decision", "reason"} and out["decision"] == "deny" and out["reason"]
        else:
            assert out["permission"] == "deny" and out["agent_message"] and out["user_message"]
        return "deny"
    if agent == "kiro":
        assert reply.stdout == ""
        if reply.exit_code == 2:
            assert reply.stderr
            return "deny"
        assert reply.exit_code == 0 and reply.stderr == ""
        return "silent"
    if agent == "copilot":
        if out is None:
            return "silent"
        assert (
            set(out) == {"permissionDecision", "permissionDecisionReason"}
            and out["permissionDecision"] == "deny"
        )
        return "deny"
    if agent == "openhands":
        if reply.exit_code == 2:
            assert out is not None and out["decision"] == "deny" and reply.stderr
            return "deny"
        assert out is None and reply.exit_code == 0
        return "silent"
    if agent == "cline":
        if out is None:
            return "silent"
        assert out["cancel"] is True and out["errorMessage"]
        return "deny"
    raise AssertionError(f"no contract reader for {agent}")


def test_every_adapter_has_a_payload_and_reader() -> None:
    assert set(PAYLOADS) == set(ADAPTERS)
    assert len(TABLE) >= 60


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
def test_command_table_through_adapter(agent: str) -> None:
    wrong = []
    for command, expected in TABLE:
        reply = run_hook(agent, json.dumps(PAYLOADS[agent](command)))
        got = decision(agent, reply)
        if got != expected:
            wrong.append((command, expected, got))
    assert wrong == []


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
def test_deny_reason_points_to_guard_and_says_stop(agent: str) -> None:
    reply = run_hook(agent, json.dumps(PAYLOADS[agent]("terraform destroy -auto-approve")))
    text = reply.stdout + reply.stderr
    assert "planlint guard -- terraform destroy -auto-approve" in text
    assert "do not retry with other flags or tools" in text.lower()


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
def test_unreadable_input_is_denied_whatever_it_mentions(agent: str) -> None:
    reply = run_hook(agent, '{"tool_input": {"command": "terraform destroy"')  # truncated JSON
    assert decision(agent, reply) == "deny"
    assert decision(agent, run_hook(agent, '{"tool_input": {"command": "ls"')) == "deny"


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
def test_non_shell_tool_is_silent(agent: str) -> None:
    payload = {"tool_name": "Write", "tool_input": {"file_path": "main.tf", "content": "terraform {}"}}
    assert decision(agent, run_hook(agent, json.dumps(payload))) == "silent"


def test_copilot_tool_args_that_are_not_json_fail_closed() -> None:
    payload = {"toolName": "bash", "toolArgs": "{command: terraform destroy"}
    assert decision("copilot", run_hook("copilot", json.dumps(payload))) == "deny"


def test_codex_argv_form_is_unwrapped() -> None:
    payload = _codex("")
    payload["tool_input"] = {"command": ["bash", "-lc", "terraform apply -auto-approve"]}
    assert decision("codex", run_hook("codex", json.dumps(payload))) == "deny"


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
def test_hook_process_contract(agent: str) -> None:
    """The real process: `python -m planlint hook <agent>` with the payload on stdin."""
    for command, expected in [("terraform destroy", "deny"), (HARMLESS[0], "silent")]:
        proc = subprocess.run(
            [sys.executable, "-m", "planlint", "hook", agent],
            input=json.dumps(PAYLOADS[agent](command)).encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        reply = HookReply(proc.stdout.decode().strip(), proc.stderr.decode().strip(), proc.returncode)
        assert decision(agent, reply) == expected, (command, reply)


def test_a_crash_inside_the_hook_denies_iac_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even an unexpected exception (here: the screening itself breaking) never lets terraform through."""
    import io

    from planlint.cli import main
    from planlint.hooks import contract

    def broken(agent: str, text: str) -> HookReply:
        raise RuntimeError("boom")

    monkeypatch.setattr(contract, "run_hook", broken)
    payload = json.dumps(PAYLOADS["claude"]("terraform destroy"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload.encode())))
    assert main(["hook", "claude"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (
        out["hookSpecificOutput"]["permissionDecision"] == "deny"
        and "boom" in out["hookSpecificOutput"]["permissionDecisionReason"]
    )
