"""Settings of `planlint serve run-task`: a YAML file (schema `planlint/schemas/run-task.schema.json`)
plus secrets from the environment or from files the operator names. Nothing here ever comes from a
request: the platform's request says what to judge, never how.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlint.config import DEFAULT_POLICY, Policy, load_policy
from planlint.errors import ConfigError

HMAC_KEY_ENV = "PLANLINT_RUN_TASK_HMAC_KEY"
GITHUB_TOKEN_ENV = "PLANLINT_GITHUB_TOKEN"
CONFIG_ENV = "PLANLINT_RUN_TASK_CONFIG"
DOCS_URL = "https://github.com/planlint/planlint/blob/main/docs/run-task.md"  # the result's url by default


@dataclass(frozen=True, slots=True)
class Limits:
    """Size and time bounds. The platform errors a task it hears nothing from for 10 minutes (HCP
    Terraform run tasks integration API, "Run Task Callback"): a `running` update goes out when work
    starts, so judging plus callback retries stay under that window."""

    request_bytes: int = 64 * 1024
    plan_bytes: int = 512 * 1024 * 1024
    fetch_seconds: float = 120.0
    judge_seconds: float = 300.0
    callback_seconds: float = 240.0
    workers: int = 2


@dataclass(frozen=True, slots=True)
class RecordApprovals:
    """Signed approval records (`planlint approve`), bound to the digest and `hcp-terraform:ORG/WORKSPACE`."""

    allowed_signers: Path
    records_dir: Path
    max_ttl_hours: float = 24.0
    ledger: Path | None = None  # shared directory: records become single-use (else the server keeps no state)


@dataclass(frozen=True, slots=True)
class GitHubApprovals:
    """Pull request approvals through the GitHub API, as `planlint gate` judges them."""

    gate_login: str
    token: str = field(repr=False)
    api_url: str = "https://api.github.com"
    web_url: str = "https://github.com"
    write_status: bool = True


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Everything the server trusts, loaded once at start."""

    hmac_key: bytes | None = field(repr=False)
    path: str = "/"
    allow_unsigned: bool = False
    platform_url: str | None = None
    policy: Policy = DEFAULT_POLICY
    rules: tuple[Path, ...] = ()
    details_url: str = DOCS_URL
    records: RecordApprovals | None = None
    github: GitHubApprovals | None = None
    limits: Limits = Limits()


def load_settings(path: str | Path | None, env: Mapping[str, str] | None = None) -> ServerSettings:
    """Read and validate the settings file (None: defaults only) and the secrets it points to.

    Raises ConfigError naming the file or variable at fault; a server without an HMAC key refuses to
    start unless `allow_unsigned: true` says the operator chose that.
    """
    env = os.environ if env is None else env
    origin = str(path) if path is not None else "(no settings file)"
    doc = _read_yaml(Path(path)) if path is not None else {}
    _validate(doc, origin)
    base = Path(path).resolve().parent if path is not None else Path.cwd()
    key = _secret(doc.get("hmac_key_file"), HMAC_KEY_ENV, env, base)
    if key is None and not doc.get("allow_unsigned", False):
        raise ConfigError(
            f"no HMAC key: set {HMAC_KEY_ENV} or hmac_key_file (the key given to HCP Terraform when the "
            "run task was created), or set allow_unsigned: true to accept unsigned requests",
            origin,
        )
    policy = load_policy(_path(doc["policy"], base)) if "policy" in doc else DEFAULT_POLICY
    return ServerSettings(
        hmac_key=key.encode() if key is not None else None,
        path=str(doc.get("path", "/")),
        allow_unsigned=bool(doc.get("allow_unsigned", False)),
        platform_url=str(doc["platform_url"]).rstrip("/") if "platform_url" in doc else None,
        policy=policy,
        rules=tuple(_path(p, base) for p in doc.get("rules", ())),
        details_url=str(doc.get("details_url", DOCS_URL)),
        records=_records(doc.get("approvals"), base),
        github=_github(doc.get("github"), env, base, origin),
        limits=Limits(**doc.get("limits", {})),
    )


def _records(doc: Mapping[str, Any] | None, base: Path) -> RecordApprovals | None:
    if doc is None:
        return None
    return RecordApprovals(
        allowed_signers=_path(doc["allowed_signers"], base),
        records_dir=_path(doc["records_dir"], base),
        max_ttl_hours=float(doc.get("max_ttl_hours", 24.0)),
        ledger=_path(doc["ledger"], base) if "ledger" in doc else None,
    )


def _github(
    doc: Mapping[str, Any] | None, env: Mapping[str, str], base: Path, origin: str
) -> GitHubApprovals | None:
    if doc is None:
        return None
    token = _secret(doc.get("token_file"), GITHUB_TOKEN_ENV, env, base)
    if token is None:
        raise ConfigError(
            f"github approvals are configured but {GITHUB_TOKEN_ENV} / token_file is not set", origin
        )
    return GitHubApprovals(
        gate_login=str(doc["gate_login"]),
        token=token,
        api_url=str(doc.get("api_url", "https://api.github.com")).rstrip("/"),
        web_url=str(doc.get("web_url", "https://github.com")).rstrip("/"),
        write_status=bool(doc.get("write_status", True)),
    )


def _secret(file: str | None, variable: str, env: Mapping[str, str], base: Path) -> str | None:
    """A secret from a named file (Docker/Kubernetes secrets) or else an environment variable."""
    if file is not None:
        where = _path(file, base)
        try:
            value = where.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the secret file: {exc.__class__.__name__}", str(where)) from None
        if not value:
            raise ConfigError("the secret file is empty", str(where))
        return value
    value = env.get(variable, "").strip()
    return value or None


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the settings file: {exc.strerror or exc}", str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid YAML: {exc}", str(path)) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping of settings", str(path))
    return doc


def _validate(doc: Mapping[str, Any], origin: str) -> None:
    import jsonschema

    schema = json.loads(
        (Path(__file__).resolve().parent.parent / "schemas" / "run-task.schema.json").read_text(
            encoding="utf-8"
        )
    )
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ConfigError(f"{where}: {error.message}", origin)
