"""Facts that soften a destructive change: data kept (Retain, forget) or recoverable (final snapshot)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from planlint.model import ResourceChange

MitigationKind = Literal["retained", "replaced_retained", "snapshot"]


class Mitigation(msgspec.Struct, frozen=True):
    kind: MitigationKind
    text: str  # what it is and what it does not cover


# Terraform types whose delete takes a final snapshot when configured: type -> (skip flag, identifier).
TERRAFORM_FINAL_SNAPSHOT: dict[str, tuple[str | None, str]] = {
    "aws_db_instance": ("skip_final_snapshot", "final_snapshot_identifier"),
    "aws_rds_cluster": ("skip_final_snapshot", "final_snapshot_identifier"),
    "aws_docdb_cluster": ("skip_final_snapshot", "final_snapshot_identifier"),
    "aws_neptune_cluster": ("skip_final_snapshot", "final_snapshot_identifier"),
    "aws_redshift_cluster": ("skip_final_snapshot", "final_snapshot_identifier"),
    "aws_elasticache_cluster": (None, "final_snapshot_identifier"),
    "aws_elasticache_replication_group": (None, "final_snapshot_identifier"),
    "aws_memorydb_cluster": (None, "final_snapshot_name"),
}

# CloudFormation types whose DeletionPolicy defaults to Snapshot when none is set (AWS docs,
# DeletionPolicy attribute). AWS::RDS::DBInstance only when it is not part of a DB cluster.
CLOUDFORMATION_DEFAULT_SNAPSHOT = frozenset(("AWS::RDS::DBCluster", "AWS::RDS::DBInstance"))

TEXT: dict[MitigationKind, str] = {
    "retained": (
        "CloudFormation keeps the resource (DeletionPolicy Retain): it leaves the stack but is not deleted. "
        "Not covered: nothing manages it any more, and what referenced it through the stack loses it."
    ),
    "replaced_retained": (
        "The old resource is kept (ReplaceAndRetain), so its data survives. Not covered: the application "
        "now points at a new, empty resource."
    ),
    "snapshot": (
        "A final snapshot is taken before deletion, so the data can be restored. Not covered: the service "
        "is down until someone restores it, and writes after the snapshot are lost."
    ),
}


PULUMI_RETAINED = (
    "The old resource is left in place (retainOnDelete), so its data survives. Not covered: the application "
    "now points at a new, empty resource, and nothing manages the old one any more."
)


def mitigation_of(change: ResourceChange) -> Mitigation | None:
    """The mitigation that applies to a destructive change, if any."""
    kind = _kind(change)
    if kind == "replaced_retained" and change.platform == "pulumi":
        return Mitigation(kind, PULUMI_RETAINED)
    return Mitigation(kind, TEXT[kind]) if kind else None


def _kind(change: ResourceChange) -> MitigationKind | None:
    if change.platform == "cloudformation":
        policy = change.policy_action
        if policy == "Retain":
            return "retained"
        if policy == "ReplaceAndRetain":
            return "replaced_retained"
        if policy in ("Snapshot", "ReplaceAndSnapshot"):
            return "snapshot"
        if policy is None and "delete" in change.actions and change.type in CLOUDFORMATION_DEFAULT_SNAPSHOT:
            before = change.values.before()
            in_cluster = isinstance(before, dict) and _get(before, ("Properties", "DBClusterIdentifier"))
            return None if in_cluster else "snapshot"
        return None
    if change.platform == "pulumi":
        # retainOnDelete: a delete is already a forget; a replacement leaves the old resource in place.
        retained = change.policy_action == "retainOnDelete" and "replace" in change.actions
        return "replaced_retained" if retained else None
    spec = TERRAFORM_FINAL_SNAPSHOT.get(change.type)
    if spec is None or not change.is_destructive:
        return None
    before = change.values.before()
    if not isinstance(before, dict):
        return None
    skip_flag, identifier = spec
    if skip_flag is not None and before.get(skip_flag) is not False:
        return None
    return "snapshot" if isinstance(before.get(identifier), str) and before.get(identifier) else None


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value
