"""Pulumi previews (`pulumi preview --json`, `pulumi destroy --preview-only --json`) into the change model.

The document is Pulumi's `PreviewDigest` (pulumi/pulumi `pkg/display/json.go`, written by
`pkg/backend/display/json.go` `ShowPreviewDigest`): `config`, `steps[]`, `diagnostics[]`, `duration`,
`changeSummary`, `maybeCorrupt`. Each step has `op` (the engine's step ops, `pkg/resource/deploy/step.go`),
`urn`, `provider`, `oldState`/`newState` (`apitype.ResourceV3`: `type`, `custom`, `inputs`, `outputs`,
`protect`, `retainOnDelete`, `deletedWith`, `external`, ...), `diffReasons`, `replaceReasons`, `detailedDiff`.

Pulumi hides sames (unless `--show-sames`) and the physical halves of a replacement (`create-replacement`,
`delete-replaced`, unless `--show-replacement-steps`); when the halves are present they are folded into
the one `replace` of their URN. Secrets arrive already blinded as "[secret]".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from planlint.errors import InputError
from planlint.loaders.pulumi_steps import Group, Step, check_change_summary, group_steps
from planlint.model import REDACTED, Action, Plan, PlanFacts, ReplaceOrder, ResourceChange, Values

# op -> (normalised actions, reason). Source: pkg/resource/deploy/step.go `const (OpSame ...)`.
STEP_OPS: dict[str, tuple[tuple[Action, ...], str | None]] = {
    "same": (("no-op",), None),
    "create": (("create",), None),
    "update": (("update",), None),
    "delete": (("delete",), None),
    "replace": (("replace",), None),
    "create-replacement": (("replace",), None),  # physical half of a replace
    "delete-replaced": (("replace",), None),  # physical half of a replace
    "read": (("read",), None),
    # An owned resource becomes a read (external) one: Pulumi deletes the owned resource it managed.
    "read-replacement": (("replace",), "pulumi_read_replacement"),
    "refresh": (("read",), None),
    # A read (external) resource leaves the stack; Pulumi never owned it, so nothing is deleted.
    "discard": (("forget",), None),
    "discard-replaced": (("forget",), None),
    # The old half of an interrupted delete-before-replace leaves state; the cloud object is already gone.
    "remove-pending-replace": (("forget",), "pulumi_pending_replace_removed"),
    "import": (("import",), None),
    # An existing resource is replaced by an imported one: the old one is deleted.
    "import-replacement": (("import", "replace"), "pulumi_import_replacement"),
    "diff": (("no-op",), None),  # `pulumi import --preview-only` compares, changes nothing
    "extend-parameterize": (("no-op",), None),  # provider parameterization, no resource changes
}
DOCUMENT_KEYS = frozenset(("config", "steps", "diagnostics", "duration", "changeSummary", "maybeCorrupt"))
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's secret signature key, if an unblinded one slips in
# Pulumi writes a value unknown until the update runs as this string (sdk/nodejs/runtime/rpc.ts
# `unknownValue`); it becomes null, as Terraform leaves an unknown value out of `after`.
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_URN = re.compile(r"^urn:pulumi:(?P<stack>[^:]*)::(?P<project>[^:]*)::(?P<qtype>.+?)::(?P<name>.*)$", re.S)

# Reason codes this loader sets for weakened protection (rule PL070).
PROTECT_REMOVED = "pulumi_protect_removed"
RETAIN_REMOVED = "pulumi_retain_on_delete_removed"
PROTECT_IGNORED = "pulumi_protect_ignored"


def is_preview(doc: Any) -> bool:
    """A `pulumi preview --json` document: only PreviewDigest keys, with steps whose URNs are Pulumi's."""
    if not isinstance(doc, dict) or not doc or not set(doc) <= DOCUMENT_KEYS:
        return False
    if "steps" not in doc and "changeSummary" not in doc:
        return False
    steps = doc.get("steps") or []
    return isinstance(steps, list) and all(
        isinstance(s, dict) and str(s.get("urn", "")).startswith("urn:pulumi:") for s in steps[:5]
    )


def streaming_events_reason(data: bytes) -> str | None:
    """Why a JSON-lines file is Pulumi's event stream instead of one preview document, or None."""
    first, _, rest = data.partition(b"\n")
    if not rest.strip():
        return None  # one line: not a stream of events
    try:
        event = json.loads(first)
    except (ValueError, RecursionError):
        return None
    if isinstance(event, dict) and "sequence" in event and "timestamp" in event:
        return (
            "is Pulumi's JSON event stream (one event per line, from `pulumi up --json` or "
            "PULUMI_ENABLE_STREAMING_JSON_PREVIEW), not a preview; run `pulumi preview --json` "
            "without PULUMI_ENABLE_STREAMING_JSON_PREVIEW and pass its output"
        )
    return None


def load_pulumi(doc: Mapping[str, Any], origin: str, sha256: str) -> Plan:
    """Normalise a Pulumi preview; refuse failed, incomplete or unrecognised ones (InputError, exit 2)."""
    steps = [_step(raw, i, origin) for i, raw in enumerate(_list(doc, "steps", origin))]
    _refuse_untrustworthy(doc, steps, origin)
    deleting = {s.urn for s in steps if s.op == "delete"}
    changes: list[ResourceChange] = []
    hidden = 0
    for group in group_steps(steps, origin):
        for step, actions, reason in _judged_steps(group):
            if _is_hidden(step):
                hidden += step.op != "same"
                continue
            changes.append(_change(step, actions, reason, group, deleting))
    # the stack's own step (Pulumi writes exactly one): a delete of it is `pulumi destroy`
    stack_ops = {s.op for s in steps if s.type == ROOT_STACK_TYPE}
    scope = _scope(steps)
    managed = [c for c in changes if c.actions != ("no-op",)]
    notes = (
        [f"{hidden} component resource(s), provider(s) or the stack itself change; not listed"]
        if hidden
        else []
    )
    return Plan(
        origin=origin,
        format="pulumi",
        tool="pulumi",
        tool_version=None,
        format_version=None,
        changes=tuple(changes),
        facts=PlanFacts(
            complete=True,
            applyable=True,
            destroy_mode="delete" in stack_ops
            and bool(managed)
            and all(c.actions in (("delete",), ("forget",)) for c in managed),
        ),
        scope=scope,
        input_sha256=sha256,
        notes=tuple(notes),
    )


def _list(doc: Mapping[str, Any], key: str, origin: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"`{key}` is not a list; not a `pulumi preview --json` document", origin)
    return value


def _step(raw: Any, position: int, origin: str) -> Step:
    if not isinstance(raw, dict) or not isinstance(raw.get("op"), str) or not isinstance(raw.get("urn"), str):
        raise InputError(f"steps[{position}] has no `op` and `urn`; not a Pulumi preview step", origin)
    op, urn = raw["op"], raw["urn"]
    if op not in STEP_OPS:
        raise InputError(
            f"steps[{position}] ({urn}): unknown op {op!r}; planlint will not guess what it does", origin
        )
    match = _URN.match(urn)
    if match is None:
        raise InputError(f"steps[{position}]: {urn!r} is not a Pulumi URN", origin)
    old, new = raw.get("oldState") or {}, raw.get("newState") or {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        raise InputError(f"steps[{position}] ({urn}): oldState/newState is not an object", origin)
    _check_custom(old, new, f"steps[{position}] ({urn})", origin)
    # The URN ends in the resource's own type (parents' types before `$`), the same `type` its states carry.
    type_ = match["qtype"].rsplit("$", 1)[-1]
    reasons = raw.get("replaceReasons") or []
    return Step(
        position=position,
        op=op,
        urn=urn,
        type=str(type_),
        old=old,
        new=new,
        replace_reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
        provider=raw.get("provider") if isinstance(raw.get("provider"), str) else None,
    )


def _check_custom(old: Mapping[str, Any], new: Mapping[str, Any], where: str, origin: str) -> None:
    """`custom: false` (a component) must not hide a provider's resource: a resource's custom-ness follows
    from its type, which its URN fixes, and only a custom resource has a provider-assigned `id`
    (`apitype.ResourceV3`); a step saying otherwise is contradictory and refused."""
    if old and new and old.get("custom", True) is not new.get("custom", True):
        raise InputError(
            f"{where}: oldState and newState disagree on `custom`; refusing a contradictory step", origin
        )
    for state in (old, new):
        if state.get("custom") is False and state.get("id"):
            raise InputError(
                f"{where}: `custom: false` (a component), yet it has a provider-assigned id "
                f"{str(state['id'])[:80]!r}, which only a custom resource has; refusing a contradictory step",
                origin,
            )


def _refuse_untrustworthy(doc: Mapping[str, Any], steps: Sequence[Step], origin: str) -> None:
    """An error diagnostic, a corrupt or unfinished preview is refused, like an errored Terraform plan;
    so is one without any step (every preview Pulumi writes has the stack's own)."""
    errors = [
        d for d in _list(doc, "diagnostics", origin) if isinstance(d, dict) and d.get("severity") == "error"
    ]
    if errors:
        first = " ".join(str(errors[0].get("message", "")).split())[:300]
        message = f"the preview failed ({len(errors)} error diagnostic(s)): {first}"
        protected = [s.urn for s in steps if s.op == "delete" and s.old.get("protect") is True]
        if protected:
            message += (
                f". Protected resource(s) cannot be deleted, so `pulumi up` would fail too: "
                f"{', '.join(protected[:3])} (remove `protect` in the program or run `pulumi state unprotect`)"
            )
        raise InputError(message + "; fix the errors and preview again", origin)
    if doc.get("maybeCorrupt") is True:
        raise InputError(
            "the preview says its state may be corrupt (maybeCorrupt: true); repair the stack first", origin
        )
    summary = doc.get("changeSummary")
    if not isinstance(summary, dict) or not summary:
        raise InputError(
            "the preview is incomplete (no changeSummary): Pulumi did not finish it (cancelled or cut "
            "short), so it may not list every change; preview again",
            origin,
        )
    if not steps:
        # ShowPreviewDigest always writes the root stack's step (`isRootStack`), hidden sames or not.
        raise InputError(
            "the preview lists no steps, not even the stack itself, which Pulumi always writes: steps "
            "were removed or cut, so it may not list every change; preview again",
            origin,
        )
    check_change_summary(summary, steps, origin)


# An old copy pending deletion is deleted (or, when Pulumi never owned it, discarded).
PENDING_COPY_OPS: dict[str, tuple[tuple[Action, ...], str | None]] = {
    "delete": (("delete",), None),
    "delete-replaced": (("delete",), None),
    "discard-replaced": (("forget",), None),
    "remove-pending-replace": STEP_OPS["remove-pending-replace"],
}


def _judged_steps(group: Group) -> list[tuple[Step, tuple[Action, ...], str | None]]:
    """Every step of a URN that is judged, with its actions and reason: the logical step (its op read
    through its replacement's new half when shown), then each old copy pending deletion."""
    judged: list[tuple[Step, tuple[Action, ...], str | None]] = []
    if group.logical is not None:
        judged.append((group.logical, *STEP_OPS[(group.new_half or group.logical).op]))
    judged.extend((s, *PENDING_COPY_OPS[s.op]) for s in group.pending)
    return judged


def _is_hidden(step: Step) -> bool:
    """The stack itself, a provider or a component resource: nothing in the cloud of its own."""
    state = step.new or step.old
    component = state.get("custom", True) is False
    return step.type == ROOT_STACK_TYPE or component or step.type.startswith("pulumi:providers:")


def _change(
    lead: Step, actions: tuple[Action, ...], reason: str | None, group: Group, deleting: set[str]
) -> ResourceChange:
    order: ReplaceOrder | None = None
    details: list[str] = []
    policy_action: str | None = None
    deposed: str | None = None
    if lead in group.pending:
        deposed = str(lead.old.get("id") or "unknown id")
        details.append(
            f"an old copy (id {deposed}) left pending deletion by an earlier replacement; "
            f"Pulumi {'deletes' if 'delete' in actions else 'drops'} it ({lead.op})"
        )
    elif "replace" in actions:
        order = _replace_order(group)
    if "delete" in actions and lead.old.get("retainOnDelete") is True:
        actions, reason = ("forget",), None
        details.append(
            "retainOnDelete: Pulumi removes it from the stack and leaves the cloud resource in place"
        )
    if "replace" in actions and lead.old.get("retainOnDelete") is True:
        policy_action = "retainOnDelete"
        details.append("retainOnDelete: the replaced resource is left in place, not deleted")
    deleted_with = lead.old.get("deletedWith")
    if "delete" in actions and isinstance(deleted_with, str) and deleted_with:
        parent = "which is deleted in this preview" if deleted_with in deleting else "which stays"
        details.append(f"deletedWith {deleted_with} ({parent}): it goes when that resource goes")
    reason = _protection_reason(lead, actions) or reason
    if reason == PROTECT_IGNORED:
        details.append("protect: true, yet the preview deletes it: it was made with --ignore-protect")
    match = _URN.match(lead.urn)
    assert match is not None  # checked in _step
    qtype = match["qtype"]
    parents = qtype.rsplit("$", 1)[0] if "$" in qtype else None
    address = f"{qtype.rsplit('$', 1)[-1]}::{match['name']}"
    return ResourceChange(
        address=address if deposed is None else f"{address} (pending deletion {deposed})",
        type=lead.type,
        platform="pulumi",
        actions=actions,
        replace_order=order,
        reason=reason,
        replace_paths=lead.replace_reasons,
        module=parents,
        name=match["name"],
        mode="data" if lead.op in ("read", "refresh") else "managed",
        provider=lead.provider,
        policy_action=policy_action,
        physical_id=str(lead.old["id"]) if lead.old.get("id") else None,
        deposed=deposed,
        details=tuple(details),
        values=PulumiValues(_properties(lead.old), _properties(lead.new)),
    )


def _replace_order(group: Group) -> ReplaceOrder:
    """Known only when the physical halves are in the preview (`--show-replacement-steps`)."""
    if group.new_half is not None and group.old_halves:
        first_create = group.new_half.position < group.old_halves[0].position
        return "create_first" if first_create else "delete_first"
    return "unknown"


def _protection_reason(step: Step, actions: tuple[Action, ...]) -> str | None:
    """Weakened protection: `protect` or `retainOnDelete` turned off, or a protected resource deleted anyway."""
    old, new = step.old, step.new
    if "delete" in actions and old.get("protect") is True:
        return PROTECT_IGNORED  # Pulumi refuses this delete (an error diagnostic) unless --ignore-protect
    if new and old.get("protect") is True and new.get("protect") is not True:
        return PROTECT_REMOVED
    if new and old.get("retainOnDelete") is True and new.get("retainOnDelete") is not True:
        return RETAIN_REMOVED
    return None


def _scope(steps: Sequence[Step]) -> str:
    """`project/stack` from the URNs (a Pulumi approval is bound to its stack)."""
    for step in steps:
        match = _URN.match(step.urn)
        if match is not None:
            return f"{match['project']}/{match['stack']}"
    return ""


def _properties(state: Mapping[str, Any]) -> Any:
    if not state:
        return None
    props = state.get("inputs") or state.get("outputs")
    return props if isinstance(props, dict) else {}


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    """`deletionProtection` -> `deletion_protection`: Pulumi's bridged providers camel-case Terraform's names."""
    return _CAMEL.sub(r"_\1", name).lower()


def _blind(value: Any) -> Any:
    """Pulumi already writes secrets as "[secret]"; make them planlint's marker, and blind signed secrets;
    an unknown value becomes null."""
    if value == "[secret]":
        return REDACTED
    if value == UNKNOWN_VALUE:
        return None
    if isinstance(value, dict):
        if SECRET_SIG in value:
            return REDACTED
        return {k: _blind(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blind(v) for v in value]
    return value


class PulumiValues(Values):
    """A step's properties (inputs, else outputs), secrets blinded, top-level keys in Terraform's snake_case,
    so an attribute rule written once (`deletion_protection`) reads Pulumi's `deletionProtection` too."""

    __slots__ = ("_raw_after", "_raw_before")

    def __init__(self, before: Any, after: Any) -> None:
        super().__init__()
        self._raw_before, self._raw_after = before, after

    def _decode(self, side: Any) -> Any:
        raw = self._raw_before if side == "before" else self._raw_after
        if not isinstance(raw, dict):
            return raw
        try:
            return {snake_case(k): _blind(v) for k, v in raw.items()}
        except RecursionError:
            return REDACTED  # nested beyond any real provider schema: show nothing rather than crash
