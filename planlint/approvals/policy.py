"""The trusted policy: who may approve (allowed signers), where used approvals are recorded, strictness.

Trust comes from where the file lives, not from what it says. An agent can edit everything in the
repository it works in, so the policy is never read from the working tree: it comes from, in order,

1. `--trust-dir DIR` (set by the operator in the hook or wrapper configuration),
2. the `PLANLINT_TRUST_DIR` environment variable (set by the operator, not by the agent's own shell),
3. `$XDG_CONFIG_HOME/planlint`, else `~/.config/planlint`.

planlint refuses a policy directory inside the current git working tree (or the current directory),
and one whose directory or allowed-signers file is group- or world-writable. For real protection the
directory should also be owned by another user (or root) and read-only for the agent's user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from planlint.errors import ConfigError

POLICY_FILE = "policy.yml"
SIGNERS_FILE = "allowed_signers"
_KEYS = frozenset(
    (
        "strict",
        "max_ttl_hours",
        "ledger",
        "config",
        "rules",
        "requester",
        "github_repo",
        "github_api_url",
        "github_gate_login",
    )
)


@dataclass(frozen=True, slots=True)
class TrustedPolicy:
    """Settings an agent cannot change, read from outside its working tree."""

    directory: Path
    source: str  # which of the three places it came from
    allowed_signers: Path
    ledger: Path
    strict: bool = False  # approvals must also bind the exact plan file's sha256
    max_ttl: timedelta = timedelta(hours=24)
    config: Path | None = None  # trusted .planlint.yml for guard's judgement
    rules: tuple[Path, ...] = ()
    requester: str | None = None  # whose requests these are (default: the OS account running guard)
    github_repo: str | None = None  # owner/name whose pull request approvals `guard --github-pr` accepts
    github_api_url: str = "https://api.github.com"
    github_gate_login: str = "github-actions[bot]"  # who posts the gate's digest status


def locate(flag: str | None, env: Mapping[str, str]) -> tuple[Path, str]:
    if flag:
        return Path(flag).expanduser(), "--trust-dir"
    if env.get("PLANLINT_TRUST_DIR"):
        return Path(env["PLANLINT_TRUST_DIR"]).expanduser(), "PLANLINT_TRUST_DIR"
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "planlint", "~/.config/planlint"


def working_tree(cwd: Path) -> Path:
    """The git working tree containing `cwd` (or `cwd` itself when it is not in one)."""
    for candidate in (cwd, *cwd.parents):
        if (candidate / ".git").exists():
            return candidate
    return cwd


def _loosely_writable(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def load_policy(
    flag: str | None = None, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> TrustedPolicy:
    """The trusted policy, or a ConfigError saying exactly what is wrong with where it lives."""
    env = os.environ if env is None else env
    directory, source = locate(flag, env)
    origin = str(directory)
    if not directory.is_dir():
        raise ConfigError(
            f"no trusted policy directory (from {source}); create it with an `{SIGNERS_FILE}` file, "
            "outside any repository an agent works in (see docs/agents.md)",
            origin=origin,
        )
    directory = directory.resolve()
    tree = working_tree((cwd or Path.cwd()).resolve())
    if directory == tree or tree in directory.parents:
        raise ConfigError(
            f"the trusted policy directory is inside the working tree {tree}, which the agent can edit; "
            "move it outside (e.g. ~/.config/planlint or a path in PLANLINT_TRUST_DIR)",
            origin=origin,
        )
    signers = directory / SIGNERS_FILE
    if not signers.is_file():
        raise ConfigError(f"no `{SIGNERS_FILE}` file: nobody can approve", origin=origin)
    for path in (directory, signers):
        if _loosely_writable(path):
            raise ConfigError("group- or world-writable; anyone could add an approver", origin=str(path))
    settings = _read_settings(directory / POLICY_FILE)
    ledger = Path(settings.get("ledger", directory / "ledger")).expanduser()
    config = Path(settings["config"]).expanduser() if settings.get("config") else None
    if config is None and (directory / "planlint.yml").is_file():
        config = directory / "planlint.yml"
    return TrustedPolicy(
        directory=directory,
        source=source,
        allowed_signers=signers,
        ledger=ledger if ledger.is_absolute() else directory / ledger,
        strict=bool(settings.get("strict", False)),
        max_ttl=timedelta(hours=float(settings.get("max_ttl_hours", 24))),
        config=config,
        rules=tuple(Path(p).expanduser() for p in settings.get("rules", ())),
        requester=str(settings["requester"]) if settings.get("requester") else None,
        github_repo=str(settings["github_repo"]) if settings.get("github_repo") else None,
        github_api_url=str(settings.get("github_api_url", "https://api.github.com")),
        github_gate_login=str(settings.get("github_gate_login", "github-actions[bot]")),
    )


def _read_settings(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", origin=str(path)) from exc
    if not isinstance(data, dict) or set(data) - _KEYS:
        raise ConfigError(f"expected a mapping with keys from {sorted(_KEYS)}", origin=str(path))
    if "strict" in data and not isinstance(data["strict"], bool):
        raise ConfigError("`strict` must be true or false", origin=str(path))
    if "max_ttl_hours" in data and not isinstance(data["max_ttl_hours"], (int, float)):
        raise ConfigError("`max_ttl_hours` must be a number", origin=str(path))
    if "rules" in data and not isinstance(data["rules"], list):
        raise ConfigError("`rules` must be a list of directories", origin=str(path))
    return data
