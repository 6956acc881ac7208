"""Where a change lands: the cloud accounts, backend and workspace an approval's scope is bound to.

An approval for dev must not unlock prod, even when both plans destroy the same addresses (same digest).
So the scope every approval record carries names the target, read the way the tools resolve it:

Terraform / OpenTofu (from the plan guard made, and the working directory's Terraform data dir):
- `aws_accounts`, `aws_regions`: from every AWS ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`) in the
  prior state, the planned changes' before/after values and constant provider configuration, plus constant
  `region` and `allowed_account_ids` in `provider "aws"` blocks;
- `gcp_projects`: `projects/<id>/…` in those values, `project` of google resources and provider blocks;
- `azure_subscriptions`: `/subscriptions/<uuid>/…` in those values, `subscription_id` of azurerm providers;
- `backend`: type and identifying settings (bucket, key, prefix, container, organization, path, …) from
  `$TF_DATA_DIR/terraform.tfstate` (default `.terraform/`, relative to `-chdir`), plus `backend_sha` — the
  first 12 hex digits of sha256 over its whole configuration, so any other difference counts too;
- `workspace`: `TF_WORKSPACE`, else `$TF_DATA_DIR/environment`, else `default` (as Terraform decides);
- `var_files`: the `-var-file` names given; `variables`: 12 hex digits of sha256 over the plan's input
  variable values (never printed: some are sensitive).

CloudFormation: `stack_ids`, the stack ARNs (account, region, stack name and its unique id) of the described
change sets.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

AWS_ARN = re.compile(r"arn:aws[\w-]*:[\w-]+:([a-z0-9-]*):(\d{12}):")
GCP_PROJECT = re.compile(r"(?:^|/)projects/([a-z][-a-z0-9]{4,28}[a-z0-9])(?:/|$)")
AZURE_SUBSCRIPTION = re.compile(
    r"/subscriptions/([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})", re.I
)
_BACKEND_KEYS = ("bucket", "key", "prefix", "workspace_key_prefix", "region", "storage_account_name",
                 "container_name", "resource_group_name", "organization", "hostname", "path", "address",
                 "workspaces")  # fmt: skip
MAX_LISTED = 20


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _modules(module: Any) -> Iterator[dict[str, Any]]:
    while isinstance(module, dict):
        yield from (r for r in module.get("resources", []) if isinstance(r, dict))
        for child in module.get("child_modules", []):
            yield from _modules(child)
        return


def _short(values: set[str]) -> str:
    ordered = sorted(values)
    more = f",+{len(ordered) - MAX_LISTED} more" if len(ordered) > MAX_LISTED else ""
    return ",".join(ordered[:MAX_LISTED]) + more


def _sha12(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(canonical).hexdigest()[:12]


def plan_target(plan: Mapping[str, Any]) -> dict[str, str]:
    """accounts / regions / projects / subscriptions seen in a `terraform show -json` plan document."""
    accounts: set[str] = set()
    regions: set[str] = set()
    projects: set[str] = set()
    subscriptions: set[str] = set()
    values: list[Any] = []
    for resource in _modules((plan.get("prior_state") or {}).get("values", {}).get("root_module")):
        values.append(resource.get("values"))
        if str(resource.get("type", "")).startswith("google_") and isinstance(resource.get("values"), dict):
            project = resource["values"].get("project")
            if isinstance(project, str) and project:
                projects.add(project)
    for change in plan.get("resource_changes", []) or []:
        body = change.get("change") or {} if isinstance(change, dict) else {}
        values += [body.get("before"), body.get("after")]
    providers = (plan.get("configuration") or {}).get("provider_config") or {}
    for provider in providers.values() if isinstance(providers, dict) else ():
        constants: dict[str, Any] = {
            key: expr.get("constant_value")
            for key, expr in (provider.get("expressions") or {}).items()
            if isinstance(expr, dict) and "constant_value" in expr
        }
        values.append(constants)
        name = str(provider.get("name", ""))
        if name == "aws" and isinstance(constants.get("region"), str):
            regions.add(constants["region"])
        if name == "aws" and isinstance(constants.get("allowed_account_ids"), list):
            accounts.update(str(a) for a in constants["allowed_account_ids"])
        if name.startswith("google") and isinstance(constants.get("project"), str):
            projects.add(constants["project"])
        if name == "azurerm" and isinstance(constants.get("subscription_id"), str):
            subscriptions.add(constants["subscription_id"].lower())
    for text in _strings(values):
        for region, account in AWS_ARN.findall(text):
            accounts.add(account)
            if region:
                regions.add(region)
        projects.update(GCP_PROJECT.findall(text))
        subscriptions.update(s.lower() for s in AZURE_SUBSCRIPTION.findall(text))
    found = {"aws_accounts": accounts, "aws_regions": regions, "gcp_projects": projects,
             "azure_subscriptions": subscriptions}  # fmt: skip
    target = {key: _short(items) for key, items in found.items() if items}
    if plan.get("variables"):
        target["variables"] = _sha12(plan["variables"])
    return target


def terraform_state_target(
    directory: Path, env: Mapping[str, str], var_files: Sequence[str]
) -> dict[str, str]:
    """backend, workspace and var files, resolved as Terraform resolves them in `directory` (see docstring)."""
    data_dir = Path(env.get("TF_DATA_DIR") or ".terraform")
    data_dir = data_dir if data_dir.is_absolute() else directory / data_dir
    target: dict[str, str] = {}
    workspace = env.get("TF_WORKSPACE")
    environment = data_dir / "environment"
    if not workspace and environment.is_file():
        workspace = environment.read_text(encoding="utf-8").strip()
    target["workspace"] = workspace or "default"
    backend = _backend(data_dir / "terraform.tfstate")
    if backend is not None:
        kind, config = backend
        shown = [f"{k}:{config[k]}" for k in _BACKEND_KEYS if isinstance(config.get(k), (str, int))]
        target["backend"] = "+".join([kind, *shown])
        target["backend_sha"] = _sha12({"type": kind, "config": config})
    if var_files:
        target["var_files"] = ",".join(var_files)
    return target


def _backend(path: Path) -> tuple[str, dict[str, Any]] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    backend = document.get("backend") if isinstance(document, dict) else None
    if not isinstance(backend, dict) or not isinstance(backend.get("type"), str):
        return None
    config = backend.get("config")
    return str(backend["type"]), config if isinstance(config, dict) else {}


def load_plan(path: Path) -> dict[str, Any]:
    """The rendered plan JSON guard wrote (a mapping; anything else is an empty target)."""
    import msgspec

    try:
        document = msgspec.json.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def stack_ids(files: Sequence[str]) -> str:
    """The `StackId` ARNs of described change sets, sorted and comma-joined."""
    found: set[str] = set()
    for name in files:
        try:
            document = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(document, dict) and isinstance(document.get("StackId"), str):
            found.add(document["StackId"])
    return ",".join(sorted(found))
