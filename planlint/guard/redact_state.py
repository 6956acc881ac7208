"""Terraform's `output -json` and `show -json` documents with every value marked sensitive replaced.

The JSON output format: developer.hashicorp.com/terraform/internals/json-format (OpenTofu's is the same,
opentofu.org/docs/internals/json-format). Guard prints these instead of the tool's own output
(planlint/guard/reveal.py); fail closed: a field this module does not know is replaced whole.
"""

from __future__ import annotations

from typing import Any

from planlint.model import REDACTED
from planlint.redact import redact


class Withheld(Exception):
    """Guard will not print what this command would: the message says why (one line)."""


def redact_outputs(document: Any) -> dict[str, Any]:
    """`terraform output -json`'s object (name → {sensitive, type, value}) with sensitive values replaced.

    Raises Withheld for anything else: an entry without a boolean `sensitive` is not shown.
    """
    if not isinstance(document, dict):
        raise Withheld("output -json did not print an object of outputs")
    return {name: _output(entry, name) for name, entry in document.items()}


def redact_show(document: Any) -> dict[str, Any]:
    """`terraform show -json`'s state or plan document with every value its masks mark sensitive replaced.

    Follows the JSON output format (developer.hashicorp.com/terraform/internals/json-format): values
    (`outputs`, `root_module` with `sensitive_values`), `resource_changes`/`resource_drift`/`output_changes`
    (`before_sensitive`/`after_sensitive`), `prior_state`, `planned_values`, and `variables` (a variable
    the configuration declares sensitive, or whose declaration is missing). A top-level field or a change
    field this function does not know is replaced whole (fail closed). Raises Withheld for a non-object.
    """
    if not isinstance(document, dict):
        raise Withheld("show -json did not print an object")
    sensitive_vars = _sensitive_variables(document.get("configuration"))
    shown: dict[str, Any] = {}
    for key, value in document.items():
        if key in _PLAIN_FIELDS:
            shown[key] = value
        elif key in ("values", "planned_values"):
            shown[key] = _values(value)
        elif key == "prior_state":
            shown[key] = redact_show(value) if value is not None else None
        elif key in ("resource_changes", "resource_drift"):
            shown[key] = [_resource_change(item) for item in _list(value)]
        elif key == "deferred_changes":
            shown[key] = [
                {**item, "resource_change": _resource_change(item.get("resource_change"))}
                if isinstance(item, dict)
                else REDACTED
                for item in _list(value)
            ]
        elif key == "output_changes":
            shown[key] = {name: _change(change) for name, change in _dict(value).items()}
        elif key == "variables":
            shown[key] = {
                name: {**var, "value": REDACTED} if sensitive_vars.get(name, True) and isinstance(var, dict)
                else var
                for name, var in _dict(value).items()
            }  # fmt: skip
        elif key == "configuration":
            shown[key] = _configuration(value)
        else:
            shown[key] = REDACTED
    return shown


# Fields of the plan/state document that carry no value from state.
_PLAIN_FIELDS = frozenset(
    ("format_version", "terraform_version", "applyable", "complete", "errored", "timestamp",
     "relevant_attributes", "checks")
)  # fmt: skip
# Fields of a change (`resource_changes[].change`) that carry no value from state.
_PLAIN_CHANGE_FIELDS = frozenset(
    ("actions", "after_unknown", "before_sensitive", "after_sensitive", "replace_paths", "importing")
)


def _values(values: Any) -> Any:
    if values is None:
        return None
    if not isinstance(values, dict):
        return REDACTED
    shown = dict(values)
    if "outputs" in values:
        shown["outputs"] = {name: _output(entry, name) for name, entry in _dict(values["outputs"]).items()}
    if "root_module" in values:
        shown["root_module"] = _module(values["root_module"])
    return shown


def _module(module: Any) -> Any:
    if not isinstance(module, dict):
        return REDACTED
    shown = dict(module)
    if "resources" in module:
        shown["resources"] = [
            {**r, "values": redact(r.get("values"), r.get("sensitive_values", True))} if isinstance(r, dict)
            else REDACTED
            for r in _list(module["resources"])
        ]  # fmt: skip
    if "child_modules" in module:
        shown["child_modules"] = [_module(child) for child in _list(module["child_modules"])]
    return shown


def _resource_change(item: Any) -> Any:
    if not isinstance(item, dict):
        return REDACTED
    return {**item, "change": _change(item.get("change"))} if "change" in item else item


def _change(change: Any) -> Any:
    if not isinstance(change, dict):
        return REDACTED
    shown: dict[str, Any] = {}
    for key, value in change.items():
        if key == "before":
            shown[key] = redact(value, change.get("before_sensitive", True))
        elif key == "after":
            shown[key] = redact(value, change.get("after_sensitive", True))
        elif key in _PLAIN_CHANGE_FIELDS or key in ("before_identity", "after_identity", "generated_config"):
            shown[key] = value
        else:
            shown[key] = REDACTED
    return shown


def _output(entry: Any, name: str) -> Any:
    if not isinstance(entry, dict) or not isinstance(entry.get("sensitive"), bool):
        raise Withheld(f"the output {name!r} does not say whether it is sensitive")
    return {**entry, "value": REDACTED} if entry["sensitive"] and "value" in entry else entry


def _sensitive_variables(configuration: Any) -> dict[str, bool]:
    """Root variable name → declared sensitive, from the plan's `configuration` (absent: unknown)."""
    root = _dict(configuration).get("root_module") if isinstance(configuration, dict) else None
    declared = _dict(root).get("variables") if isinstance(root, dict) else None
    return {name: bool(_dict(decl).get("sensitive")) for name, decl in _dict(declared).items()}


def _configuration(configuration: Any) -> Any:
    """The configuration as written (the agent's own files), without sensitive variables' defaults."""
    if not isinstance(configuration, dict):
        return configuration
    shown = dict(configuration)
    if isinstance(configuration.get("root_module"), dict):
        shown["root_module"] = _config_module(configuration["root_module"])
    return shown


def _config_module(module: dict[str, Any]) -> dict[str, Any]:
    shown = dict(module)
    if isinstance(module.get("variables"), dict):
        shown["variables"] = {
            name: {**decl, "default": REDACTED} if isinstance(decl, dict) and decl.get("sensitive")
            and "default" in decl else decl
            for name, decl in module["variables"].items()
        }  # fmt: skip
    if isinstance(module.get("module_calls"), dict):
        shown["module_calls"] = {
            name: {**call, "module": _config_module(call["module"])}
            if isinstance(call, dict) and isinstance(call.get("module"), dict) else call
            for name, call in module["module_calls"].items()
        }  # fmt: skip
    return shown


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
