"""Policy patterns (`protect`, `allow_destroy`): does a change's address, module or tags match?"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from planlint.config import Patterns
from planlint.model import REDACTED, ResourceChange

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


def resource_matches(patterns: Patterns, change: ResourceChange, *, hidden_matches: bool = False) -> bool:
    """True when any address glob, module glob or tag of `patterns` matches the change.

    A tag whose value the plan marks sensitive cannot be read: with `hidden_matches` (`protect`) it counts
    as a possible match, so the change is asked about; without (`allow_destroy`) it never matches, so
    nothing is waived on a value nobody can see.
    """
    if any(fnmatchcase(change.address, glob) for glob in patterns.addresses):
        return True
    if change.module and any(fnmatchcase(change.module, glob) for glob in patterns.modules):
        return True
    if patterns.tags:
        tags = resource_tags(change)
        if any(
            tags.get(key, REDACTED) != REDACTED and fnmatchcase(tags[key], value_glob)
            for key, value_glob in patterns.tags.items()
        ):
            return True
        return hidden_matches and bool(hidden_tag_keys(patterns, change))
    return False


def hidden_tag_keys(patterns: Patterns, change: ResourceChange) -> list[str]:
    """The keys of `patterns.tags` whose value the plan hides (the value, or the whole tag map, is sensitive)."""
    tags = resource_tags(change)
    return [
        key for key in patterns.tags if tags.get(key) == REDACTED or (key not in tags and REDACTED in tags)
    ]


def resource_tags(change: ResourceChange) -> dict[str, str]:
    """Tags of the object being changed: before (what is destroyed), or after for a create.

    A sensitive value is the redaction marker; a whole sensitive tag map is the marker under its own key.
    """
    values = change.values.before()
    if values is None:
        values = change.values.after()
    tags: dict[str, str] = {}
    for path in _TAG_PATHS:
        found = _lookup(values, path)
        tags.update({REDACTED: REDACTED} if found == REDACTED else _as_tags(found))
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
