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


def test_success_is_reported_on_stdout_and_nothing_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _install(tmp_path, "claude") == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"installed in {tmp_path / '.claude' / 'settings.json'}"
    assert lines[1].startswith("checked: the installed hook denies a test `terraform destroy`")
    assert lines[2].startswith("next: ") and err == ""
    assert _install(tmp_path, "claude") == 0
    out, err = capsys.readouterr()
    assert out.startswith("already installed in ") and err == ""


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
    assert merged["tools"] == ["read", "shell"] and merged["hooks"]["preToolUse"][0]["command"].endswith(
        "/planlint hook kiro"
    )


def project_config(agent: str) -> str:
    from planlint.hooks.contract import load_adapter

    return load_adapter(agent).CONFIG.project


def test_install_writes_the_real_planlint_by_absolute_path(tmp_path: Path) -> None:
    assert _install(tmp_path, "claude") == 0
    config = json.loads((tmp_path / ".claude" / "settings.json").read_text())
    command = config["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    program = command.rsplit(" hook ", 1)[0]
    assert Path(program).is_absolute() and Path(program).samefile(Path(sys.executable).parent / "planlint")


def test_install_from_a_subdirectory_writes_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    deep = tmp_path / "infra" / "envs" / "prod"
    deep.mkdir(parents=True)
    assert _install(deep, "claude") == 0
    assert (tmp_path / ".claude" / "settings.json").is_file()
    assert not (deep / ".claude").exists()


def test_install_refuses_a_hook_that_does_not_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _install(tmp_path, "claude", "--hook-command", "true") == 2
    assert "did not deny a test `terraform destroy" in capsys.readouterr().err


def test_managed_settings_are_root_owned_and_sealed(tmp_path: Path) -> None:
    from planlint.errors import ConfigError
    from planlint.hooks.install import config_path, install, seal_managed
    from planlint.hooks.verify import real_planlint

    if os.geteuid() != 0:
        pytest.skip("--managed needs root (CI runs as root)")
    path = config_path("claude", "managed", tmp_path, tmp_path, root=tmp_path)
    assert str(path).endswith("claude-code/managed-settings.json") or "ClaudeCode" in str(path)
    written, _ = install("claude", path, f"{real_planlint()} hook claude")
    written.chmod(0o666)
    seal_managed(written)
    info = written.stat()
    assert info.st_uid == 0 and stat.S_IMODE(info.st_mode) == 0o644
    written.parent.chmod(0o777)  # a directory the agent's user could write: it could swap the file
    with pytest.raises(ConfigError, match="writable by others"):
        seal_managed(written)


def test_managed_is_refused_for_an_agent_without_a_managed_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _install(tmp_path, "codex", "--managed") == 2
    assert "no managed" in capsys.readouterr().err
