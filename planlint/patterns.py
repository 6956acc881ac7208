"""Policy patterns (`protect`, `allow_destroy`): does a change's address, module or tags match?"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from planlint.config import Patterns
from planlint.model import ResourceChange

# Where tags/labels live in decoded before/after values: Terraform (AWS, Azure), Google labels,
# Kubernetes metadata labels, CloudFormation Properties.Tags.
_TAG_PATHS: tuple[tuple[str, ...], ...] = (
    ("tags_all",),
    ("tags",),
    ("labels",),
    ("effective_labels",),
    ("metadata", "labels"),
    ("Properties", "Tags"),
)


def resource_matches(patterns: Patterns, change: ResourceChange) -> bool:
    """True when any address glob, module glob or tag of `patterns` matches the change."""
    if any(fnmatchcase(change.address, glob) for glob in patterns.addresses):
        return True
    if change.module and any(fnmatchcase(change.module, glob) for glob in patterns.modules):
        return True
    if patterns.tags:
        tags = resource_tags(change)
        return any(
            key in tags and fnmatchcase(tags[key], value_glob) for key, value_glob in patterns.tags.items()
        )
    return False


def resource_tags(change: ResourceChange) -> dict[str, str]:
    """Tags of the object being changed: before (what is destroyed), or after for a create."""
    values = change.values.before()
    if values is None:
        values = change.values.after()
    tags: dict[str, str] = {}
    for path in _TAG_PATHS:
        tags.update(_as_tags(_lookup(values, path)))
    return tags


def _lookup(value: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if isinstance(value, list) and len(value) == 1:  # Terraform single nested block
            value = value[0]
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _as_tags(value: Any) -> Mapping[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, (str, int, float, bool))}
    if isinstance(value, list):  # CloudFormation [{Key: env, Value: prod}]
        return {
            str(item["Key"]): str(item["Value"])
            for item in value
            if isinstance(item, dict) and "Key" in item and "Value" in item
        }
    return {}
