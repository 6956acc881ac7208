"""Protections a source change removes (base checkout vs head), as changes the rules judge.

The plan JSON carries no `prevent_destroy`, and the flag vanishes with the block that carried it, so
only the .tf files can tell. Reason codes produced here (rules match on them):

- `source_prevent_destroy_removed` (no-op, or update when provider settings changed too):
  `lifecycle { prevent_destroy = true }` removed, or the block carrying it deleted;
- `source_protection_weakened` (update): `deletion_protection` turned off, `skip_final_snapshot` or
  `force_destroy` turned on (or made an expression planlint cannot evaluate). Before/after carry the
  effective values (provider defaults filled in), so the same attribute rules that judge a plan's
  update (PL014, PL015, PL016) judge the source. Only produced without a plan: a plan shows them itself;
- `source_block_deleted` (delete): a resource block is gone with no `moved` block and no
  `removed { lifecycle { destroy = false } }` for it;
- `source_removed_destroy` (delete): a `removed` block with `lifecycle { destroy = true }`.

The two delete reasons are only produced when no plan is given (a plan shows those deletes itself), and
for every type: the rules and the stateful catalogue decide which deletes matter, as for a plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planlint.model import Action, Plan, ResourceChange, SourceLocation, Values
from planlint.source.address import BlockAddress, parse_address
from planlint.source.hcl import expression_text, nested
from planlint.source.index import IndexedBlock, SourceIndex

SOURCE_TOOL = "terraform-source"
SOURCE_NOTE = "predicted from Terraform source (.tf files, base vs head), not from a terraform plan"
NO_BASE_NOTE = (
    "no base to compare with (--base-source DIR or --base-ref REF), so removed protections and deleted "
    "blocks were not looked for; only `removed` blocks that destroy were checked"
)
PROTECTED_BY_DEFAULT_PREFIXES = ("google_",)  # Google's deletion_protection defaults to true


@dataclass(frozen=True, slots=True)
class Protection:
    """One protective setting: its attribute, the value that protects, and what absence means."""

    attribute: str
    protective: bool
    label: str


PROTECTIONS: tuple[Protection, ...] = (
    Protection("prevent_destroy", True, "lifecycle.prevent_destroy"),
    Protection("deletion_protection", True, "deletion_protection"),
    Protection("skip_final_snapshot", False, "skip_final_snapshot"),
    Protection("force_destroy", False, "force_destroy"),
)


def effective(facts: Mapping[str, Any], resource_type: str, present: set[str]) -> dict[str, Any]:
    """Facts with provider defaults filled in, for the attributes either side writes: what a plan would show."""
    values: dict[str, Any] = {}
    for protection in PROTECTIONS:
        if protection.attribute not in present:
            continue
        value = facts.get(protection.attribute)
        if value is None:
            value = _protects(protection, None, resource_type) is protection.protective
        values[protection.attribute] = value
    return values


def protection_facts(block: IndexedBlock) -> dict[str, Any]:
    """The protective settings a resource block states: literal bools, expression text, or None if absent."""
    body = block.block.body
    facts: dict[str, Any] = {}
    for protection in PROTECTIONS:
        holder = nested(body, "lifecycle") if protection.attribute == "prevent_destroy" else body
        value = holder.get(protection.attribute)
        facts[protection.attribute] = (
            value
            if isinstance(value, bool) or value is None
            else (expression_text(value) if isinstance(value, str) else str(value))
        )
    return facts


def _protects(protection: Protection, value: Any, resource_type: str) -> bool:
    if value is None:
        if protection.attribute == "deletion_protection":
            return resource_type.startswith(PROTECTED_BY_DEFAULT_PREFIXES)
        return not protection.protective  # skip_final_snapshot/force_destroy default to false: protected
    return value is protection.protective


def weakened(before: Mapping[str, Any], after: Mapping[str, Any], resource_type: str) -> list[str]:
    """Human-readable list of protections protective in `before` and not in `after`."""
    lost: list[str] = []
    for protection in PROTECTIONS:
        old, new = before.get(protection.attribute), after.get(protection.attribute)
        if old == new or not _protects(protection, old, resource_type):
            continue
        if _protects(protection, new, resource_type):
            continue
        lost.append(f"{protection.label}: {_show(old)} -> {_show(new)}")
    return lost


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "unset (default)"
    return f"`{value}` (an expression planlint cannot evaluate)"


def source_plan(head: SourceIndex, base: SourceIndex | None, with_plans: bool = False) -> Plan:
    """A Plan of what the source change does to protections (and, without a plan, to stateful blocks)."""
    changes: list[ResourceChange] = []
    if base is not None:
        changes.extend(_diff(head, base, with_plans))
    if not with_plans:
        changes.extend(_removed_destroy(head, base))
    return Plan(
        origin=head.root,
        format="terraform",
        tool=SOURCE_TOOL,
        tool_version=None,
        format_version=None,
        changes=tuple(changes),
        notes=(SOURCE_NOTE if base is not None else NO_BASE_NOTE, *head.notes),
    )


def _resources(index: SourceIndex) -> dict[str, IndexedBlock]:
    return {b.address.text: b for b in index.blocks if b.block.kind == "resource"}


def _target(indexed: IndexedBlock, attribute: str) -> BlockAddress | None:
    text = expression_text(indexed.block.body.get(attribute))
    if not text:
        return None
    parsed = parse_address(text)
    return BlockAddress((*indexed.address.module, *parsed.module), parsed.key)


def _destroy(indexed: IndexedBlock) -> Any:
    return nested(indexed.block.body, "lifecycle").get("destroy")


def _diff(head: SourceIndex, base: SourceIndex, with_plans: bool) -> list[ResourceChange]:
    head_resources, base_resources = _resources(head), _resources(base)
    moved: dict[str, str] = {}
    for block in head.of_kind("moved"):
        source, target = _target(block, "from"), _target(block, "to")
        if source is not None and target is not None:
            moved[source.text] = target.text
    removed = {t.text: b for b in head.of_kind("removed") if (t := _target(b, "from")) is not None}
    changes: list[ResourceChange] = []
    for address, old in base_resources.items():
        resource_type = old.block.labels[0]
        before = protection_facts(old)
        new = head_resources.get(moved.get(address, address))
        if new is not None:
            after = protection_facts(new)
            lost = [
                item
                for item in weakened(before, after, resource_type)
                if not with_plans or item.startswith("lifecycle.")
            ]
            # one change per reason: losing prevent_destroy (PL060) and weakening a provider-side
            # protection (PL014/PL015/PL016) are different reasons, each with its own finding
            for group in _by_reason(lost):
                present = {
                    p.attribute for p in PROTECTIONS if any(i.startswith(f"{p.label}:") for i in group)
                }
                changes.append(
                    _change(
                        new,
                        group,
                        effective(before, resource_type, present),
                        effective(after, resource_type, present),
                    )
                )
            continue
        if address in removed:  # `removed` blocks: destroy=false forgets; destroy=true is judged below
            continue
        had_prevent_destroy = before.get("prevent_destroy") is True
        if had_prevent_destroy:
            changes.append(
                _change(
                    old,
                    ["lifecycle.prevent_destroy: true -> removed with the whole block"],
                    {"prevent_destroy": True},
                    {"prevent_destroy": False},
                    deleted=True,
                )
            )
        if not with_plans:
            changes.append(_deleted(old, before))
    return changes


def _by_reason(lost: list[str]) -> list[list[str]]:
    """`lost` split into the prevent_destroy items and the rest, leaving out an empty part."""
    prevent = [item for item in lost if item.startswith("lifecycle.prevent_destroy")]
    rest = [item for item in lost if not item.startswith("lifecycle.prevent_destroy")]
    return [group for group in (prevent, rest) if group]


def _change(
    block: IndexedBlock,
    lost: list[str],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    deleted: bool = False,
) -> ResourceChange:
    prevent = any(item.startswith("lifecycle.prevent_destroy") for item in lost)
    where = "base" if deleted else "head"
    # prevent_destroy is Terraform-only: losing it alone changes nothing in the cloud (a plan shows no-op)
    only_meta = all(item.startswith("lifecycle.") for item in lost)
    return _record(
        block,
        actions=("no-op",) if only_meta else ("update",),
        reason="source_prevent_destroy_removed" if prevent else "source_protection_weakened",
        details=(*lost, f"declared at {block.block.path}:{block.block.line} ({where})"),
        values=Values.of(dict(before), dict(after)),
    )


def _deleted(block: IndexedBlock, before: Mapping[str, Any]) -> ResourceChange:
    note = "block deleted from source with no moved or removed block: the next apply destroys it"
    return _record(
        block,
        ("delete",),
        "source_block_deleted",
        (note, f"was at {block.block.path}:{block.block.line} (base)"),
        Values.of(dict(before), None),
    )


def _removed_destroy(head: SourceIndex, base: SourceIndex | None) -> list[ResourceChange]:
    already = set()
    if base is not None:
        already = {
            t.text
            for b in base.of_kind("removed")
            if _destroy(b) is True and (t := _target(b, "from")) is not None
        }
    changes: list[ResourceChange] = []
    for block in head.of_kind("removed"):
        target = _target(block, "from")
        if target is None or not target.key or _destroy(block) is not True or target.text in already:
            continue  # a whole module in `from` is left to the plan, which lists its resources
        resource_type = target.key.split(".")[0]
        changes.append(
            ResourceChange(
                address=target.text,
                type=resource_type,
                platform="terraform",
                actions=("delete",),
                reason="source_removed_destroy",
                module=_module(target),
                name=target.key.split(".")[-1],
                details=("`removed` block with lifecycle.destroy = true: the next apply destroys it",),
                source=SourceLocation(block.block.path, block.block.line, block.block.end_line),
            )
        )
    return changes


def _module(address: BlockAddress) -> str | None:
    return ".".join(f"module.{m}" for m in address.module) or None


def _record(
    block: IndexedBlock, actions: tuple[Action, ...], reason: str, details: tuple[str, ...], values: Values
) -> ResourceChange:
    return ResourceChange(
        address=block.address.text,
        type=block.block.labels[0],
        platform="terraform",
        actions=actions,
        reason=reason,
        module=_module(block.address),
        name=block.block.labels[1],
        details=details,
        source=block.location,
        values=values,
    )
