"""OpenHands: PreToolUse hook in `.openhands/hooks.json` (Claude-compatible layout).

stdin: `{"hook_event_name": "PreToolUse", "tool_name": "terminal", "tool_input": {"command": "…"}, …}`.
deny:  exit 2 (the only code that blocks) with `{"decision": "deny", "reason": "…"}` on stdout and the
       reason on stderr. Otherwise: exit 0, no output.
"""

from __future__ import annotations

import json

from planlint.hooks.claude import merge_claude_style
from planlint.hooks.contract import ConfigTarget, HookReply, tool_input_command

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

AGENT = "openhands"
EVENT = "PreToolUse"
CONFIG = ConfigTarget(project=".openhands/hooks.json", user=None)
MATCHER = "*"


def command_of(payload: dict[str, Any]) -> str | None:
    return tool_input_command(payload)


def deny(reason: str) -> HookReply:
    return HookReply(stdout=json.dumps({"decision": "deny", "reason": reason}), stderr=reason, exit_code=2)


def silent() -> HookReply:
    return HookReply()


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    return merge_claude_style(existing, hook_command, EVENT, MATCHER)
