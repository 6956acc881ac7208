"""`planlint diff OLD NEW`: predict what CloudFormation would delete or replace from two templates.

Removed logical ids -> delete (`cfn_remove`); a removed id whose type and properties reappear under
a new id -> renamed: delete (`cfn_logical_id_renamed`) + create; a changed property listed in
cfn-lint's bundled resource schema as `createOnlyProperties` -> replace (`cfn_replacement_true`),
`conditionalCreateOnlyProperties` -> may replace (`cfn_replacement_conditional`, judged as a
replacement like a real change set's Conditional); a DeletionPolicy/UpdateReplacePolicy no longer
keeping data -> `cfn_deletion_policy_removed`. Fn::ForEach loops over literal lists are expanded to
the logical ids they generate. A fate that hangs on a condition, a parameter, an unexpanded loop, a
transform or a module is judged in `fate` (a certain delete, or the worst case with what is not
resolved named). These are predictions from the templates; AWS's change set remains the authority.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from planlint.model import Action, Plan, ResourceChange, SourceLocation, Values
from planlint.templates.check import KEEPS_DATA, TEMPLATE_FORMAT
from planlint.templates.decode import Template, TemplateResource
from planlint.templates.fate import Fate, existence, generated, loop_fate, replacement
from planlint.templates.resolve import expand, loop_items, loops_changed, substitute

DIFF_NOTE = (
    "predicted from templates (old vs new), not AWS's change set: a change that hangs on a parameter's "
    "value, a condition, a transform or a module planlint cannot resolve is judged as the worst case and "
    "names what is not resolved; create a change set for the authoritative answer"
)
SCHEMA_REGION = "us-east-1"  # resource schemas differ little by region; us-east-1 has every type first
_MISSING: Any = object()


class CreateOnly(msgspec.Struct, frozen=True):
    """A type's property paths that force replacement, from its CloudFormation resource schema."""

    always: tuple[tuple[str, ...], ...]
    conditional: tuple[tuple[str, ...], ...]


def create_only(resource_type: str) -> CreateOnly | None:
    """createOnlyProperties / conditionalCreateOnlyProperties from cfn-lint's bundled schemas; None if unknown."""
    from planlint.templates.schemas import resource_schema

    schema = resource_schema(SCHEMA_REGION, resource_type)
    if schema is None:
        return None
    return CreateOnly(
        tuple(_pointer(p) for p in schema.get("createOnlyProperties", ()) if isinstance(p, str)),
        tuple(_pointer(p) for p in schema.get("conditionalCreateOnlyProperties", ()) if isinstance(p, str)),
    )


def _pointer(pointer: str) -> tuple[str, ...]:
    """`/properties/KeySchema/0` -> ("KeySchema", "0")."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/") if p]
    return tuple(parts[1:] if parts and parts[0] == "properties" else parts)


def value_at(value: Any, path: tuple[str, ...]) -> Any:
    """The value at a schema path; `*` compares the whole collection below it."""
    for step in path:
        if step == "*":
            return value
        if isinstance(value, dict):
            value = value.get(step, _MISSING)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def forcing_paths(
    old: Mapping[str, Any], new: Mapping[str, Any], paths: Sequence[tuple[str, ...]]
) -> tuple[str, ...]:
    return tuple(".".join(p) for p in paths if value_at(old, p) != value_at(new, p))


def diff_templates(old: Template, new: Template) -> Plan:
    """The predicted changes between two templates, as a Plan the rules and the gate judge."""
    old, new = _expanded(old), _expanded(new)
    old_ids, new_ids = old.by_id(), new.by_id()
    unfixed = {  # loops over a collection planlint cannot list (a parameter, a function)
        loop.name
        for template in (old, new)
        for r in template.resources
        if r.loops and expand(template, r) is None
        for loop in r.loops
    }
    removed = [r for r in old.resources if r.logical_id not in new_ids]
    added = [r for r in new.resources if r.logical_id not in old_ids]
    asked = {r.logical_id for r in removed if any(loop.name in unfixed for loop in r.loops)}
    renamed = _renames([r for r in removed if r.logical_id not in asked], added)
    changes: list[ResourceChange] = []
    for resource in removed:
        target = renamed.get(resource.logical_id)
        if resource.logical_id in asked:  # its loop now iterates over something planlint cannot list
            gone = {loop.name: None for loop in resource.loops if loop.name in unfixed}
            changes.append(_fated(resource, old, loop_fate(gone), before=resource))
            continue
        detail = (
            f"logical id renamed to {target.logical_id}: CloudFormation deletes {resource.logical_id} "
            f"and creates {target.logical_id}"
            if target
            else "logical id removed from the template"
        )
        change = _change(
            resource,
            old,
            ("delete",),
            "cfn_logical_id_renamed" if target else "cfn_remove",
            (detail,),
            policy=_delete_policy(resource.deletion_policy),
            before=resource,
        )
        if target is not None:  # point the reader at the new id in the new template, where the rename is
            change = msgspec.structs.replace(
                change, source=SourceLocation(new.path, target.line, target.end_line)
            )
        changes.append(change)
    renamed_to = {t.logical_id for t in renamed.values()}
    for resource in added:
        detail = "new logical id of a renamed resource" if resource.logical_id in renamed_to else "added"
        changes.append(_change(resource, new, ("create",), None, (detail,), after=resource))
    for resource in new.resources:
        before = old_ids.get(resource.logical_id)
        if before is not None:
            changes.extend(_modified(before, resource, old, new))
    return Plan(
        origin=new.path,
        format=TEMPLATE_FORMAT,
        tool=TEMPLATE_FORMAT,
        tool_version=None,
        format_version=None,
        changes=tuple(changes),
        scope="",
        input_sha256=new.sha256,
        notes=tuple(dict.fromkeys((DIFF_NOTE, f"old template: {old.path}", *old.notes, *new.notes))),
    )


def _renames(
    removed: Sequence[TemplateResource], added: Sequence[TemplateResource]
) -> dict[str, TemplateResource]:
    pairs: dict[str, TemplateResource] = {}
    free = list(added)
    for resource in removed:
        match = next(
            (a for a in free if a.type == resource.type and a.properties == resource.properties), None
        )
        if match is not None:
            pairs[resource.logical_id] = match
            free.remove(match)
    return pairs


def _expanded(template: Template) -> Template:
    """The template with Fn::ForEach resources under the logical ids their literal collections generate."""
    if not any(r.loops for r in template.resources):
        return template
    resources: list[TemplateResource] = []
    notes = list(template.notes)
    for resource in template.resources:
        copies = expand(template, resource) if resource.loops else None
        if copies is None:
            resources.append(resource)
            continue
        note = (
            f"{FOREACH}{resource.loops[-1].name}: judged once per resource template, not per collection item"
        )
        notes = [n for n in notes if n != note]
        resources.extend(
            msgspec.structs.replace(resource, logical_id=i, properties=substitute(resource.properties, bound))
            for i, bound in copies
        )
    return msgspec.structs.replace(template, resources=tuple(resources), notes=tuple(notes))


FOREACH = "Fn::ForEach::"


def _fate(
    old_template: Template, new_template: Template, old: TemplateResource, new: TemplateResource
) -> Fate | None:
    """The worst case when the resource's fate hangs on what the templates do not resolve (`fate`)."""
    fate = existence(old_template, new_template, old, new)
    was = {loop.name: loop.collection for loop in old.loops}
    loops = {
        loop.name: (was.get(loop.name), loop.collection)
        for loop in new.loops
        if loop_items(new_template, loop.collection) is None
    }
    if fate is None and (changed := loops_changed(old_template, new_template, loops)):
        fate = loop_fate(dict.fromkeys(changed))
    if fate is not None or old.type != new.type:
        return fate
    edited = old.properties != new.properties
    inputs_changed = (
        old_template.parameters != new_template.parameters
        or old_template.conditions != new_template.conditions
    )
    if not (edited or inputs_changed):
        return None
    schema = create_only(new.type)
    if edited:
        if schema and forcing_paths(old.properties, new.properties, schema.always + schema.conditional):
            return None  # a create-only property written differently: a replacement judged below
        fate = generated(new_template, new, schema is not None)
    if fate is None and schema is not None and inputs_changed:
        fate = replacement(old_template, new_template, old, new, schema.always + schema.conditional)
    return fate


def _fated(resource: TemplateResource, template: Template, fate: Fate, **sides: Any) -> ResourceChange:
    policy = (
        _delete_policy(resource.deletion_policy)
        if fate.action == "delete"
        else _replace_policy(resource.update_replace_policy)
    )
    change = _change(
        resource,
        template,
        (fate.action,),
        fate.reason,
        (fate.detail,),
        policy=policy,
        paths=fate.paths,
        **sides,
    )
    return msgspec.structs.replace(change, unresolved=fate.unresolved)


def _modified(
    old: TemplateResource, new: TemplateResource, old_template: Template, template: Template
) -> list[ResourceChange]:
    changes: list[ResourceChange] = []
    action: Action | None = None
    reason: str | None = None
    paths: tuple[str, ...] = ()
    details: list[str] = []
    fate = _fate(old_template, template, old, new)
    if fate is not None:
        changes.append(_fated(new, template, fate, before=old, after=new))
    elif old.type != new.type:
        action, reason, paths = "replace", "cfn_replacement_true", ("Type",)
        details.append(f"Type changed from {old.type}: a different resource is created")
    elif old.properties != new.properties:
        schema = create_only(new.type)
        always = forcing_paths(old.properties, new.properties, schema.always) if schema else ()
        conditional = forcing_paths(old.properties, new.properties, schema.conditional) if schema else ()
        if always:
            action, reason, paths = "replace", "cfn_replacement_true", always
            details.append(f"createOnlyProperties changed: {', '.join(always)}")
        elif conditional:
            action, reason, paths = "replace", "cfn_replacement_conditional", conditional
            details.append(
                f"conditionalCreateOnlyProperties changed: {', '.join(conditional)} "
                "(CloudFormation decides at execution)"
            )
        else:
            action = "update"  # (a type without a schema is asked about in `_fate`)
    if action is not None:
        policy = _replace_policy(new.update_replace_policy) if action == "replace" else None
        changes.append(
            _change(
                new,
                template,
                (action,),
                reason,
                tuple(details),
                policy=policy,
                paths=paths,
                before=old,
                after=new,
            )
        )
    weakened = [
        name
        for name, was, now in (
            ("DeletionPolicy", old.deletion_policy, new.deletion_policy),
            ("UpdateReplacePolicy", old.update_replace_policy, new.update_replace_policy),
        )
        if was in KEEPS_DATA[name] and now not in KEEPS_DATA[name]
    ]
    if weakened:
        text = ", ".join(
            f"{n} {getattr(old, _FIELD[n])} -> {getattr(new, _FIELD[n]) or 'removed'}" for n in weakened
        )
        changes.append(
            _change(
                new,
                template,
                ("update",),
                "cfn_deletion_policy_removed",
                (f"protection weakened: {text}",),
                before=old,
                after=new,
            )
        )
    return changes


_FIELD = {"DeletionPolicy": "deletion_policy", "UpdateReplacePolicy": "update_replace_policy"}


def _delete_policy(value: str | None) -> str | None:
    if value in ("Retain", "RetainExceptOnCreate"):
        return "Retain"
    return value if value in ("Snapshot", "Delete") else None


def _replace_policy(value: str | None) -> str | None:
    return {"Retain": "ReplaceAndRetain", "Snapshot": "ReplaceAndSnapshot", "Delete": "ReplaceAndDelete"}.get(
        value or ""
    )


def _values(resource: TemplateResource | None) -> dict[str, Any] | None:
    if resource is None:
        return None
    return {
        "Type": resource.type,
        "Properties": dict(resource.properties),
        "DeletionPolicy": resource.deletion_policy,
        "UpdateReplacePolicy": resource.update_replace_policy,
    }


def _change(
    resource: TemplateResource,
    template: Template,
    actions: tuple[Action, ...],
    reason: str | None,
    details: tuple[str, ...],
    *,
    policy: str | None = None,
    paths: tuple[str, ...] = (),
    before: TemplateResource | None = None,
    after: TemplateResource | None = None,
) -> ResourceChange:
    return ResourceChange(
        address=resource.logical_id,
        type=resource.type,
        platform="cloudformation",
        actions=actions,
        replace_order="create_first" if "replace" in actions else None,
        reason=reason,
        replace_paths=paths,
        name=resource.logical_id,
        policy_action=policy,
        details=details,
        source=SourceLocation(template.path, resource.line, resource.end_line),
        values=Values.of(_values(before), _values(after)),
    )
