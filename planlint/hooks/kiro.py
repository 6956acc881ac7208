"""Kiro CLI: `preToolUse` hook in an agent configuration (`.kiro/agents/<name>.json`).

stdin: `{"hook_event_name": "preToolUse", "cwd": "…", "tool_name": "execute_bash", "tool_input": {"command": …}}`.
deny:  exit 2; stderr is returned to the model as the reason. Otherwise: exit 0, no output.
"""

from __future__ import annotations

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

AGENT = "kiro"
EVENT = "preToolUse"
CONFIG = ConfigTarget(project=".kiro/agents/planlint.json", user=".kiro/agents/planlint.json")


def command_of(payload: dict[str, Any]) -> str | None:
    return tool_input_command(payload)


def deny(reason: str) -> HookReply:
    return HookReply(stderr=reason, exit_code=2)


def silent() -> HookReply:
    return HookReply()


def merge_config(existing: dict[str, Any], hook_command: str) -> dict[str, Any]:
    import copy  # only `hooks install` merges configuration: not on the hook's path

    config = copy.deepcopy(existing)
    if not existing:  # a new agent file: an agent without `tools` has none at all
        config.update({"name": "planlint", "description": "Default tools, IaC commands screened by planlint"})
        config["tools"] = ["*"]
    hooks = section(config, "hooks")
    # No matcher: every tool call is screened (the shell tool is `execute_bash` or `shell` by version).
    hooks[EVENT] = append_once(
        event_list(hooks, EVENT), {"command": hook_command, "timeout_ms": 30000}, hook_command
    )
    return config
