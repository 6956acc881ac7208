"""`.planlint.yml`: the organisation's policy. Validated by a JSON Schema; unknown keys are errors."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping
from typing import Any

import msgspec

from planlint.errors import ConfigError
from planlint.model import Enforcement, Severity

DEFAULT_LABEL = "planlint:approve-destroy"
CONFIG_NAMES = (".planlint.yml", ".planlint.yaml")


class RuleOverride(msgspec.Struct, frozen=True):
    enforcement: Enforcement | None = None
    severity: Severity | None = None


class ApprovalSettings(msgspec.Struct, frozen=True):
    label: str = DEFAULT_LABEL
    approvals: int = 0
    teams: tuple[str, ...] = ()


class Patterns(msgspec.Struct, frozen=True):
    """Resources picked by address glob, module glob, or tag (key -> value glob, any tag matching)."""

    addresses: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    tags: Mapping[str, str] = msgspec.field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.addresses or self.modules or self.tags)


class Waiver(msgspec.Struct, frozen=True):
    """A rule switched off for matching addresses, with a reason, until a date (inclusive)."""

    rule: str
    address: str
    reason: str
    expires: datetime.date
    where: str  # "waivers[2]", for messages


class Policy(msgspec.Struct, frozen=True):
    origin: str | None = None
    # the policy's `rule_dirs` under the policy file's directory, as pathlib spells them (text: a run
    # without a policy file never imports pathlib, see planlint.rules_index)
    rule_dirs: tuple[str, ...] = ()
    rules: Mapping[str, RuleOverride] = msgspec.field(default_factory=dict)
    approval: ApprovalSettings = msgspec.field(default_factory=ApprovalSettings)
    protect: Patterns = msgspec.field(default_factory=Patterns)  # any destroy/replace of these needs approval
    allow_destroy: Patterns = msgspec.field(
        default_factory=Patterns
    )  # destroyed freely (findings shown, waived)
    stateful_types: Mapping[str, str] = msgspec.field(default_factory=dict)  # extra catalogue types -> class
    stateless_types: tuple[str, ...] = ()  # unknown types the organisation declares stateless
    unknown_types: Enforcement | None = (
        None  # enforcement of a destroyed unknown type (rules default: approve)
    )
    waivers: tuple[Waiver, ...] = ()
    blast_radius: Mapping[str, float] = msgspec.field(
        default_factory=dict
    )  # overrides of rules' plan thresholds
    as_of: datetime.date | None = None  # the day waivers are judged against (set when the file is loaded)


DEFAULT_POLICY = Policy()


def load_policy(path: str | os.PathLike[str]) -> Policy:
    from pathlib import Path  # a policy file brings PyYAML and jsonschema: pathlib is the least of it

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", str(path)) from None
    return parse_policy(text, str(path), base_dir=file.parent)


def parse_policy(
    text: str, origin: str, base_dir: str | os.PathLike[str] | None = None, today: datetime.date | None = None
) -> Policy:
    """Parse and validate policy text (from a file, or from the PR's base commit via the API).

    `today` is the date waivers are judged against (default: the current UTC date).
    """
    import yaml

    try:
        doc = yaml.load(text, Loader=_policy_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigError(f"{where}invalid YAML: {getattr(exc, 'problem', None) or exc}", origin) from None
    if doc is None:
        doc = {}
    validate_policy_document(doc, origin)
    approval = doc.get("approval") or {}
    from pathlib import Path

    base = Path(base_dir) if base_dir is not None else Path()
    return Policy(
        origin=origin,
        rule_dirs=tuple(str(base / d) for d in doc.get("rule_dirs") or ()),
        rules={
            k: RuleOverride(v.get("enforcement"), v.get("severity"))
            for k, v in (doc.get("rules") or {}).items()
        },
        approval=ApprovalSettings(
            label=approval.get("label", DEFAULT_LABEL),
            approvals=approval.get("approvals", 0),
            teams=tuple(approval.get("teams") or ()),
        ),
        protect=_patterns(doc.get("protect")),
        allow_destroy=_patterns(doc.get("allow_destroy")),
        stateful_types=dict(doc.get("stateful_types") or {}),
        stateless_types=tuple(doc.get("stateless_types") or ()),
        unknown_types=doc.get("unknown_types"),
        waivers=tuple(_waiver(w, i, origin) for i, w in enumerate(doc.get("waivers") or ())),
        blast_radius={k: float(v) for k, v in (doc.get("blast_radius") or {}).items()},
        as_of=today or datetime.datetime.now(datetime.timezone.utc).date(),
    )


def _patterns(spec: Mapping[str, Any] | None) -> Patterns:
    spec = spec or {}
    return Patterns(
        addresses=tuple(spec.get("addresses") or ()),
        modules=tuple(spec.get("modules") or ()),
        tags={str(k): str(v) for k, v in (spec.get("tags") or {}).items()},
    )


def _waiver(spec: Mapping[str, Any], index: int, origin: str) -> Waiver:
    where = f"waivers[{index}]"
    try:
        expires = datetime.date.fromisoformat(spec["expires"])
    except ValueError:
        raise ConfigError(
            f"waivers/{index}/expires: {spec['expires']!r} is not a calendar date", origin
        ) from None
    return Waiver(spec["rule"], spec["address"], spec["reason"], expires, where)


def _policy_loader() -> Any:
    """A SafeLoader that leaves `2026-12-31` a string: the schema checks its shape, `_waiver` its date.

    (PyYAML would build a date itself and raise a bare ValueError for `2026-02-30`.)
    """
    import yaml

    class PolicyLoader(yaml.SafeLoader):
        pass

    PolicyLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return PolicyLoader


def config_schema() -> dict[str, Any]:
    from pathlib import Path

    schema: dict[str, Any] = json.loads(
        (Path(__file__).resolve().parent / "schemas" / "config.schema.json").read_text(encoding="utf-8")
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
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        message = _unknown_keys(error.instance, error.schema)
    raise ConfigError(f"{where}: {message}", origin)


def _unknown_keys(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    """`unknown key 'protec' (did you mean 'protect'?); known keys: ...`."""
    import difflib

    known = list((schema.get("properties") or {}).keys())
    parts = []
    for key in instance:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            parts.append(f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return f"{'; '.join(parts)}; known keys: {', '.join(known)}"
