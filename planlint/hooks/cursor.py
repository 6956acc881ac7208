"""Cursor: `beforeShellExecution` hook.

stdin: `{"hook_event_name": "beforeShellExecution", "command": "…", "cwd": "…", …}`.
deny:  exit 0 with `{"permission": "deny", "user_message": "…", "agent_message": "…"}`.
Otherwise `{}` (no permission field: Cursor's own settings decide). Installed with `failClosed: true` so
a crashed or timed-out hook blocks instead of allowing.
"""

from __future__ import annotations

import json

from planlint.hooks.contract import ConfigTarget, HookReply, append_once, command_text, event_list, section

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

AGENT = "cursor"
EVENT = "beforeShellExecution"
MCP_EVENT = "beforeMCPExecution"  # stdin: {"tool_name", "tool_input" (a JSON string), "url" | "command"}
CONFIG = ConfigTarget(project=".cursor/hooks.json", user=".cursor/hooks.json")


def command_of(payload: dict[str, Any]) -> str | None:
    if payload.get("hook_event_name") == MCP_EVENT:
        return None  # `command` is the MCP server's own launch command; the tool call is read by tools.py
    return command_text(payload.get("command"))


def deny(reason: str) -> HookReply:
    return HookReply(
        stdout=json.dumps({"permission": "deny", "user_message": reason, "agent_message": reason})
    )


def silent() -> HookReply:
    return HookReply(stdout="{}")


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    import copy  # only `hooks install` merges configuration: not on the hook's path

    config = copy.deepcopy(existing)
    config.setdefault("version", 1)
    hooks = section(config, "hooks")
    entry = {"command": hook_command, "timeout": 30, "failClosed": True}
    for event in (EVENT, MCP_EVENT):
        hooks[event] = append_once(event_list(hooks, event), entry, hook_command)
    return config
