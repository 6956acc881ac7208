"""Terraform / OpenTofu `show -json` plans (format_version 0.1 to 1.x) into the change model.

Only the fields rules read are decoded (msgspec structs); attribute values stay raw bytes until a rule
asks for them, and are redacted with the plan's own sensitivity masks when they are decoded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from planlint.errors import InputError
from planlint.loaders.terraform_facts import (
    is_destroy_mode,
    is_opentofu,
    removed_module_calls,
    tool_of,
)
from planlint.loaders.terraform_values import PlanValues, keep_or_release, utf8_error_at
from planlint.model import (
    Action,
    NoOpTest,
    Plan,
    PlanFacts,
    ReplaceOrder,
    ResourceChange,
    ResourceMode,
)

SUPPORTED_MAJOR_VERSIONS = ("0", "1")
ABSENT = msgspec.Raw(b"")  # msgspec cannot make Raw optional; an empty Raw means "key not present"


class Importing(msgspec.Struct, gc=False):
    id: str | None = None


class Change(msgspec.Struct, gc=False):
    actions: tuple[str, ...]
    before: msgspec.Raw = msgspec.Raw(b"null")
    after: msgspec.Raw = msgspec.Raw(b"null")
    before_sensitive: msgspec.Raw = msgspec.Raw(b"false")
    after_sensitive: msgspec.Raw = msgspec.Raw(b"false")
    replace_paths: list[list[str | int]] | None = None
    importing: Importing | None = None


class RawResourceChange(msgspec.Struct, gc=False):
    address: str
    type: str
    change: Change
    name: str = ""
    mode: str = "managed"
    module_address: str | None = None
    index: int | str | None = None
    deposed: str | None = None
    provider_name: str | None = None
    previous_address: str | None = None
    action_reason: str | None = None


class DeferredChange(msgspec.Struct, gc=False):
    resource_change: RawResourceChange
    reason: str = "unknown"


class OutputChange(msgspec.Struct, gc=False):
    actions: list[str]


class Document(msgspec.Struct):
    """A JSON document that may be a plan; the other fields exist to recognise what it is instead."""

    format_version: str | None = None
    terraform_version: str | None = None
    resource_changes: list[RawResourceChange] | None = None
    deferred_changes: list[DeferredChange] | None = None
    resource_drift: list[msgspec.Raw] | None = None
    output_changes: dict[str, OutputChange] | None = None
    complete: bool | None = None
    applyable: bool | None = None
    errored: bool | None = None
    planned_values: msgspec.Raw = ABSENT  # decoded only to tell a destroy-mode plan (terraform_facts)
    configuration: msgspec.Raw = ABSENT
    prior_state: msgspec.Raw = ABSENT
    # Not a plan, but we want to say what it is:
    values: msgspec.Raw = ABSENT  # `terraform show -json` of a state
    plan_format_version: str | None = None  # HCP Terraform redacted plan
    lineage: str | None = None  # raw terraform.tfstate
    serial: int | None = None


# Action lists Terraform and OpenTofu write -> normalised actions and replace order. Sources: Terraform's
# internal/command/jsonplan (`actionString`; CreateThenForget since 1.7) and OpenTofu's (ForgetThenCreate
# since 1.12: `lifecycle { destroy = false }` plus a forced replacement). Nothing else is accepted.
ACTION_LISTS: dict[tuple[str, ...], tuple[tuple[Action, ...], ReplaceOrder | None]] = {
    ("no-op",): (("no-op",), None),
    ("create",): (("create",), None),
    ("read",): (("read",), None),
    ("update",): (("update",), None),
    ("delete",): (("delete",), None),
    ("delete", "create"): (("replace",), "delete_first"),
    ("create", "delete"): (("replace",), "create_first"),
    ("forget",): (("forget",), None),
    ("create", "forget"): (("create", "forget"), None),  # Terraform: new object first, old one kept
    ("forget", "create"): (("create", "forget"), None),  # OpenTofu: old object kept, then new one created
}
# `mode` of a resource change: "ephemeral" is OpenTofu's (ephemeral resources, never stored in state).
RESOURCE_MODES: dict[str, ResourceMode] = {"managed": "managed", "data": "data", "ephemeral": "ephemeral"}
# Action lists a data source or an ephemeral resource can carry. Neither owns an object to delete, update or
# replace: Terraform's planner only ever reads a data source (internal/terraform/node_resource_plan_instance.go
# `planDataSource`; an orphaned one is dropped from state with no change, node_resource_plan_orphan.go) and
# ephemeral resources are never in state. Checked on Terraform 1.11.4: a destroy plan and a plan with the data
# block removed carry no change for it. Anything else in such a change is an edited plan hiding a change
# behind a mode the rules treat as stateless.
_MODE_NOUNS = {"data": "a data source", "ephemeral": "an ephemeral resource"}
_NON_MANAGED_ACTIONS: frozenset[tuple[str, ...]] = frozenset({("read",), ("no-op",)})


class _EachChangeDocument(Document):
    """A big document: each of `resource_changes` kept as its raw JSON (checked to be JSON, not decoded),
    for `load_terraform` to decode one at a time."""

    resource_changes: list[msgspec.Raw] | None = None  # type: ignore[assignment]


# Decoded whole, a plan holds ~1 KB per change on top of its bytes until its changes are judged (the
# structs, six to eight strings and four raw slices each): 100 MB at 100k changes. From this size on (~40k
# changes, 40 MB: more than the interpreter and its imports) the changes are decoded one at a time
# instead, never all at once, which costs ~15 % more decoding (their JSON is parsed twice).
DECODE_EACH_CHANGE_BYTES = 1 << 28

_decoder = msgspec.json.Decoder(Document)
_each_change_decoder = msgspec.json.Decoder(_EachChangeDocument)
_change_decoder = msgspec.json.Decoder(RawResourceChange)


def decode_document(data: bytes, origin: str) -> Document:
    """One pass over the bytes; errors name the JSON path msgspec reports.

    From `DECODE_EACH_CHANGE_BYTES` on, `resource_changes` holds each change's raw JSON, decoded by
    `load_terraform`, which names a change that does not decode as this function would.
    """
    big = len(data) >= DECODE_EACH_CHANGE_BYTES
    doc: Document = _decode(_each_change_decoder if big else _decoder, data, origin)
    return doc


def _decode(decoder: msgspec.json.Decoder[Any], data: bytes, origin: str) -> Any:
    try:
        return decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise InputError(f"not a valid Terraform plan: {exc}", origin) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        # msgspec words (and, across versions, types) its errors differently: bad UTF-8 is
        # found by asking Python's own decoder, so the message is planlint's, whatever msgspec says.
        raise InputError(_decode_problem(data, exc), origin) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to be a plan", origin) from None


def _decode_problem(data: bytes, exc: Exception) -> str:
    bad_at = utf8_error_at(data)
    if bad_at is not None:
        return f"not valid UTF-8 at byte {bad_at}"
    text = str(exc)
    if "truncated" in text:
        return "not valid JSON (truncated: the file ends in the middle of the JSON)"
    return f"not valid JSON ({text})"


def is_plan(doc: Document) -> bool:
    return doc.format_version is not None and (
        doc.resource_changes is not None
        or bool(doc.planned_values)
        or bool(doc.configuration)
        or doc.deferred_changes is not None
    )


def not_a_plan_reason(doc: Document) -> str | None:
    """Why a Terraform-looking JSON document is not a `show -json` plan, or None if it is one."""
    if doc.plan_format_version is not None and doc.format_version is None:
        return (
            "is an HCP Terraform redacted plan (plan_format_version), which omits values planlint needs; "
            "download the JSON plan with `terraform show -json` instead"
        )
    if doc.lineage is not None or doc.serial is not None:
        return "is a Terraform state file, not a plan; run `terraform plan -out tfplan && terraform show -json tfplan`"
    if doc.format_version is not None and bool(doc.values) and not is_plan(doc):
        return "is `terraform show -json` of a state, not of a plan; pass the saved plan file: `terraform show -json tfplan`"
    return None


def load_terraform(
    doc: Document,
    data: bytes,
    origin: str,
    sha256: str | Callable[[], str],
    *,
    no_op_matters: NoOpTest | None = None,
    needs_values: Callable[[ResourceChange], bool] | None = None,
) -> Plan:
    """Normalise a decoded plan document (`decode_document(data)`); refuse plans that cannot be trusted.

    Consumes `doc.resource_changes`: each change is judged for a record and dropped before the next (a
    big plan's raw JSON is decoded first, one change at a time: see `decode_document`). `sha256` may be
    a callable, asked for last (it may still be computing on another thread). With `no_op_matters` (see
    `planlint.shapes.no_op_reader`), a managed no-op it says no rule can match is validated like any
    change, then counted in `Plan.counted_no_ops` instead of recorded. With `needs_values`
    (`planlint.shapes.values_reader`), each record's attribute values are copied out of `data` if a rule
    may read them and dropped if not, so `data` can go once this returns;
    without it they stay slices of `data`.
    """
    version = doc.format_version or ""
    if version.split(".")[0] not in SUPPORTED_MAJOR_VERSIONS:
        raise InputError(
            f"unsupported plan format_version {version!r} (planlint reads 0.x and 1.x); upgrade planlint",
            origin,
        )
    deferred = [
        _change(d.resource_change, origin, "deferred_changes", i, d.reason)
        for i, d in enumerate(doc.deferred_changes or ())
    ]
    if doc.errored:
        raise InputError(
            "the plan errored (errored: true): Terraform did not finish planning; fix the errors "
            "and plan again",
            origin,
        )
    if doc.complete is False or deferred:
        raise InputError(_incomplete_message(deferred), origin)
    # decoded changes, or (a big plan's: `_EachChangeDocument`) each change's raw JSON
    pending: list[RawResourceChange | msgspec.Raw] = doc.resource_changes or []  # type: ignore[assignment]
    doc.resource_changes = None
    pending.reverse()  # popped from the end: each change goes as soon as it is judged
    decode = _change_decoder.decode
    records: list[ResourceChange] = []
    no_ops = 0
    no_op_providers: set[str | None] = set()
    for position in range(len(pending)):
        item = pending.pop()
        try:
            rc = item if isinstance(item, RawResourceChange) else decode(item)
        except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise _undecodable(data, origin, position, exc) from None
        if (
            no_op_matters is not None
            and _plain_no_op(rc)
            and not no_op_matters(rc.type, rc.address, rc.module_address, rc.action_reason)
        ):
            no_ops += 1
            no_op_providers.add(rc.provider_name)
            continue
        record = _change(rc, origin, "resource_changes", position, None)
        if needs_values is not None:
            keep_or_release(record, needs_values)
        records.append(record)
    changes = tuple(records)
    del records
    return Plan(
        origin=origin,
        format="terraform",
        tool="opentofu" if any(map(is_opentofu, no_op_providers)) else tool_of(changes),
        tool_version=doc.terraform_version,
        format_version=doc.format_version,
        changes=changes,
        facts=PlanFacts(
            complete=True,
            applyable=doc.applyable,
            errored=False,
            destroy_mode=is_destroy_mode(changes, doc.planned_values, origin),
            removed_module_calls=removed_module_calls(changes, doc.configuration, origin),
            drift_count=len(doc.resource_drift or ()),
            outputs_deleted=tuple(
                sorted(name for name, oc in (doc.output_changes or {}).items() if "delete" in oc.actions)
            ),
        ),
        input_sha256=sha256 if isinstance(sha256, str) else sha256(),
        counted_no_ops=no_ops,
    )


def _undecodable(data: bytes, origin: str, position: int, exc: BaseException) -> InputError:
    """The error for resource_changes[position], whose raw JSON does not decode: the one decoding the
    whole document at once gives (its JSON path or byte offset in the file), found by doing that."""
    try:
        _decode(_decoder, data, origin)
    except InputError as error:
        return error
    return InputError(f"resource_changes[{position}] does not decode: {exc}", origin)  # not expected


_NO_OP = ("no-op",)


def _plain_no_op(rc: RawResourceChange) -> bool:
    """A managed change that does nothing: a no-op that is neither moved, imported nor deposed (what
    `_change` would record as a managed ("no-op",) change; every check it makes on one holds)."""
    return (
        rc.change.actions == _NO_OP
        and rc.mode == "managed"
        and rc.deposed is None
        and rc.change.importing is None
        and (rc.previous_address is None or rc.previous_address == rc.address)
    )


def _incomplete_message(deferred: Sequence[ResourceChange]) -> str:
    message = (
        "the plan is incomplete (complete: false): it leaves part of the configuration unplanned "
        "(made with -target or -exclude, or with deferred changes), so what the next plan does was never "
        "judged; planlint judges whole plans"
    )
    if deferred:
        destructive = [c.address for c in deferred if c.is_destructive]
        message += f"; {len(deferred)} change(s) deferred"
        if destructive:
            message += f", including destructive ones: {', '.join(destructive[:5])}"
    return message + ". Plan without -target/-exclude (resolve any deferral first) and judge that plan"


def _change(
    rc: RawResourceChange, origin: str, section: str, position: int, deferred_reason: str | None
) -> ResourceChange:
    change = rc.change
    key = change.actions
    try:
        actions, order = ACTION_LISTS[key]
    except KeyError:
        raise InputError(
            f"{section}[{position}] ({rc.address}): unknown action list {list(key)}; planlint will not guess "
            "what it does",
            origin,
        ) from None
    extra: list[Action] = []
    if rc.previous_address is not None and rc.previous_address != rc.address:
        extra.append("move")
    if change.importing is not None:
        extra.append("import")
    if extra:
        actions = tuple(sorted(a for a in (*actions, *extra) if a != "no-op")) or ("no-op",)
    mode = RESOURCE_MODES.get(rc.mode)
    if mode is None:
        raise InputError(
            f"{section}[{position}] ({rc.address}): unknown resource mode {rc.mode!r}; planlint will not guess "
            "what it is",
            origin,
        )
    if mode != "managed" and key not in _NON_MANAGED_ACTIONS:
        raise InputError(
            f"{section}[{position}] ({rc.address}): actions {list(key)} on {_MODE_NOUNS[mode]}, which Terraform "
            "only ever reads; the plan was edited or is not Terraform's",
            origin,
        )
    address = rc.address if rc.deposed is None else f"{rc.address} (deposed {rc.deposed})"
    return ResourceChange(
        address=address,
        type=rc.type,
        platform="terraform",
        actions=actions,
        replace_order=order,
        reason=rc.action_reason,
        replace_paths=tuple(_path_text(p) for p in change.replace_paths) if change.replace_paths else (),
        module=rc.module_address,
        name=rc.name,
        index=rc.index,
        mode=mode,
        provider=rc.provider_name,
        previous_address=rc.previous_address,
        deposed=rc.deposed,
        deferred=deferred_reason,
        values=PlanValues(
            (change.before, change.before_sensitive, change.after, change.after_sensitive), rc.address, origin
        ),
    )


def _path_text(path: Sequence[str | int]) -> str:
    """["tags", "Name"] -> tags.Name; ["tags", "a-b"] -> tags["a-b"]; ["ebs_block_device", 0, "size"] ->
    ebs_block_device[0].size (HCL's traversal syntax: a key that is not an identifier is indexed)."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif text and not step.isidentifier():
            text += f'["{step}"]'
        else:
            text += f".{step}" if text else step
    return text
