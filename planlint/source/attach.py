"""The hook between the source index and the engine: located plans plus the source's own findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planlint.errors import ConfigError
from planlint.model import Plan


def with_source(plans: Sequence[Plan], source: str | None, base_source: str | None = None) -> list[Plan]:
    """`plans` with changes located in `source`, plus one Plan of what the source change itself does.

    The extra Plan carries protections removed between `base_source` and `source` and, when no
    Terraform plan was given (pre-commit), the deletes the source change implies.
    """
    from planlint.source.index import build_index, locate_plans
    from planlint.source.protection import source_plan

    if source is None:
        raise ConfigError("--base-source needs --source (the head checkout to compare with the base)")
    head = build_index(Path(source))
    base = build_index(Path(base_source)) if base_source is not None else None
    has_plan = any(p.format == "terraform" for p in plans)
    return [*locate_plans(plans, head, base), source_plan(head, base, with_plans=has_plan)]
