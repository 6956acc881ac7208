"""Cline: an executable file named `PreToolUse` in `.clinerules/hooks/` (or the global hooks folder).

stdin: `{"hookName": "PreToolUse", "preToolUse": {"toolName": "execute_command", "parameters": {"command": …}}}`.
deny:  exit 0 with `{"cancel": true, "errorMessage": "…", "contextModification": "…"}`. Otherwise no output
       ("outputs no JSON: the action proceeds").
"""

from __future__ import annotations

import json

from planlint.hooks.contract import ConfigTarget, HookReply, command_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from typing import Any

AGENT = "cline"
EVENT = "PreToolUse"
CONFIG = ConfigTarget(project=".clinerules/hooks/PreToolUse", user="Documents/Cline/Rules/Hooks/PreToolUse")
SCRIPT = "#!/usr/bin/env sh\n# planlint: screen Cline tool calls (see docs/agents.md)\nexec {command}\n"


def command_of(payload: dict[str, Any]) -> str | None:
    pre = payload.get("preToolUse")
    if not isinstance(pre, dict):
        return None
    parameters = pre.get("parameters")
    if not isinstance(parameters, dict):
        return None
    return command_text(parameters.get("command"))


def deny(reason: str) -> HookReply:
    return HookReply(
        stdout=json.dumps({"cancel": True, "errorMessage": reason, "contextModification": reason})
    )


def silent() -> HookReply:
    return HookReply()


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    raise NotImplementedError("Cline hooks are scripts, not JSON; see planlint.hooks.install")
