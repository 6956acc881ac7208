"""`planlint hooks install`: every agent's file is created, or merged into without losing anything."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.hooks import ADAPTERS

JSON_AGENTS = sorted(a for a in ADAPTERS if a != "cline")

# An existing configuration of each agent, with the user's own settings and hooks (synthetic).
EXISTING: dict[str, dict[str, Any]] = {
    "claude": {"model": "opus", "hooks": {"PreToolUse": [{"matcher": "Write", "hooks": [{"type": "command",
               "command": "./lint.sh"}]}], "Stop": [{"hooks": [{"type": "command", "command": "./notify"}]}]}},
    "codex": {"hooks": {"PreToolUse": [{"matcher": "apply_patch", "hooks": [{"type": "command", "command": "x"}]}]}},
    "gemini": {"theme": "dark", "hooks": {"AfterTool": [{"matcher": ".*", "hooks": [{"type": "command",
               "command": "log"}]}]}},
    "cursor": {"version": 1, "hooks": {"afterFileEdit": [{"command": "./fmt.sh"}],
               "beforeShellExecution": [{"command": "./audit.sh"}]}},
    "kiro": {"name": "dev", "tools": ["read", "shell"], "hooks": {"postToolUse": [{"command": "log"}]}},
    "copilot": {"version": 1, "hooks": {"sessionStart": [{"type": "command", "bash": "echo hi"}]}},
    "openhands": {"hooks": {"Stop": [{"matcher": "*", "hooks": [{"type": "command", "command": "lint"}]}]}},
}  # fmt: skip


def _install(tmp_path: Path, agent: str, *extra: str) -> int:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        return main(["hooks", "install", "--agent", agent, *extra])
    finally:
        os.chdir(cwd)


def _contains(container: Any, part: Any) -> bool:
    """Every key/value and list item of `part` is still in `container`."""
    if isinstance(part, dict):
        return isinstance(container, dict) and all(
            k in container and _contains(container[k], v) for k, v in part.items()
        )
    if isinstance(part, list):
        return isinstance(container, list) and all(any(_contains(c, p) for c in container) for p in part)
    return bool(container == part)


@pytest.mark.parametrize("agent", JSON_AGENTS)
def test_merges_into_existing_config_and_is_idempotent(tmp_path: Path, agent: str) -> None:
    target = tmp_path / project_config(agent)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(EXISTING[agent]))
    assert _install(tmp_path, agent) == 0
    merged = json.loads(target.read_text())
    assert _contains(merged, EXISTING[agent]), merged  # nothing of the user's was lost
    assert f"planlint hook {agent}" in target.read_text()
    before = target.read_text()
    assert _install(tmp_path, agent) == 0
    assert target.read_text() == before  # a second install changes nothing


@pytest.mark.parametrize("agent", JSON_AGENTS)
def test_creates_a_config_that_routes_shell_calls_to_the_hook(tmp_path: Path, agent: str) -> None:
    assert _install(tmp_path, agent) == 0
    config = json.loads((tmp_path / project_config(agent)).read_text())
    text = json.dumps(config)
    assert f"planlint hook {agent}" in text
    event = {"claude": "PreToolUse", "codex": "PreToolUse", "gemini": "BeforeTool", "cursor": "beforeShellExecution",
             "kiro": "preToolUse", "copilot": "preToolUse", "openhands": "PreToolUse"}[agent]  # fmt: skip
    assert event in config["hooks"]
    if agent == "cursor":
        assert config["hooks"][event][0]["failClosed"] is True
    if agent == "kiro":
        assert config["tools"] == ["*"]  # a new Kiro agent without tools would have none


@pytest.mark.parametrize("agent", JSON_AGENTS)
def test_unreadable_existing_config_is_left_alone(
    tmp_path: Path, agent: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / project_config(agent)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('{"hooks": ')
    assert _install(tmp_path, agent) == 2
    assert target.read_text() == '{"hooks": '
    assert "was not changed" in capsys.readouterr().err


def test_wrong_type_under_hooks_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / ".claude" / "settings.json"
    target.parent.mkdir()
    target.write_text('{"hooks": {"PreToolUse": "oops"}}')
    assert _install(tmp_path, "claude") == 2
    assert target.read_text() == '{"hooks": {"PreToolUse": "oops"}}'


def test_cline_script_is_created_executable_and_works(tmp_path: Path) -> None:
    assert _install(tmp_path, "cline") == 0
    script = tmp_path / ".clinerules" / "hooks" / "PreToolUse"
    assert script.stat().st_mode & stat.S_IXUSR
    payload = {"preToolUse": {"toolName": "execute_command", "parameters": {"command": "terraform destroy"}}}
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [str(script)], input=json.dumps(payload), capture_output=True, text=True, check=False, env=env
    )
    assert json.loads(proc.stdout)["cancel"] is True, proc.stderr


def test_cline_existing_script_is_never_replaced(tmp_path: Path) -> None:
    script = tmp_path / ".clinerules" / "hooks" / "PreToolUse"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\necho '{\"cancel\": false}'\n")
    assert _install(tmp_path, "cline") == 2
    assert "cancel" in script.read_text() and "planlint" not in script.read_text()


def test_user_scope_and_path_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _install(tmp_path, "copilot", "--scope", "user") == 0
    assert (tmp_path / "home" / ".copilot" / "hooks" / "planlint.json").is_file()
    custom = tmp_path / ".kiro" / "agents" / "dev.json"
    custom.parent.mkdir(parents=True)
    custom.write_text(json.dumps(EXISTING["kiro"]))
    assert _install(tmp_path, "kiro", "--path", str(custom)) == 0
    merged = json.loads(custom.read_text())
    assert (
        merged["tools"] == ["read", "shell"]
        and merged["hooks"]["preToolUse"][0]["command"] == "planlint hook kiro"
    )


def project_config(agent: str) -> str:
    from planlint.hooks.contract import load_adapter

    return load_adapter(agent).CONFIG.project
