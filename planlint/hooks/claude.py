"""Claude Code: PreToolUse hook on the Bash tool and MCP tools (`mcp__SERVER__TOOL`).

stdin: `{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "…"}, …}`.
deny:  exit 0 with `{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
       "permissionDecisionReason": "…"}}` (the reason is shown to Claude). Otherwise: no output.
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

AGENT = "claude"
EVENT = "PreToolUse"
# Managed settings (https://code.claude.com/docs/en/settings): /etc/claude-code on Linux and WSL,
# /Library/Application Support/ClaudeCode on macOS; they take precedence over user and project settings.
CONFIG = ConfigTarget(
    project=".claude/settings.json",
    user=".claude/settings.json",
    managed=system_path(
        linux="/etc/claude-code/managed-settings.json",
        macos="/Library/Application Support/ClaudeCode/managed-settings.json",
    ),
)
MATCHER = "Bash|mcp__.*"  # a regex: the shell tool and every MCP tool (planlint/hooks/tools.py reads them)


def command_of(payload: dict[str, Any]) -> str | None:
    return tool_input_command(payload)


def deny(reason: str) -> HookReply:
    output = {
        "hookSpecificOutput": {
            "hookEventName": EVENT,
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }
    return HookReply(stdout=json.dumps(output))


def silent() -> HookReply:
    return HookReply()


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    return merge_claude_style(existing, hook_command, EVENT, MATCHER)


def merge_claude_style(
    existing: dict[str, Any], hook_command: str, event: str, matcher: str
) -> dict[str, Any]:
    """The `{"hooks": {EVENT: [{"matcher": …, "hooks": [{"type": "command", …}]}]}}` layout (Claude, Codex)."""
    import copy  # only `hooks install` merges configuration: not on the hook's path

    config = copy.deepcopy(existing)
    hooks = section(config, "hooks")
    entry = {"matcher": matcher, "hooks": [{"type": "command", "command": hook_command, "timeout": 30}]}
    hooks[event] = append_once(event_list(hooks, event), entry, hook_command)
    return config
