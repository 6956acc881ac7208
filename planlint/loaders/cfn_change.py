"""One CloudFormation `ResourceChange` into the change model: action, reason, policy, paths, values.

Field meanings follow the CloudFormation API reference (ResourceChange, ResourceChangeDetail,
ResourceTargetDefinition). Unknown enum values fail closed: a gate must not guess what a new value means.
"""

from __future__ import annotations

from typing import Any

import msgspec

from planlint.errors import InputError
from planlint.loaders import cfn_policy
from planlint.loaders.json_text import loads_strict
from planlint.model import Action, ReplaceOrder, ResourceChange, Values

CHANGE_ACTIONS = frozenset(("Add", "Modify", "Remove", "Import", "Dynamic", "SyncWithActual"))
REPLACEMENTS = frozenset(("True", "False", "Conditional"))
REQUIRES_RECREATION = frozenset(("Never", "Conditionally", "Always"))
NESTED_STACK_TYPE = "AWS::CloudFormation::Stack"
_POLICY_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")
_DRIFTED = frozenset(("MODIFIED", "DELETED"))


class Where(msgspec.Struct, frozen=True):
    """Where a change sits: its file and, for nested change sets, the stack path above it."""

    origin: str
    stack_path: tuple[str, ...] = ()  # logical ids of the nested stacks above, root first

    def address(self, logical_id: str) -> str:
        return "/".join((*self.stack_path, logical_id))

    @property
    def module(self) -> str | None:
        return "/".join(self.stack_path) or None


def text_field(obj: dict[str, Any], key: str, where: Where, what: str) -> str | None:
    """A string field that may be absent or null; any other type is malformed input."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{what}: {key} is {type(value).__name__}, expected a string", where.origin)


def convert(rc: dict[str, Any], where: Where) -> ResourceChange:
    """Turn one ResourceChange object into a ResourceChange record (raises InputError on unknown values)."""
    logical_id = text_field(rc, "LogicalResourceId", where, "a resource change")
    if not logical_id:
        raise InputError("a resource change has no LogicalResourceId", where.origin)
    what = f"resource {where.address(logical_id)}"
    resource_type = text_field(rc, "ResourceType", where, what)
    if not resource_type:
        raise InputError(f"{what} has no ResourceType", where.origin)
    action = text_field(rc, "Action", where, what)
    if action not in CHANGE_ACTIONS:
        raise InputError(
            f"{what}: unknown Action {action!r} (known: {', '.join(sorted(CHANGE_ACTIONS))}); "
            "refusing to guess what it does",
            where.origin,
        )
    replacement = text_field(rc, "Replacement", where, what)
    if replacement is not None and replacement not in REPLACEMENTS:
        raise InputError(f"{what}: unknown Replacement {replacement!r}", where.origin)
    policy_action = text_field(rc, "PolicyAction", where, what)
    if policy_action is not None and policy_action not in cfn_policy.POLICY_ACTIONS:
        raise InputError(f"{what}: unknown PolicyAction {policy_action!r}", where.origin)
    before = _context(rc, "BeforeContext", where, what)
    after = _context(rc, "AfterContext", where, what)
    targets = _targets(rc, where, what)
    physical_id = text_field(rc, "PhysicalResourceId", where, what)

    details: list[str] = []
    if action == "Modify":
        replacement = _strongest_replacement(replacement, rc, details)
    actions, reason, replace_order = _map_action(
        action,
        replacement=replacement,
        policy_action=policy_action,
        exists=(physical_id, before),
        where=where,
        what=what,
        details=details,
    )

    replace_paths = _replace_paths(targets, details) if "replace" in actions else ()
    if (
        reason is None
        and action == "Modify"
        and _policy_weakened(targets, _scope(rc, where, what), resource_type, (before, after), details)
    ):
        reason = "cfn_deletion_policy_removed"
    elif "replace" in actions:
        _policy_weakened(targets, _scope(rc, where, what), resource_type, (before, after), details)
    _policy_details(
        action,
        actions=actions,
        policy_action=policy_action,
        resource_type=resource_type,
        before=before,
        details=details,
    )
    _other_details(rc, resource_type=resource_type, action=action, where=where, what=what, details=details)

    return ResourceChange(
        address=where.address(logical_id),
        type=resource_type,
        platform="cloudformation",
        actions=actions,
        replace_order=replace_order,
        reason=reason,
        replace_paths=replace_paths,
        module=where.module,
        name=logical_id,
        policy_action=policy_action,
        physical_id=physical_id,
        details=tuple(details),
        values=Values.of(before, after),
    )


def _map_action(
    action: str,
    *,
    replacement: str | None,
    policy_action: str | None,
    exists: tuple[str | None, Any],
    where: Where,
    what: str,
    details: list[str],
) -> tuple[tuple[Action, ...], str | None, ReplaceOrder | None]:
    """Action + Replacement -> (actions, reason, replace order); Replacement counts only for Modify."""
    if action == "Add":
        if replacement == "True":
            details.append("Replacement True on an Add is how CloudFormation reports a new resource")
        return ("create",), None, None
    if action == "Remove":
        # PolicyAction Retain: the resource leaves the stack and is kept, like Terraform's forget
        return (("forget",) if policy_action == "Retain" else ("delete",)), "cfn_remove", None
    if action == "Import":
        return ("import",), None, None
    if action == "SyncWithActual":
        details.append("SyncWithActual: only CloudFormation's record of the resource changes")
        return ("update",), None, None
    if action == "Dynamic":  # "exact action for the resource can't be determined" (API reference)
        return _dynamic(replacement, exists, details)
    if replacement is None:
        raise InputError(f"{what}: Modify without Replacement; cannot tell if it is replaced", where.origin)
    if replacement == "False" and not (policy_action or "").startswith("Replace"):
        return ("update",), None, None
    if replacement == "False":
        details.append(f"Replacement False but PolicyAction {policy_action}: judged as a replacement")
        return ("replace",), "cfn_replacement_conditional", "unknown"
    if replacement == "Conditional":
        details.append(
            "Replacement Conditional: CloudFormation decides at execution; judged as a replacement"
        )
        return ("replace",), "cfn_replacement_conditional", "unknown"
    return ("replace",), "cfn_replacement_true", "unknown"


# Replacement "depends on the change with the most impact": RequiresRecreation Always with Evaluation
# Static makes it True, Always with Dynamic or Conditionally makes it Conditional (API reference,
# ResourceChange.Replacement and ResourceTargetDefinition.RequiresRecreation).
_REPLACEMENT_RANK = {None: 0, "False": 0, "Conditional": 1, "True": 2}


def _strongest_replacement(replacement: str | None, rc: dict[str, Any], details: list[str]) -> str | None:
    """Replacement, raised to what a Details entry's RequiresRecreation implies when that is stronger:
    a change set saying both is contradictory, and the gate takes the more destructive reading."""
    implied, cause = replacement, ""
    for detail in rc.get("Details") or []:  # shape checked by _targets
        target = detail["Target"]
        requires = target.get("RequiresRecreation")
        if requires == "Always" and detail.get("Evaluation") == "Static":
            candidate = "True"
        elif requires in ("Always", "Conditionally"):
            candidate = "Conditional"
        else:
            continue
        if _REPLACEMENT_RANK[candidate] > _REPLACEMENT_RANK[implied]:
            implied = candidate
            cause = f"{target.get('Name') or target.get('Attribute')} RequiresRecreation {requires}"
    if implied != replacement and replacement is not None:
        details.append(f"Replacement {replacement}, yet {cause}: judged as Replacement {implied}")
    return implied if replacement is not None else replacement


def _dynamic(
    replacement: str | None, exists: tuple[str | None, Any], details: list[str]
) -> tuple[tuple[Action, ...], str | None, ReplaceOrder | None]:
    # CloudFormation itself cannot say whether a Dynamic change adds, modifies, replaces or removes the
    # resource. For a resource that does not exist yet nothing can be lost, so it is a create. For an
    # existing one the worst outcome is losing it, so it is judged as a replacement: a gate that
    # under-reports here would pass a possible deletion of a database.
    if exists == (None, None) and replacement in (None, "False"):
        details.append("Action Dynamic on a resource that does not exist yet: judged as a create")
        return ("create",), None, None
    details.append(
        "Action Dynamic: CloudFormation cannot tell yet whether it modifies, replaces or removes this "
        "resource; judged as a replacement (the most destructive outcome)"
    )
    reason = "cfn_replacement_true" if replacement == "True" else "cfn_replacement_conditional"
    return ("replace",), reason, "unknown"


def _context(rc: dict[str, Any], key: str, where: Where, what: str) -> Any:
    """BeforeContext/AfterContext: a JSON string from the API, already an object in some snapshots."""
    value = rc.get(key)
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str):
        return loads_strict(value, where.origin, f"{what}: {key} is")
    raise InputError(f"{what}: {key} is {type(value).__name__}, expected a JSON string", where.origin)


class _Target(msgspec.Struct, frozen=True):
    attribute: str | None
    path: str
    requires_recreation: str | None
    change_type: str | None
    before: str | None
    after: str | None
    cause: str


def _targets(rc: dict[str, Any], where: Where, what: str) -> list[_Target]:
    raw = rc.get("Details")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError(f"{what}: Details is not a list", where.origin)
    targets: list[_Target] = []
    for detail in raw:
        target = detail.get("Target") if isinstance(detail, dict) else None
        if not isinstance(target, dict):
            raise InputError(f"{what}: a Details entry has no Target object", where.origin)
        requires = text_field(target, "RequiresRecreation", where, what)
        if requires is not None and requires not in REQUIRES_RECREATION:
            raise InputError(f"{what}: unknown RequiresRecreation {requires!r}", where.origin)
        attribute = text_field(target, "Attribute", where, what)
        targets.append(
            _Target(
                attribute=attribute,
                path=_path_text(
                    attribute,
                    text_field(target, "Name", where, what),
                    text_field(target, "Path", where, what),
                ),
                requires_recreation=requires,
                change_type=text_field(target, "AttributeChangeType", where, what),
                before=_value_text(target.get("BeforeValue")),
                after=_value_text(target.get("AfterValue")),
                cause=_cause(detail, where, what),
            )
        )
    return targets


def _value_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _path_text(attribute: str | None, name: str | None, path: str | None) -> str:
    """Properties + KeyName -> Properties.KeyName; /Properties/Tags/1/Key -> Properties.Tags[1].Key."""
    if name:
        return f"{attribute}.{name}" if attribute else name
    if path:
        text = ""
        for step in path.strip("/").split("/"):
            text += f"[{step}]" if step.isdigit() else (f".{step}" if text else step)
        return text
    return attribute or "(unnamed attribute)"


def _cause(detail: dict[str, Any], where: Where, what: str) -> str:
    source = text_field(detail, "ChangeSource", where, what)
    entity = text_field(detail, "CausingEntity", where, what)
    evaluation = text_field(detail, "Evaluation", where, what)
    words = {
        "DirectModification": "template change",
        "ParameterReference": "parameter",
        "ResourceReference": "resource",
        "ResourceAttribute": "attribute of",
        "Automatic": "nested stack update",
        "NoModification": "no template change",
    }
    text = words.get(source or "", source or "change")
    if entity:
        text += f" {entity}"
    if evaluation == "Dynamic":
        text += ", decided at execution"
    return text


def _replace_paths(targets: list[_Target], details: list[str]) -> tuple[str, ...]:
    paths: dict[str, str] = {}  # path -> strongest RequiresRecreation
    causes: dict[str, list[str]] = {}
    for target in targets:
        requires = target.requires_recreation
        if requires not in ("Always", "Conditionally") or requires is None:
            continue
        if paths.get(target.path) != "Always":
            paths[target.path] = requires
        causes.setdefault(target.path, [])
        if target.cause not in causes[target.path]:
            causes[target.path].append(target.cause)
    for path, requires in paths.items():
        details.append(f"{path} requires recreation ({requires}); caused by {'; '.join(causes[path])}")
    return tuple(paths)


def _scope(rc: dict[str, Any], where: Where, what: str) -> tuple[str, ...]:
    scope = rc.get("Scope")
    if scope is None:
        return ()
    if not isinstance(scope, list) or not all(isinstance(item, str) for item in scope):
        raise InputError(f"{what}: Scope is not a list of attribute names", where.origin)
    return tuple(scope)


def _policy_weakened(
    targets: list[_Target],
    scope: tuple[str, ...],
    resource_type: str,
    contexts: tuple[Any, Any],
    details: list[str],
) -> bool:
    """Detect a DeletionPolicy/UpdateReplacePolicy change that lowers protection (Retain/Snapshot dropped)."""
    found = False
    before, after = contexts
    properties = cfn_policy.context_properties(before)
    for attribute in _POLICY_ATTRIBUTES:
        changed = [t for t in targets if t.attribute == attribute]
        if not changed and attribute not in scope:
            continue
        old = cfn_policy.template_policy(before, attribute)
        new = cfn_policy.template_policy(after, attribute)
        for target in changed:
            old = target.before or old
            new = None if target.change_type == "Remove" else (target.after or new)
        if old is None and new is None and before is None and after is None:
            # Created without --include-property-values: the direction of the change is unknown.
            details.append(
                f"{attribute} changes but the change set has no values (create it with "
                "--include-property-values); judged as weakened protection"
            )
            found = True
        elif cfn_policy.weakened(attribute, old, new, resource_type, properties):
            details.append(
                f"{attribute} {old or 'default'} -> {new or 'removed (default)'}: protection weakened"
            )
            found = True
    return found


def _policy_details(
    action: str,
    *,
    actions: tuple[Action, ...],
    policy_action: str | None,
    resource_type: str,
    before: Any,
    details: list[str],
) -> None:
    if policy_action is not None:
        details.append(cfn_policy.policy_action_detail(policy_action))
    elif action == "Remove":
        details.append(cfn_policy.inferred_policy_detail("Remove", resource_type, before))
    elif "replace" in actions:
        details.append(cfn_policy.inferred_policy_detail("Modify", resource_type, before))


def _other_details(
    rc: dict[str, Any], *, resource_type: str, action: str, where: Where, what: str, details: list[str]
) -> None:
    if resource_type == NESTED_STACK_TYPE and action in ("Remove", "Dynamic"):
        details.append(
            "a whole nested stack: every resource in it goes with it (each per its DeletionPolicy)"
        )
    nested = text_field(rc, "ChangeSetId", where, what)
    if nested:
        details.append(f"nested change set {nested}")
    drift = text_field(rc, "ResourceDriftStatus", where, what)
    if drift in _DRIFTED:
        details.append(f"drifted ({drift}) outside CloudFormation; this change set acts on the actual state")
    module = rc.get("ModuleInfo")
    if isinstance(module, dict) and module.get("TypeHierarchy"):
        details.append(
            f"from CloudFormation module {module.get('TypeHierarchy')} ({module.get('LogicalIdHierarchy')})"
        )


def is_drifted(rc: dict[str, Any]) -> bool:
    drift = rc.get("ResourceDriftStatus")
    return isinstance(drift, str) and drift in _DRIFTED
