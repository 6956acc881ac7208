"""Agent tool calls other than a shell command that run something: read into shell text the hook screens.

Which tools, and how each one's arguments become a command, is data: `rules/commands/agent_tools.yaml`
(Copilot `write_bash`, OpenHands terminal input, Kiro `use_aws`, the AWS and Terraform MCP servers'
call/execute tools). An MCP tool the table does not list is refused when its server or name points at
infrastructure and its name says it changes something: unknown is asked about, not passed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from planlint.guard.shellwords import mentions_iac
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

# Compiled on first use (re caches them): only MCP tools need them.
_CLOUD = r"(?i)aws|azure|gcp|gcloud|google|cloud|k8s|kube|helm|terraform|tofu|pulumi|cdk|cfn|db|sql"
_MUTATING = (
    r"(?i)apply|destroy|delete|remove|terminate|drop|purge|truncate|execute|exec|run|call|update|create|put"
    r"|deploy|write|modify|import|migrate|rollback|scale|patch"
)
_SPECIAL_KEYS = {"{enter}": "\n", "{tab}": "\t"}


class ToolCommand(NamedTuple):
    """What a tool call runs, as shell text to screen; or why it is refused outright."""

    text: str = ""
    refuse: str = ""


def tool_call(payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(tool name, arguments) from any agent's pre-tool-use payload, or None when it names no tool.

    Claude Code, Codex, Gemini, Kiro, OpenHands: `tool_name` + `tool_input`; Copilot: `toolName` +
    `toolArgs` (a JSON string); Cursor `beforeMCPExecution`: `tool_name` + `tool_input` (a JSON string);
    Cline: `preToolUse.toolName` + `parameters` (`use_mcp_tool`: `server_name`, `tool_name`, `arguments`).
    MCP tool names come back in one form, `mcp__SERVER__TOOL` (see `mcp_name`); for Cursor, whose
    payload names no server, SERVER is the server's launch command or URL.
    """
    pre = payload.get("preToolUse")
    if isinstance(pre, dict):
        name, args = pre.get("toolName"), _object(pre.get("parameters"))
        if name == "use_mcp_tool":
            name = f"mcp__{args.get('server_name', '')}__{args.get('tool_name', '')}"
            args = _object(args.get("arguments"))
        return (name, args) if isinstance(name, str) else None
    context = payload.get("mcp_context")
    if payload.get("hook_event_name") == "beforeMCPExecution":  # Cursor: the server is its command or URL
        server = payload.get("command") or payload.get("url")
        context = {"server_name": server, "tool_name": payload.get("tool_name")}
    for name_key, args_key in (("tool_name", "tool_input"), ("toolName", "toolArgs")):
        name = payload.get(name_key)
        if isinstance(name, str):
            return mcp_name(name, context), _object(payload.get(args_key))
    return None


def mcp_name(name: str, context: Any = None) -> str:
    """`mcp__SERVER__TOOL` for an MCP tool as any agent names it; other tool names unchanged.

    Gemini CLI names MCP tools `mcp_SERVER_TOOL` and sends `mcp_context` (`server_name`, `tool_name`) with
    BeforeTool (gemini-cli docs/hooks/reference.md "Matchers and tool names"; packages/core/src/hooks/
    types.ts `McpToolContext`); without the context the server is the first `_`-separated part, as
    gemini-cli's own `parseMcpToolName` reads it. Kiro CLI names them `@SERVER/TOOL`
    (kiro.dev/docs/cli/custom-agents/configuration-reference, `tools`).
    """
    if isinstance(context, dict):
        server, tool = context.get("server_name"), context.get("tool_name")
        if isinstance(server, str) and isinstance(tool, str) and server and tool:
            return f"mcp__{server}__{tool}"
    # Kiro CLI: `@SERVER/TOOL` (agent configuration reference); the regex is compiled only for such names
    kiro = re.match(r"^@([^/]+)/(.+)$", name) if name.startswith("@") else None
    if kiro:
        return f"mcp__{kiro.group(1)}__{kiro.group(2)}"
    if name.startswith("mcp_") and not name.startswith("mcp__"):
        match = re.match(r"^mcp_([^_]+)_(.+)$", name)
        if match:
            return f"mcp__{match.group(1)}__{match.group(2)}"
    return name


def _object(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)  # ValueError: the caller fails closed when infrastructure is named
    return value if isinstance(value, dict) else {}


@lru_cache(maxsize=1)
def _tools() -> tuple[dict[str, Any], ...]:
    from planlint.guard.tables import load_table

    return tuple(load_table("agent_tools")["tools"])


def tool_command(name: str, args: dict[str, Any]) -> ToolCommand:
    """The command a tool call runs (empty when it runs none planlint knows of)."""
    mcp = name.startswith("mcp__")
    if mcp:
        import fnmatch  # imported for MCP names only (see below)
    for entry in _tools():
        names = entry["names"]
        # Every glob in the table is an MCP name: a shell tool (`Bash`) costs one lookup, not 30 regexes.
        if name not in names and not (mcp and any(fnmatch.fnmatchcase(name, pattern) for pattern in names)):
            continue
        reads = entry["reads"]
        if reads == "refuse":
            return ToolCommand(refuse=f"`{name}`: {entry['reason']}")
        if reads == "shell":
            return ToolCommand(text=_shell_text(args.get(entry["field"])))
        import shlex  # argv and AWS API tools: not on a shell tool's path

        if reads == "argv":
            words = [str(args.get(f, "")) for f in entry["fields"]]
            return ToolCommand(text=shlex.join([entry["program"], *" ".join(words).split()]))
        return ToolCommand(text=shlex.join(aws_argv(args)))
    if name.startswith("mcp__"):
        _, _, rest = name.partition("mcp__")
        server, _, tool = rest.partition("__")
        if (re.search(_CLOUD, server) or re.search(_CLOUD, tool)) and re.search(_MUTATING, tool):
            return ToolCommand(
                refuse=f"`{name}` is an MCP tool planlint does not know, and it may change infrastructure"
            )
        text = json.dumps(args)
        if mentions_iac(tool) and re.search(_MUTATING, text):
            return ToolCommand(refuse=f"`{name}` passes an infrastructure command planlint cannot read")
    return ToolCommand()


def _shell_text(value: Any) -> str:
    if isinstance(value, list):
        import shlex  # an argv list only

    text = value if isinstance(value, str) else shlex.join(map(str, value)) if isinstance(value, list) else ""
    for key, char in _SPECIAL_KEYS.items():
        text = text.replace(key, char)
    return text


def _kebab(name: str) -> str:
    """`DeleteDBInstance` → `delete-db-instance`; `delete-db-instance` stays as it is."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).replace("_", "-").lower()


def aws_argv(args: dict[str, Any]) -> list[str]:
    """`aws SERVICE OPERATION --param value …` for a use_aws call (Amazon Q / Kiro CLI `use_aws`)."""
    argv = ["aws", str(args.get("service_name", "")), _kebab(str(args.get("operation_name", "")))]
    for key, value in (args.get("parameters") or {}).items():
        flag = "--" + _kebab(str(key)).lstrip("-")
        if value is True:
            argv.append(flag)
        elif value not in (False, None):
            argv += [flag, value if isinstance(value, str) else json.dumps(value)]
    for key, flag in (("region", "--region"), ("profile_name", "--profile")):
        if args.get(key):
            argv += [flag, str(args[key])]
    return argv
