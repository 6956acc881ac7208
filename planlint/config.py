"""`.planlint.yml`: the organisation's policy. Validated by a JSON Schema; unknown keys are errors."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from planlint.errors import ConfigError
from planlint.model import Enforcement, Severity

DEFAULT_LABEL = "planlint:approve-destroy"
CONFIG_NAMES = (".planlint.yml", ".planlint.yaml")


@dataclass(frozen=True, slots=True)
class RuleOverride:
    enforcement: Enforcement | None = None
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class ApprovalSettings:
    label: str = DEFAULT_LABEL
    approvals: int = 0
    teams: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    origin: str | None = None
    rule_dirs: tuple[Path, ...] = ()
    rules: Mapping[str, RuleOverride] = field(default_factory=dict)
    approval: ApprovalSettings = field(default_factory=ApprovalSettings)


DEFAULT_POLICY = Policy()


def load_policy(path: str | Path) -> Policy:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", str(path)) from None
    return parse_policy(text, str(path), base_dir=file.parent)


def parse_policy(text: str, origin: str, base_dir: Path | None = None) -> Policy:
    """Parse and validate policy text (from a file, or from the PR's base commit via the API)."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigError(f"{where}invalid YAML: {getattr(exc, 'problem', None) or exc}", origin) from None
    if doc is None:
        doc = {}
    validate_policy_document(doc, origin)
    approval = doc.get("approval") or {}
    base = base_dir if base_dir is not None else Path()
    return Policy(
        origin=origin,
        rule_dirs=tuple(base / d for d in doc.get("rule_dirs") or ()),
        rules={
            k: RuleOverride(v.get("enforcement"), v.get("severity"))
            for k, v in (doc.get("rules") or {}).items()
        },
        approval=ApprovalSettings(
            label=approval.get("label", DEFAULT_LABEL),
            approvals=approval.get("approvals", 0),
            teams=tuple(approval.get("teams") or ()),
        ),
    )


def config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("planlint").joinpath("schemas/config.schema.json").read_text(encoding="utf-8")
    )
    return schema


def validate_policy_document(doc: Any, origin: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(config_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is None:
        return
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    message = error.message
    if error.validator == "additionalProperties":
        message += _did_you_mean(error.instance, error.schema)
    raise ConfigError(f"{where}: {message}", origin)


def _did_you_mean(instance: Any, schema: Mapping[str, Any]) -> str:
    known = list((schema.get("properties") or {}).keys())
    if not isinstance(instance, dict):
        return ""
    hints = []
    for key in instance:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            if close:
                hints.append(f"{key!r} -> did you mean {close[0]!r}?")
    return f" ({'; '.join(hints)})" if hints else ""
