"""OpenAI Codex CLI: PreToolUse hook, the same wire shape as Claude Code.

stdin: `{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "…"}, …}`.
deny:  exit 0 with exactly `{"hookSpecificOutput": {"hookEventName", "permissionDecision": "deny",
       "permissionDecisionReason"}}` — Codex rejects unknown keys (a failed hook lets the tool run), so
       nothing else is ever added. Otherwise: no output.
"""

from __future__ import annotations

import json
from typing import Any

from planlint.hooks.claude import merge_claude_style
from planlint.hooks.contract import ConfigTarget, HookReply, tool_input_command

AGENT = "codex"
EVENT = "PreToolUse"
CONFIG = ConfigTarget(project=".codex/hooks.json", user=".codex/hooks.json")
MATCHER = "Bash"


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
