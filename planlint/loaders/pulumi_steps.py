"""The steps of a Pulumi preview, checked against what Pulumi's engine writes, before any is judged.

Sources (pulumi/pulumi): the step ops and which are logical, `pkg/resource/deploy/step.go` (`Op()`,
`Logical()`, `IsReplacementStep`); which ops the step generator emits together for one URN,
`pkg/resource/deploy/step_generator.go`; which steps the JSON preview shows, `shouldShow` in
`pkg/backend/display/display.go`; how `changeSummary` is counted, `previewActions.OnResourceStepPost` in
`pkg/engine/update.go` (one count per logical, non-internal step; a refresh counted as its result).

Per URN the engine writes at most one *logical* step (same, create, update, delete, replace, read, import,
discard, diff). The physical halves of a replacement come only with their `replace`:
`create-replacement`, `read-replacement` or `import-replacement` (the new half; the JSON preview shows it
only with `--show-replacement-steps`), and `delete-replaced` / `discard-replaced` (the old half). An old
copy left *pending deletion* by an earlier update (`delete: true` in its state) is deleted by a
`delete-replaced` (or a logical `delete` when a replacement it depends on removes it) next to whatever its
live resource does, even a hidden `same`. `refresh` (`pulumi preview --refresh`) precedes any op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from planlint.errors import InputError

LOGICAL_OPS = frozenset(
    ("same", "create", "update", "delete", "replace", "read", "import", "discard", "diff")
)
NEW_HALVES = frozenset(("create-replacement", "read-replacement", "import-replacement"))
OLD_HALVES = frozenset(("delete-replaced", "discard-replaced", "remove-pending-replace"))


class Step(msgspec.Struct, frozen=True):
    """One step of a preview, as read (`steps[position]`)."""

    position: int
    op: str
    urn: str
    type: str
    old: Mapping[str, Any]
    new: Mapping[str, Any]
    replace_reasons: tuple[str, ...]
    provider: str | None


class Group(msgspec.Struct, frozen=True):
    """The steps of one URN: its logical step (else its refresh; None when Pulumi hides a `same`), the new half of its
    replacement, the old half of its replacement, and deletions of old copies pending deletion."""

    logical: Step | None
    new_half: Step | None
    old_halves: tuple[Step, ...]
    pending: tuple[Step, ...]


def is_pending_copy_delete(step: Step) -> bool:
    """A logical `delete` of an old copy already pending deletion (a dependent of a delete-before-replace)."""
    return step.op == "delete" and step.old.get("delete") is True


def group_steps(steps: Sequence[Step], origin: str) -> list[Group]:
    """The steps of each URN, in order of first appearance; refuses (InputError) a set of ops for one
    URN that Pulumi's engine never writes: two logical steps, or a new half without its `replace`."""
    by_urn: dict[str, list[Step]] = {}
    for step in steps:
        by_urn.setdefault(step.urn, []).append(step)
    return [_group(group, origin) for group in by_urn.values()]


def _group(steps: Sequence[Step], origin: str) -> Group:
    logical = [s for s in steps if s.op in LOGICAL_OPS and not is_pending_copy_delete(s)]
    new_halves = [s for s in steps if s.op in NEW_HALVES]
    if len(logical) > 1:
        first, second = logical[0], logical[1]
        raise InputError(
            f"steps[{first.position}] and steps[{second.position}] give {first.urn} two operations "
            f"({first.op}, {second.op}); Pulumi writes one logical step per resource, so the preview was "
            "edited or merged; refusing it",
            origin,
        )
    lead = logical[0] if logical else None
    for half in new_halves:
        if lead is None or lead.op != "replace":
            has = "none" if lead is None else repr(lead.op)
            raise InputError(
                f"steps[{half.position}] ({half.urn}): {half.op} comes only with a `replace` of the same "
                f"resource, and the preview has {has}; refusing it",
                origin,
            )
    if len(new_halves) > 1:
        raise InputError(
            f"steps[{new_halves[1].position}] ({new_halves[1].urn}): a second new half "
            f"({new_halves[0].op}, {new_halves[1].op}) of one replacement; refusing it",
            origin,
        )
    old = [s for s in steps if s.op in OLD_HALVES or is_pending_copy_delete(s)]
    own: list[Step] = []
    if lead is not None and lead.op == "replace":
        # The replace's own old half holds the object it replaces; any other is an older pending copy.
        own = [s for s in old if s.op in OLD_HALVES and s.old.get("id") == lead.old.get("id")][:1]
    # `refresh` (and the internal `extend-parameterize`) stand for a URN whose logical step is hidden.
    others = [s for s in steps if s.op in ("refresh", "extend-parameterize")]
    return Group(
        logical=lead or (others[0] if others else None),
        new_half=new_halves[0] if new_halves else None,
        old_halves=tuple(own),
        pending=tuple(s for s in old if s not in own),
    )


def check_change_summary(summary: Mapping[str, Any], steps: Sequence[Step], origin: str) -> None:
    """Refuse a `changeSummary` that counts an op the steps do not show (a step was removed or cut).

    Pulumi counts one per logical step and shows every logical step except `same` (hidden without
    `--show-sames`), so for any other op the count can never exceed the steps of that op (a `read` is
    counted only when it changed something; internal steps are neither counted nor shown).
    """
    shown: dict[str, int] = {}
    for step in steps:
        shown[step.op] = shown.get(step.op, 0) + 1
    for op, count in summary.items():
        if op not in LOGICAL_OPS | NEW_HALVES | OLD_HALVES | {"refresh", "extend-parameterize"}:
            raise InputError(f"changeSummary counts an unknown op {op!r}; planlint will not guess it", origin)
        if type(count) is not int or count < 0:
            raise InputError(f"changeSummary[{op!r}] is {count!r}, not a count", origin)
        if op != "same" and count > shown.get(op, 0):
            raise InputError(
                f"changeSummary counts {count} {op} but the steps show {shown.get(op, 0)}: steps were "
                "removed or cut, so the preview may not list every change; preview again",
                origin,
            )
