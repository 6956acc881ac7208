"""What CloudFormation does with the old physical resource when PolicyAction is absent, and policy strength.

Change sets created before PolicyAction existed (2020-2022 output) carry no PolicyAction. Then the
template's DeletionPolicy / UpdateReplacePolicy (visible only in BeforeContext, with
--include-property-values) or CloudFormation's documented default applies. The loader records the
inference as a detail and never invents a PolicyAction.

Documented defaults (AWS CloudFormation Template Reference, "DeletionPolicy attribute" and
"UpdateReplacePolicy attribute"):
- DeletionPolicy: Delete, except Snapshot for AWS::RDS::DBCluster and for AWS::RDS::DBInstance without
  DBClusterIdentifier. Other snapshot-capable types (EC2::Volume, ElastiCache, Neptune, Redshift, DocDB)
  *support* Snapshot but default to Delete; the Neptune::DBCluster page says so explicitly.
- UpdateReplacePolicy: Delete ("By default, CloudFormation then deletes the old resource").
"""

from __future__ import annotations

from typing import Any

POLICY_ACTIONS = frozenset(
    ("Delete", "Retain", "Snapshot", "ReplaceAndDelete", "ReplaceAndRetain", "ReplaceAndSnapshot")
)
# Template attribute values, strongest protection first. RetainExceptOnCreate behaves as Retain for
# every operation but the one that created the resource, so on an update it protects like Retain.
_STRENGTH = {"Retain": 3, "RetainExceptOnCreate": 3, "Snapshot": 2, "Delete": 1}
PROTECTIVE_POLICIES = frozenset(("Retain", "RetainExceptOnCreate", "Snapshot"))


def default_deletion_policy(resource_type: str, properties: dict[str, Any] | None) -> tuple[str, str]:
    """CloudFormation's DeletionPolicy when the template sets none: (policy, why)."""
    if resource_type == "AWS::RDS::DBCluster":
        return "Snapshot", "CloudFormation's default for AWS::RDS::DBCluster"
    if resource_type == "AWS::RDS::DBInstance":
        if properties is None:
            return (
                "Snapshot",
                "CloudFormation's default for an AWS::RDS::DBInstance outside a DB cluster "
                "(Delete if it has DBClusterIdentifier, which this change set does not show)",
            )
        if properties.get("DBClusterIdentifier"):
            return "Delete", "CloudFormation's default for an AWS::RDS::DBInstance in a DB cluster"
        return "Snapshot", "CloudFormation's default for an AWS::RDS::DBInstance without DBClusterIdentifier"
    return "Delete", "CloudFormation's default DeletionPolicy"


def template_policy(context: Any, attribute: str) -> str | None:
    """DeletionPolicy / UpdateReplacePolicy as the template sets it, from a decoded Before/AfterContext."""
    if isinstance(context, dict):
        value = context.get(attribute)
        if isinstance(value, str):
            return value
    return None


def context_properties(context: Any) -> dict[str, Any] | None:
    if isinstance(context, dict) and isinstance(context.get("Properties"), dict):
        properties: dict[str, Any] = context["Properties"]
        return properties
    return None


def inferred_policy_detail(action: str, resource_type: str, before: Any) -> str:
    """Explain what happens to the old physical resource of a Remove or replacement without PolicyAction."""
    if action == "Remove":
        stated = template_policy(before, "DeletionPolicy")
        if stated is not None:
            return f"no PolicyAction in this change set; the template's DeletionPolicy is {stated}"
        policy, why = default_deletion_policy(resource_type, context_properties(before))
        known = "" if before is not None else " (the change set has no BeforeContext to confirm the template)"
        return f"no PolicyAction in this change set; assumed DeletionPolicy {policy}: {why}{known}"
    stated = template_policy(before, "UpdateReplacePolicy")
    if stated is not None:
        return (
            "no PolicyAction in this change set; the template's UpdateReplacePolicy is "
            f"{stated} for the replaced resource"
        )
    known = "" if before is not None else " (the change set has no BeforeContext to confirm the template)"
    return (
        "no PolicyAction in this change set; assumed UpdateReplacePolicy Delete: CloudFormation "
        f"deletes the old physical resource after the replacement by default{known}"
    )


def policy_action_detail(policy_action: str) -> str:
    return {
        "Delete": "PolicyAction Delete: the physical resource and its data are deleted",
        "Retain": "PolicyAction Retain: the physical resource is kept, outside the stack",
        "Snapshot": "PolicyAction Snapshot: a snapshot is taken, then the physical resource is deleted",
        "ReplaceAndDelete": (
            "PolicyAction ReplaceAndDelete: a new resource replaces it; the old one is deleted"
        ),
        "ReplaceAndRetain": "PolicyAction ReplaceAndRetain: a new resource replaces it; the old one is kept",
        "ReplaceAndSnapshot": (
            "PolicyAction ReplaceAndSnapshot: a new resource replaces it; the old one is snapshotted, "
            "then deleted"
        ),
    }[policy_action]


def weakened(
    attribute: str,
    before: str | None,
    after: str | None,
    resource_type: str,
    properties: dict[str, Any] | None,
) -> bool:
    """True when the change lowers the protection of DeletionPolicy / UpdateReplacePolicy."""
    # UpdateReplacePolicy has no per-type exception: the old resource is deleted by default.
    is_deletion = attribute == "DeletionPolicy"
    default = default_deletion_policy(resource_type, properties)[0] if is_deletion else "Delete"
    # A value planlint does not know (a policy newer than this table) is assumed to have protected as much
    # as any before the change and as little as none after it: unknown is asked about, never passed.
    old = _STRENGTH.get(before or default, max(_STRENGTH.values()))
    new = _STRENGTH.get(after or default, 0)
    return new < old
