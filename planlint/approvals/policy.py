"""The trusted policy: who may approve (allowed signers, identity map), the ledger, guard's work directory.

Trust comes from where the files live and who can write them, not from what they say (see
`planlint.approvals.trustdir`): the directory is `--trust-dir DIR` or `~/.config/planlint` of the account
running planlint (home from the password database). Nothing in the environment moves it.

The directory must be *held* (owned by root or the account running planlint, writable by nobody else, all
the way up) and outside the current git working tree; `allowed_signers` must exist and be held too; so must
`policy.yml`, `identities` and every file or directory the policy names. Relative paths in `policy.yml`
resolve against the trust directory, never against the agent's working directory. Any problem is a
TrustError: guard refuses (exit 13) and never falls back to built-in defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from planlint.approvals.identity import IDENTITIES_FILE, read_identities
from planlint.approvals.trustdir import TrustError, locate, require_held

POLICY_FILE = "policy.yml"
SIGNERS_FILE = "allowed_signers"
_KEYS = frozenset(
    (
        "strict",
        "max_ttl_hours",
        "ledger",
        "work_dir",
        "config",
        "rules",
        "guard_account",
        "github_repo",
        "github_api_url",
        "github_gate_login",
        "github_gate_workflow",
    )
)


@dataclass(frozen=True, slots=True)
class TrustedPolicy:
    """Settings an agent cannot change, read from a directory only root or guard's account can write."""

    directory: Path
    source: str  # where the location came from (--trust-dir or the account's home)
    allowed_signers: Path
    ledger: Path
    work_dir: Path  # guard's private plans (0700, guard's account only)
    identities: dict[str, str] = field(default_factory=dict)  # OS account → principal
    strict: bool = False  # approvals must also bind the exact plan file's sha256
    max_ttl: timedelta = timedelta(hours=24)
    config: Path | None = None  # trusted .planlint.yml for guard's judgement
    rules: tuple[Path, ...] = ()
    guard_account: str | None = None  # the account boundary: guard runs as this account through sudo
    github_repo: str | None = None  # owner/name whose pull request approvals `guard --github-pr` accepts
    github_api_url: str = "https://api.github.com"
    github_gate_login: str = "github-actions[bot]"  # who posts the gate's digest status
    github_gate_workflow: str | None = None  # the workflow file whose runs may post that status


def working_tree(cwd: Path) -> Path:
    """The git working tree containing `cwd` (or `cwd` itself when it is not in one)."""
    for candidate in (cwd, *cwd.parents):
        if (candidate / ".git").exists():
            return candidate
    return cwd


def _path(directory: Path, value: object, key: str, origin: str) -> Path:
    text = str(value)
    if text.startswith("~"):
        raise TrustError(
            f"`{key}: {text}`: `~` would come from the caller's $HOME; use an absolute path", origin
        )
    path = Path(text)
    return path if path.is_absolute() else directory / path


def load_policy(flag: str | None = None, cwd: Path | None = None) -> TrustedPolicy:
    """The trusted policy, or a TrustError saying exactly what is wrong with where it lives."""
    directory, source = locate(flag)
    origin = str(directory)
    if not directory.is_dir():
        raise TrustError(
            f"no trusted policy directory (from {source}); an operator creates it with `planlint guard setup` "
            f"or by hand with an `{SIGNERS_FILE}` file (see docs/agents.md)",
            origin=origin,
        )
    directory = directory.resolve()
    tree = working_tree((cwd or Path.cwd()).resolve())
    if directory == tree or tree in directory.parents:
        raise TrustError(
            f"the trusted policy directory is inside the working tree {tree}, which the agent can edit; "
            "move it outside",
            origin=origin,
        )
    require_held(directory, "the trust directory")
    signers = directory / SIGNERS_FILE
    if not signers.is_file():
        raise TrustError(f"no `{SIGNERS_FILE}` file: nobody can approve", origin=origin)
    require_held(signers, SIGNERS_FILE)
    for optional in (POLICY_FILE, IDENTITIES_FILE, "planlint.yml"):
        if (directory / optional).exists():
            require_held(directory / optional, optional)
    policy_origin = str(directory / POLICY_FILE)
    settings = _read_settings(directory / POLICY_FILE)

    def at(key: str, default: Path | None) -> Path | None:
        return _path(directory, settings[key], key, policy_origin) if settings.get(key) else default

    config = at("config", directory / "planlint.yml" if (directory / "planlint.yml").is_file() else None)
    rules = tuple(_path(directory, p, "rules", policy_origin) for p in settings.get("rules", ()))
    for named in (config, *rules):
        if named is not None:
            require_held(named, "a file the trusted policy names")
    return TrustedPolicy(
        directory=directory,
        source=source,
        allowed_signers=signers,
        ledger=at("ledger", directory / "ledger") or directory / "ledger",
        work_dir=at("work_dir", directory / "work") or directory / "work",
        identities=read_identities(directory / IDENTITIES_FILE),
        strict=bool(settings.get("strict", False)),
        max_ttl=timedelta(hours=float(settings.get("max_ttl_hours", 24))),
        config=config,
        rules=rules,
        guard_account=str(settings["guard_account"]) if settings.get("guard_account") else None,
        github_repo=str(settings["github_repo"]) if settings.get("github_repo") else None,
        github_api_url=str(settings.get("github_api_url", "https://api.github.com")),
        github_gate_login=str(settings.get("github_gate_login", "github-actions[bot]")),
        github_gate_workflow=str(settings["github_gate_workflow"])
        if settings.get("github_gate_workflow")
        else None,
    )


def _read_settings(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TrustError(f"cannot be read as YAML: {exc}", origin=str(path)) from exc
    if not isinstance(data, dict) or set(data) - _KEYS:
        raise TrustError(f"expected a mapping with keys from {sorted(_KEYS)}", origin=str(path))
    if "strict" in data and not isinstance(data["strict"], bool):
        raise TrustError("`strict` must be true or false", origin=str(path))
    if "max_ttl_hours" in data and not isinstance(data["max_ttl_hours"], (int, float)):
        raise TrustError("`max_ttl_hours` must be a number", origin=str(path))
    if "rules" in data and not isinstance(data["rules"], list):
        raise TrustError("`rules` must be a list of directories", origin=str(path))
    return data
