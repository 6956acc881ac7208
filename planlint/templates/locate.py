"""Locate a real change set's root-stack changes in the template they were created from (`--template`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from planlint.model import Plan, SourceLocation
from planlint.templates.decode import Template


def locate_change_sets(plans: Iterable[Plan], templates: Sequence[Template]) -> list[Plan]:
    """Change-set plans with each root-stack change's `source` set to its logical id's lines in a template.

    Nested stacks' changes (addresses `Parent/Child/Id`) are left alone: their templates are other files.
    When several templates declare the same logical id, the first given wins.
    """
    lines: dict[str, SourceLocation] = {}
    for template in templates:
        for resource in template.resources:
            lines.setdefault(
                resource.logical_id, SourceLocation(template.path, resource.line, resource.end_line)
            )
    located: list[Plan] = []
    for plan in plans:
        if plan.format != "cloudformation":
            located.append(plan)
            continue
        changes = tuple(
            msgspec.structs.replace(c, source=lines[c.address])
            if c.source is None and c.address in lines
            else c
            for c in plan.changes
        )
        located.append(msgspec.structs.replace(plan, changes=changes))
    return located
