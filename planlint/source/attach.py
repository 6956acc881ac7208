"""The hook between the source index and the engine: located plans plus the source's own findings."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import msgspec

from planlint.errors import ConfigError, InputError
from planlint.model import Plan


def with_source(
    plans: Sequence[Plan], source: str | None, base_source: str | None = None, base_ref: str | None = None
) -> list[Plan]:
    """`plans` with changes located in `source`, plus one Plan of what the source change itself does.

    The extra Plan carries protections removed between the base (`base_source`, a directory, or
    `base_ref`, the same directory at a git revision) and `source` and, when no Terraform plan was given
    (pre-commit), the deletes the source change implies.
    """
    from planlint.source.index import SourceIndex, build_index, has_source_files, locate_plans
    from planlint.source.protection import source_plan

    if source is None:
        raise ConfigError(
            "--base-source/--base-ref need --source (the head checkout to compare with the base)"
        )
    if base_source is not None and base_ref is not None:
        raise ConfigError("give --base-source DIR or --base-ref REF, not both")
    head = build_index(Path(source))
    if not has_source_files(Path(source)):
        raise InputError(
            "no .tf or .tofu files here, so there is nothing to compare or locate; point --source at the "
            "root module directory (the one you run terraform plan in)",
            origin=source,
        )
    has_plan = any(p.format == "terraform" for p in plans)
    base: SourceIndex | None = None
    if base_ref is not None:
        from planlint.source.gitbase import export_ref

        with tempfile.TemporaryDirectory(prefix="planlint-base-") as scratch:
            exported = export_ref(Path(source), base_ref, Path(scratch))
            base = build_index(exported, shown_as=f"{base_ref}:{head.root}")
    elif base_source is not None:
        base = build_index(Path(base_source))
    located = list(locate_plans(plans, head, base))
    if base is None and has_plan:  # locating only: the source adds no changes, only its notes
        return [
            msgspec.structs.replace(p, notes=(*p.notes, *head.notes)) if p.format == "terraform" else p
            for p in located
        ]
    return [*located, source_plan(head, base, with_plans=has_plan)]
