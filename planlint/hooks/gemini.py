"""Gemini CLI: BeforeTool hook on `run_shell_command` and MCP tools (`mcp_SERVER_TOOL`).

stdin: `{"hook_event_name": "BeforeTool", "tool_name": "run_shell_command", "tool_input": {"command": "…"}}`.
deny:  exit 0 with `{"decision": "deny", "reason": "…"}` (the reason goes to the agent as a tool error).
Otherwise `{}`: Gemini parses stdout as JSON on exit 0, and an empty object decides nothing.
"""

from __future__ import annotations

import json

from planlint.hooks.contract import (
    ConfigTarget,
    HookReply,
    append_once,
    event_list,
    section,
    system_path,
    tool_input_command,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

AGENT = "gemini"
EVENT = "BeforeTool"
# System settings override user and project settings (Gemini CLI docs, "Settings files").
CONFIG = ConfigTarget(
    project=".gemini/settings.json",
    user=".gemini/settings.json",
    managed=system_path(
        linux="/etc/gemini-cli/settings.json", macos="/Library/Application Support/GeminiCli/settings.json"
    ),
)
# A regex on the tool name: the shell tool and every MCP tool (`mcp_SERVER_TOOL`; planlint/hooks/tools.py).
MATCHER = "run_shell_command|mcp_.*"


def command_of(payload: dict[str, Any]) -> str | None:
    return tool_input_command(payload)


def deny(reason: str) -> HookReply:
    return HookReply(stdout=json.dumps({"decision": "deny", "reason": reason}))


def silent() -> HookReply:
    return HookReply(stdout="{}")


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    import copy  # only `hooks install` merges configuration: not on the hook's path

    config = copy.deepcopy(existing)
    hooks = section(config, "hooks")
    entry = {
        "matcher": MATCHER,
        "hooks": [{"type": "command", "command": hook_command, "name": "planlint", "timeout": 30000}],
    }
    hooks[EVENT] = append_once(event_list(hooks, EVENT), entry, hook_command)
    return config
