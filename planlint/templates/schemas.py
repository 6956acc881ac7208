"""CloudFormation resource schemas as bundled with the installed cfn-lint, read from disk by path.

Importing the `cfnlint` package costs ~0.5-0.8 s (its `__init__` pulls sympy and every rule); the
schemas are plain JSON files inside it, so they are found with `importlib.util.find_spec`, which
locates the package without executing it. Layout (cfn-lint 1.x, `cfnlint/data/schemas/`):
`providers/<region>.json` maps resource type -> schema hash (falling back to us-east-1 for an unknown
region), `providers/sam.json` adds the SAM types, `resources/<hash>.json` is the schema. Type names
are normalised as cfn-lint's `ProviderSchemaManager` does: `Custom::*` is
`AWS::CloudFormation::CustomResource`, `*::MODULE` is a module (no schema properties).

Only the bundled copy is read, never cfn-lint's per-user download cache (`cfn-lint --update-specs`):
that directory is writable by whatever runs as the user, so it is not trusted to decide replacements.
An older cfn-lint without this layout (per-region packages of per-type files) is asked through its
own `PROVIDER_SCHEMA_MANAGER` instead, paying its import.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

MODULE_SCHEMA: dict[str, Any] = {"additionalProperties": True, "type": "object", "typeName": "Module"}


@cache
def schema_dir() -> Path | None:
    """cfn-lint's `data/schemas` directory (hash layout), found without importing cfn-lint; None if absent."""
    spec = importlib.util.find_spec("cfnlint")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "data" / "schemas"
        if (candidate / "providers" / "us-east-1.json").is_file():
            return candidate
    return None


@cache
def _types(directory: Path, region: str) -> dict[str, str]:
    providers = directory / "providers"
    path = providers / f"{region}.json"
    table: dict[str, str] = _read(path if path.is_file() else providers / "us-east-1.json")
    sam = providers / "sam.json"
    if sam.is_file():
        table.update(_read(sam))
    return table


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def resource_schema(region: str, resource_type: str) -> dict[str, Any] | None:
    """The bundled provider schema of `resource_type` in `region` (a JSON Schema dict); None if unknown."""
    if resource_type.startswith("Custom::"):
        resource_type = "AWS::CloudFormation::CustomResource"
    if resource_type.endswith("::MODULE"):
        return MODULE_SCHEMA
    directory = schema_dir()
    if directory is None:
        return _from_cfn_lint(region, resource_type)
    digest = _types(directory, region).get(resource_type)
    if not digest:
        return None
    try:
        schema: dict[str, Any] = _read(directory / "resources" / f"{digest}.json")
    except (OSError, ValueError):
        return None
    return schema


def _from_cfn_lint(region: str, resource_type: str) -> dict[str, Any] | None:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError

    try:
        schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    except ResourceNotFoundError:
        return None
    return schema
