"""Paths shown from a git revision (`HEAD~1:infra/main.tf`), as `--base-ref` exports name them."""

from __future__ import annotations

import re

# `REV:` in front of a path (git rev-parse syntax: no spaces, not a one-letter drive like `C:`)
_REVISION_PREFIX = re.compile(r"[A-Za-z0-9_./@{}~^-]{2,}:(?![/\\])")


def split_revision(path: str) -> tuple[str | None, str]:
    """(`HEAD~1`, `infra/main.tf`) for `HEAD~1:infra/main.tf`; (None, path) for a plain path."""
    match = _REVISION_PREFIX.match(path)
    if match is None:
        return None, path
    return path[: match.end() - 1], path[match.end() :]
