"""OpenAI Codex CLI: PreToolUse hook, the same wire shape as Claude Code.

stdin: `{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "…"}, …}`.
deny:  exit 0 with exactly `{"hookSpecificOutput": {"hookEventName", "permissionDecision": "deny",
       "permissionDecisionReason"}}` — Codex rejects unknown keys (a failed hook lets the tool run), so
       nothing else is ever added. Otherwise: no output.
"""

from __future__ import annotations

# Same wire shape as Claude Code: Claude's deny emits exactly the three keys Codex accepts (a test pins it).
from planlint.hooks.claude import EVENT, MATCHER, command_of, deny, merge_claude_style, silent
from planlint.hooks.contract import ConfigTarget

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

AGENT = "codex"
CONFIG = ConfigTarget(project=".codex/hooks.json", user=".codex/hooks.json")

__all__ = ["AGENT", "CONFIG", "EVENT", "MATCHER", "command_of", "deny", "merge_config", "silent"]


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    return merge_claude_style(existing, hook_command, EVENT, MATCHER)
