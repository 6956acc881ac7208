"""`planlint hooks install`: add planlint's hook to an agent's configuration, merging, never clobbering."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Literal

from planlint.errors import ConfigError
from planlint.hooks.contract import load_adapter, read_json_config

Scope = Literal["project", "user", "managed"]

# What each agent still needs after the file is written (from its hook documentation).
AFTER_INSTALL: dict[str, str] = {
    "claude": "restart Claude Code (or review the change in /hooks) so it loads the new hook",
    "codex": "Codex runs a new or changed hook only after you trust it in /hooks, and a project's "
    ".codex/hooks.json only in a trusted project; until then the hook is skipped without a word",
    "gemini": "restart Gemini CLI; check /hooks lists the planlint BeforeTool hook",
    "cursor": "Cursor reloads hooks.json on save; check the Hooks output channel",
    "kiro": "start Kiro with this agent (kiro-cli chat --agent planlint) or merge into yours with --path",
    "copilot": "Copilot CLI loads .github/hooks/*.json from the working directory; the cloud agent from the "
    "default branch",
    "openhands": "OpenHands reads .openhands/hooks.json when a conversation starts",
    "cline": "enable Hooks in Cline's settings (Features → Enable Hooks); macOS and Linux only",
}


def config_path(agent: str, scope: Scope, project: Path, home: Path, root: Path = Path("/")) -> Path:
    """Where the agent's hook configuration lives for `scope` (`managed`: under `root`, normally `/`)."""
    target = load_adapter(agent).CONFIG
    if scope == "managed":
        if target.managed is None:
            raise ConfigError(f"{agent} has no managed, user-unwritable settings location planlint knows of")
        return root / target.managed.lstrip("/")
    relative = target.project if scope == "project" else target.user
    if relative is None:
        raise ConfigError(f"{agent} has no user-level hook configuration; use --scope project")
    return (project if scope == "project" else home) / relative


def seal_managed(path: Path) -> None:
    """Make a managed settings file root-owned and writable by root alone, or refuse (exit 2)."""
    if os.geteuid() != 0:
        raise ConfigError(
            "--managed writes where only an administrator may: run it as root", origin=str(path)
        )
    os.chown(path, 0, 0)
    path.chmod(0o644)
    for directory in (path.parent, *path.parent.parents):
        info = directory.stat()
        if info.st_uid != 0 or (
            info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX
        ):
            raise ConfigError(f"{directory} is writable by others, so the agent could replace the settings",
                              origin=str(path))  # fmt: skip


def install(agent: str, path: Path, hook_command: str) -> tuple[Path, bool]:
    """Merge planlint's hook into `path`; (path, changed). Existing settings and hooks are kept as they are."""
    if agent == "cline":
        return _install_script(path, hook_command)
    adapter = load_adapter(agent)
    try:
        existing = read_json_config(path)
        merged = adapter.merge_config(existing, hook_command)
    except ValueError as exc:  # unreadable JSON, or a key of the wrong type: leave the file alone
        raise ConfigError(
            f"cannot merge into the existing file ({exc}); it was not changed", origin=str(path)
        ) from exc
    if path.exists() and merged == existing:
        return path, False
    _write_atomically(path, json.dumps(merged, indent=2) + "\n")
    return path, True


def _install_script(path: Path, hook_command: str) -> tuple[Path, bool]:
    """Cline runs an executable file named after the hook; an existing one is never replaced."""
    from planlint.hooks.cline import SCRIPT

    if path.exists():
        if hook_command in path.read_text(encoding="utf-8", errors="replace"):
            return path, False
        raise ConfigError(
            f"a PreToolUse hook already exists; add `{hook_command}` to it yourself (its stdout is the answer)",
            origin=str(path),
        )
    _write_atomically(path, SCRIPT.format(command=hook_command))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path, True


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    Path(tmp).chmod(mode)
    Path(tmp).replace(path)
