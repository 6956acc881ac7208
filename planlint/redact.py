"""Apply a plan's sensitivity mask to a value, so secrets never travel past the loader."""

from __future__ import annotations

from typing import Any

from planlint.model import REDACTED


def redact(value: Any, mask: Any) -> Any:
    """Replace every leaf that `mask` marks true (Terraform's before/after_sensitive shape) with a marker.

    The mask mirrors the value: `true` covers the whole subtree, objects and lists recurse, anything
    else means "not sensitive". A value whose mask disagrees in shape is redacted whole (fail closed).
    """
    if mask is True:
        return REDACTED
    if not mask:
        return value
    if isinstance(mask, dict):
        if not isinstance(value, dict):
            return REDACTED if value is not None else None
        return {key: redact(item, mask.get(key)) for key, item in value.items()}
    if isinstance(mask, list):
        if not isinstance(value, list):
            return REDACTED if value is not None else None
        return [redact(item, mask[i] if i < len(mask) else None) for i, item in enumerate(value)]
    return value
