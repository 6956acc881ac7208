"""After `hooks install`: find the real planlint and the repository root, and prove the installed hook answers."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from planlint.errors import ConfigError

# A `terraform destroy` tool call in each agent's own wire format (see planlint/hooks/<agent>.py).
_COMMAND = "terraform destroy -auto-approve"
PROBES: dict[str, dict[str, Any]] = {
    "claude": {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": _COMMAND}},
    "codex": {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": _COMMAND}},
    "gemini": {"hook_event_name": "BeforeTool", "tool_name": "run_shell_command", "tool_input": {"command": _COMMAND}},
    "cursor": {"hook_event_name": "beforeShellExecution", "command": _COMMAND, "cwd": "."},
    "kiro": {"hook_event_name": "preToolUse", "tool_name": "execute_bash", "tool_input": {"command": _COMMAND}},
    "copilot": {"toolName": "bash", "toolArgs": json.dumps({"command": _COMMAND}), "cwd": "."},
    "openhands": {"hook_event_name": "PreToolUse", "tool_name": "terminal", "tool_input": {"command": _COMMAND}},
    "cline": {"hookName": "PreToolUse", "preToolUse": {"toolName": "execute_command",
                                                      "parameters": {"command": _COMMAND}}},
}  # fmt: skip


def real_planlint() -> str:
    """The absolute command of the planlint that is running now (never a bare name PATH could redirect)."""
    beside = Path(sys.executable).parent / "planlint"
    if beside.is_file():
        return str(beside.absolute())
    started_as = Path(sys.argv[0]) if sys.argv else Path()
    if started_as.name == "planlint" and started_as.is_file():
        return str(started_as.resolve())
    return f"{shlex.quote(sys.executable)} -m planlint"


def repository_root(start: Path) -> Path:
    """The top of the git work tree containing `start` (a `.git` directory or file), else `start`."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def prove_hook_answers(agent: str, command: str, config_dir: Path) -> None:
    """Run the installed hook command once on a `terraform destroy` call; ConfigError unless it denies."""
    argv = shlex.split(command)
    try:
        done = subprocess.run(
            argv, input=json.dumps(PROBES[agent]), capture_output=True, text=True, timeout=60,
            cwd=config_dir, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"the installed hook `{command}` could not be run: {exc}") from None
    answer = done.stdout + done.stderr
    if "planlint: blocked" not in answer:
        raise ConfigError(
            f"the installed hook `{command}` did not deny a test `{_COMMAND}` (exit {done.returncode}: "
            f"{answer.strip()[:200] or 'no output'}); the agent would run commands unscreened"
        )
