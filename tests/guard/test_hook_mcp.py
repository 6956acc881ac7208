"""MCP tool calls of the Terraform and AWS MCP servers, judged like their shell equivalents (issue 10, gap 8).

Every adapter whose agent sends MCP calls through its pre-tool hook gets them in its own wire format
(Claude Code, Codex, OpenHands: `mcp__SERVER__TOOL`; Kiro: `@SERVER/TOOL`; Gemini CLI: `mcp_SERVER_TOOL` with
`mcp_context`, gemini-cli docs/hooks/reference.md; Cursor `beforeMCPExecution`; Cline `use_mcp_tool`),
through the real entry point `planlint hook <agent>`. Tool arguments are synthetic; tool names are the
servers' own (awslabs terraform-mcp-server `ExecuteTerraformCommand`, aws-api-mcp-server `call_aws`,
hashicorp terraform-mcp-server `create_run`).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from planlint.cli import main
from planlint.hooks.contract import HookReply
from planlint.hooks.tools import mcp_name

from .test_guard_hooks import decision

Payload = Callable[[str, str, dict[str, Any]], dict[str, Any]]


def _claude_style(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "PreToolUse", "tool_name": f"mcp__{server}__{tool}", "tool_input": args}


def _kiro(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook_event_name": "preToolUse",
        "cwd": "/w",
        "tool_name": f"@{server}/{tool}",
        "tool_input": args,
    }


def _gemini(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "BeforeTool", "tool_name": f"mcp_{server}_{tool}", "tool_input": args,
            "mcp_context": {"server_name": server, "tool_name": tool, "command": "uvx", "args": [server]}}  # fmt: skip


def _gemini_bare(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "BeforeTool", "tool_name": f"mcp_{server}_{tool}", "tool_input": args}


def _cursor(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "beforeMCPExecution", "tool_name": tool, "tool_input": json.dumps(args),
            "command": f"docker run -i --rm hashicorp/{server}-mcp-server"}  # fmt: skip


def _cline(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    parameters = {"server_name": server, "tool_name": tool, "arguments": json.dumps(args)}
    return {"hookName": "PreToolUse", "preToolUse": {"toolName": "use_mcp_tool", "parameters": parameters}}


ADAPTER_PAYLOADS: dict[str, Payload] = {
    "claude": _claude_style,
    "codex": _claude_style,
    "openhands": _claude_style,
    "kiro": _kiro,
    "gemini": _gemini,
    "cursor": _cursor,
    "cline": _cline,
}

# (server, tool, arguments, the agent's decision, the shell command it stands for)
CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("terraform", "ExecuteTerraformCommand", {"command": "destroy", "working_directory": "/w"}, "deny"),
    ("terraform", "ExecuteTerraformCommand", {"command": "apply", "working_directory": "/w"}, "deny"),
    ("terraform", "ExecuteTerraformCommand", {"command": "plan", "working_directory": "/w"}, "silent"),
    (
        "terraform",
        "ExecuteTerragruntCommand",
        {"command": "run-all destroy", "working_directory": "/w"},
        "deny",
    ),
    ("aws", "call_aws", {"cli_command": "aws rds delete-db-instance --db-instance-identifier prod"}, "deny"),
    ("aws", "call_aws", {"cli_command": "aws cloudformation delete-stack --stack-name prod"}, "deny"),
    ("aws", "call_aws", {"cli_command": "aws rds describe-db-instances"}, "silent"),
    ("terraform", "create_run", {"workspace_id": "ws-1", "is_destroy": True}, "deny"),
]


@pytest.mark.parametrize("agent", sorted(ADAPTER_PAYLOADS))
@pytest.mark.parametrize(("server", "tool", "args", "expected"), CALLS)
def test_mcp_call_through_the_hook(
    agent: str, server: str, tool: str, args: dict[str, Any], expected: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    payload = ADAPTER_PAYLOADS[agent](server, tool, args)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(payload).encode())))
    code = main(["hook", agent, "--guard-account", "none"])
    out, err = capsys.readouterr()
    reply = HookReply(out.strip(), err.strip(), code)
    assert decision(agent, reply) == expected, reply


def test_gemini_without_mcp_context_reads_the_name_as_gemini_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mcp_name("mcp_terraform_ExecuteTerraformCommand") == "mcp__terraform__ExecuteTerraformCommand"
    assert mcp_name("mcp_aws_call_aws") == "mcp__aws__call_aws"
    assert mcp_name("run_shell_command") == "run_shell_command"
    payload = _gemini_bare("terraform", "ExecuteTerraformCommand", {"command": "destroy"})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(payload).encode())))
    main(["hook", "gemini", "--guard-account", "none"])
    assert json.loads(capsys.readouterr().out)["decision"] == "deny"


def test_gemini_hook_is_installed_on_mcp_tools_too() -> None:
    from planlint.hooks import gemini

    config = gemini.merge_config({}, "/usr/bin/planlint hook gemini")
    matcher = config["hooks"]["BeforeTool"][0]["matcher"]
    import re

    for name in ("run_shell_command", "mcp_terraform_ExecuteTerraformCommand", "mcp_aws_call_aws"):
        assert re.fullmatch(matcher, name), name
    assert not re.fullmatch(matcher, "read_file")


def test_gemini_mcp_destroy_denied_by_the_real_process() -> None:
    payload = _gemini(
        "terraform", "ExecuteTerraformCommand", {"command": "destroy", "working_directory": "/w"}
    )
    proc = subprocess.run([sys.executable, "-m", "planlint", "hook", "gemini"], input=json.dumps(payload).encode(),
                          capture_output=True, timeout=60, check=False)  # fmt: skip
    body = json.loads(proc.stdout)
    assert proc.returncode == 0 and body["decision"] == "deny"
    assert "terraform destroy" in body["reason"]
