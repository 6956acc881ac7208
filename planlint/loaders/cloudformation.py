"""`aws cloudformation describe-change-set` output into Plans: one per root change set, children folded in.

Several inputs may be one root change set plus its nested child change sets (created with
--include-nested-stacks). A child names its parent with ParentChangeSetId; the parent's nested stack
ResourceChange names the child with ChangeSetId. Each child's changes join the root's Plan with the
address "<NestedStackLogicalId>/<LogicalId>" and module = the nested stack path.

Fail closed: a missing page (NextToken), a nested stack change whose child change set was not given, a
child without its parent, a change set not yet created, failed for a reason other than "no changes",
or any unknown status or enum value is an InputError that says what to fetch or fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import msgspec

from planlint.errors import InputError
from planlint.loaders.cfn_change import NESTED_STACK_TYPE, Where, convert, is_drifted, text_field
from planlint.model import Plan, PlanFacts, ResourceChange

STATUSES = frozenset(
    (
        "CREATE_PENDING",
        "CREATE_IN_PROGRESS",
        "CREATE_COMPLETE",
        "DELETE_PENDING",
        "DELETE_IN_PROGRESS",
        "DELETE_COMPLETE",
        "DELETE_FAILED",
        "FAILED",
    )
)
EXECUTION_STATUSES = frozenset(
    ("UNAVAILABLE", "AVAILABLE", "EXECUTE_IN_PROGRESS", "EXECUTE_COMPLETE", "EXECUTE_FAILED", "OBSOLETE")
)
# What CloudFormation says when a change set would change nothing (the usual "empty change set").
_NO_CHANGES = re.compile(
    r"didn'?t contain changes|did not contain changes|no updates are to be performed", re.I
)
_CDK_METADATA = "AWS::CDK::Metadata"


def is_change_set(doc: dict[str, Any]) -> bool:
    """Does this parsed JSON object look like describe-change-set output? (Format detection only.)"""
    has_id = isinstance(doc.get("ChangeSetId"), str) or isinstance(doc.get("ChangeSetName"), str)
    has_stack = isinstance(doc.get("StackId"), str) or isinstance(doc.get("StackName"), str)
    return has_id and has_stack and ("Changes" in doc or "Status" in doc)


class _ChangeSet(msgspec.Struct, frozen=True):
    origin: str
    doc: dict[str, Any]
    sha256: str
    change_set_id: str
    parent_id: str | None
    root_id: str | None
    stack_id: str | None
    stack_name: str
    status: str
    execution_status: str | None
    no_changes: bool


def load_cloudformation(docs: Sequence[tuple[str, dict[str, Any], str]]) -> list[Plan]:
    """Load every change set given in one run; return one Plan per root change set."""
    change_sets = [_read(origin, doc, sha) for origin, doc, sha in docs]
    by_id: dict[str, _ChangeSet] = {}
    for cs in change_sets:
        if cs.change_set_id in by_id:
            raise InputError(
                f"change set {cs.change_set_id} is also given as {by_id[cs.change_set_id].origin}; "
                "give each change set once",
                cs.origin,
            )
        by_id[cs.change_set_id] = cs
    children: dict[str, list[_ChangeSet]] = {}
    for cs in change_sets:
        if cs.parent_id is None:
            continue
        if cs.parent_id not in by_id:
            raise InputError(
                f"is the nested change set of stack {cs.stack_name}, but its parent change set "
                f"{cs.parent_id} was not given; fetch it with `aws cloudformation describe-change-set "
                f"--change-set-name {cs.parent_id} --output json` and pass it too (with every nested one)",
                cs.origin,
            )
        children.setdefault(cs.parent_id, []).append(cs)
    plans: list[Plan] = []
    used: set[str] = set()
    for cs in change_sets:
        if cs.parent_id is None:
            plans.append(_plan(cs, children, used))
    for cs in change_sets:
        if cs.parent_id is not None and cs.change_set_id not in used:
            raise InputError(
                f"nested change set {cs.change_set_id} (stack {cs.stack_name}) is not named by any nested "
                f"stack change of its parent {cs.parent_id}; cannot tell where it belongs",
                cs.origin,
            )
    return plans


def _read(origin: str, doc: dict[str, Any], sha: str) -> _ChangeSet:
    where = Where(origin)
    if not isinstance(doc, dict):
        raise InputError("is not a change set object", origin)
    change_set_id = text_field(doc, "ChangeSetId", where, "the change set") or text_field(
        doc, "ChangeSetName", where, "the change set"
    )
    if not change_set_id:
        raise InputError(
            "has no ChangeSetId; expected `aws cloudformation describe-change-set` output", origin
        )
    stack_name = (
        text_field(doc, "StackName", where, "the change set")
        or text_field(doc, "StackId", where, "the change set")
        or ""
    )
    token = doc.get("NextToken")
    if token:
        raise InputError(
            "is one page of a longer change set (NextToken present): a page is missing. Run "
            f"`aws cloudformation describe-change-set --change-set-name {change_set_id} --output json` "
            "without --max-items/--no-paginate (the AWS CLI then fetches every page), or fetch the rest with "
            f"`--starting-token {token}` and merge all pages' Changes into one document",
            origin,
        )
    status = text_field(doc, "Status", where, "the change set")
    reason = text_field(doc, "StatusReason", where, "the change set") or ""
    execution = text_field(doc, "ExecutionStatus", where, "the change set")
    if status is None or status not in STATUSES:
        raise InputError(f"unknown change set Status {status!r}; refusing to judge it", origin)
    if execution is not None and execution not in EXECUTION_STATUSES:
        raise InputError(f"unknown change set ExecutionStatus {execution!r}; refusing to judge it", origin)
    no_changes = False
    if status in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
        raise InputError(
            f"change set is not ready (Status {status}); wait with `aws cloudformation wait "
            f"change-set-create-complete --change-set-name {change_set_id}` and describe it again",
            origin,
        )
    if status.startswith("DELETE_"):
        raise InputError(f"change set was deleted (Status {status}); create and describe a new one", origin)
    if status == "FAILED":
        if not _NO_CHANGES.search(reason):
            raise InputError(f"change set FAILED: {reason or 'no StatusReason given'}", origin)
        no_changes = True
    changes = doc.get("Changes")
    if no_changes and changes:
        raise InputError(
            f"change set FAILED because it has no changes ({reason}), yet it lists {len(changes)} "
            "change(s) in Changes: contradictory; create and describe the change set again",
            origin,
        )
    if not isinstance(changes, list) and not (no_changes and changes is None):
        raise InputError(
            "has no Changes list; expected `aws cloudformation describe-change-set` output", origin
        )
    return _ChangeSet(
        origin=origin,
        doc=doc,
        sha256=sha,
        change_set_id=change_set_id,
        parent_id=text_field(doc, "ParentChangeSetId", where, "the change set") or None,
        root_id=text_field(doc, "RootChangeSetId", where, "the change set") or None,
        stack_id=text_field(doc, "StackId", where, "the change set"),
        stack_name=stack_name,
        status=status,
        execution_status=execution,
        no_changes=no_changes,
    )


class _Fold(msgspec.Struct):
    """What the walk over a root and its children gathers."""

    changes: list[ResourceChange]
    nested: list[str]
    notes: list[str]
    cdk_dropped: int = 0
    drifted: int = 0


def _plan(root: _ChangeSet, children: dict[str, list[_ChangeSet]], used: set[str]) -> Plan:
    fold = _Fold([], [], [])
    if root.no_changes:
        fold.notes.append(f"CloudFormation reported no changes: {root.doc.get('StatusReason')}")
    else:
        _walk(root, root, stack_path=(), children=children, used=used, fold=fold)
    if fold.cdk_dropped:
        fold.notes.append(
            f"dropped {fold.cdk_dropped} AWS::CDK::Metadata replacement(s): CDK reports them on nearly every "
            "deploy and they hold no data"
        )
    if root.execution_status not in (None, "AVAILABLE") and not root.no_changes:
        fold.notes.append(
            f"ExecutionStatus {root.execution_status}: this change set cannot be executed as it is"
        )
    mode = root.doc.get("DeploymentMode")
    if mode:
        fold.notes.append(
            f"DeploymentMode {mode}: a drift-aware change set that overwrites out-of-band changes"
        )
    return Plan(
        origin=root.origin,
        format="cloudformation",
        tool="cloudformation",
        tool_version=None,
        format_version=None,
        changes=tuple(fold.changes),
        facts=PlanFacts(
            complete=True,
            applyable=None if root.execution_status is None else root.execution_status == "AVAILABLE",
            drift_count=fold.drifted,
            nested_change_sets=tuple(fold.nested),
            status=root.status,
        ),
        scope=root.stack_name,
        input_sha256=root.sha256,
        notes=tuple(fold.notes),
    )


def _walk(
    cs: _ChangeSet,
    root: _ChangeSet,
    *,
    stack_path: tuple[str, ...],
    children: dict[str, list[_ChangeSet]],
    used: set[str],
    fold: _Fold,
) -> None:
    where = Where(cs.origin, stack_path)
    if cs is not root and cs.root_id is not None and cs.root_id != root.change_set_id:
        raise InputError(
            f"names root change set {cs.root_id}, but its parent chain leads to {root.change_set_id}",
            cs.origin,
        )
    for index, item in enumerate(cs.doc.get("Changes") or ()):
        rc = _resource_change(item, index, where)
        change = convert(rc, where)
        if change.type == _CDK_METADATA and change.reason in (
            "cfn_replacement_true",
            "cfn_replacement_conditional",
        ):
            fold.cdk_dropped += 1
            continue
        fold.changes.append(change)
        fold.drifted += is_drifted(rc)
        if change.type != NESTED_STACK_TYPE:
            continue
        child = _child_for(cs, rc, children)
        if child is None:
            _missing_child(rc, change, where, fold)
            continue
        used.add(child.change_set_id)
        fold.nested.append(child.change_set_id)
        fold.notes.append(
            f"nested change set of stack {child.stack_name} from {child.origin} "
            f"folded in under {change.address}/"
        )
        if not child.no_changes:
            _walk(child, root, stack_path=(*stack_path, change.name), children=children, used=used, fold=fold)


def _resource_change(item: Any, index: int, where: Where) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputError(f"Changes[{index}] is not an object", where.origin)
    kind = item.get("Type", "Resource")
    if kind != "Resource":
        raise InputError(f"Changes[{index}] has unknown Type {kind!r} (known: Resource)", where.origin)
    rc = item.get("ResourceChange")
    if not isinstance(rc, dict):
        raise InputError(f"Changes[{index}] has no ResourceChange object", where.origin)
    return rc


def _child_for(
    parent: _ChangeSet, rc: dict[str, Any], children: dict[str, list[_ChangeSet]]
) -> _ChangeSet | None:
    """The child change set for a nested stack change: by its ChangeSetId, else by the nested stack's id."""
    candidates = children.get(parent.change_set_id, [])
    nested_id = rc.get("ChangeSetId")
    for child in candidates:
        if nested_id and child.change_set_id == nested_id:
            return child
    # Some published samples rewrite the nested ChangeSetId (e.g. to a file:// link); the child's StackId
    # is the nested stack's PhysicalResourceId, which identifies it just as well.
    physical_id = rc.get("PhysicalResourceId")
    for child in candidates:
        if physical_id and child.stack_id == physical_id:
            return child
    return None


def _missing_child(rc: dict[str, Any], change: ResourceChange, where: Where, fold: _Fold) -> None:
    nested_id = rc.get("ChangeSetId")
    action = rc.get("Action")
    if action in ("Add", "Remove", "Import", "SyncWithActual"):
        # A new or imported nested stack only creates; a removed one is judged whole as a delete of the
        # stack; SyncWithActual changes only CloudFormation's record. None of these hide a deletion inside.
        if nested_id:
            fold.notes.append(f"nested change set {nested_id} for new stack {change.address} not given")
        return
    if nested_id:
        raise InputError(
            f"nested stack {change.address} changes ({action}) but its nested change set was not given; "
            f"fetch it with `aws cloudformation describe-change-set --change-set-name {nested_id} "
            "--output json` and pass it too",
            where.origin,
        )
    raise InputError(
        f"nested stack {change.address} changes ({action}) but this change set does not show what changes "
        "inside it; create the change set with --include-nested-stacks and pass every nested change set",
        where.origin,
    )
