"""GitHub Copilot CLI and cloud agent: `preToolUse` hook (`.github/hooks/*.json`, version 1).

stdin: `{"timestamp": …, "cwd": "…", "toolName": "bash", "toolArgs": "{\"command\": \"…\"}"}` — `toolArgs` is
       a JSON *string*. (The VS Code compatible `PreToolUse` form with `tool_input` is read too.)
deny:  exit 0 with `{"permissionDecision": "deny", "permissionDecisionReason": "…"}`. Otherwise: no output.
"""

from __future__ import annotations

import json

from planlint.hooks.contract import (
    ConfigTarget,
    HookReply,
    append_once,
    event_list,
    section,
    tool_input_command,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

AGENT = "copilot"
EVENT = "preToolUse"
CONFIG = ConfigTarget(project=".github/hooks/planlint.json", user=".copilot/hooks/planlint.json")


def command_of(payload: dict[str, Any]) -> str | None:
    if "toolArgs" in payload:
        args = payload["toolArgs"]
        if isinstance(args, str):
            args = json.loads(args)  # ValueError → the caller fails closed when IaC is mentioned
        if not isinstance(args, dict):
            return None
        return tool_input_command({"tool_input": args})
    return tool_input_command(payload)


def deny(reason: str) -> HookReply:
    return HookReply(stdout=json.dumps({"permissionDecision": "deny", "permissionDecisionReason": reason}))


def silent() -> HookReply:
    return HookReply()


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    import copy  # only `hooks install` merges configuration: not on the hook's path

    config = copy.deepcopy(existing)
    config.setdefault("version", 1)
    hooks = section(config, "hooks")
    entry = {"type": "command", "bash": hook_command, "timeoutSec": 30}
    hooks[EVENT] = append_once(event_list(hooks, EVENT), entry, hook_command)
    return config
