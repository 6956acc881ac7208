"""Terraform / OpenTofu `show -json` plans (format_version 0.1 to 1.x) into the change model.

Only the fields rules read are decoded (msgspec structs); attribute values stay raw bytes until a rule
asks for them, and are redacted with the plan's own sensitivity masks when they are decoded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Literal

import msgspec

from planlint.blast_radius import module_call_path
from planlint.errors import InputError
from planlint.model import (
    REDACTED,
    Action,
    NoOpTest,
    Plan,
    PlanFacts,
    ReplaceOrder,
    ResourceChange,
    ResourceMode,
    Values,
)
from planlint.redact import redact

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


class PlannedResource(msgspec.Struct, gc=False):
    mode: str = "managed"


class PlannedModule(msgspec.Struct, gc=False):
    resources: list[PlannedResource] = []
    child_modules: list[PlannedModule] = []


class PlannedValues(msgspec.Struct, gc=False):
    """`planned_values`: the state after apply. Only which modes its resources have is decoded."""

    root_module: PlannedModule | None = None


class ConfigModule(msgspec.Struct, gc=False):
    module_calls: dict[str, ModuleCall] = {}


class ModuleCall(msgspec.Struct, gc=False):
    module: ConfigModule | None = None


class Configuration(msgspec.Struct, gc=False):
    """`configuration`: only the tree of module call names is decoded."""

    root_module: ConfigModule | None = None


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
    planned_values: msgspec.Raw = ABSENT  # decoded only to tell a destroy-mode plan (PlannedValues)
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


def _utf8_error_at(data: bytes) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence in ``data``, or None when it is all valid."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def _decode_problem(data: bytes, exc: Exception) -> str:
    bad_at = _utf8_error_at(data)
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
            _keep_or_release(record, needs_values)
        records.append(record)
    changes = tuple(records)
    del records
    return Plan(
        origin=origin,
        format="terraform",
        tool="opentofu" if any(map(_is_opentofu, no_op_providers)) else _tool(changes),
        tool_version=doc.terraform_version,
        format_version=doc.format_version,
        changes=changes,
        facts=PlanFacts(
            complete=True,
            applyable=doc.applyable,
            errored=False,
            destroy_mode=_is_destroy_mode(changes, doc.planned_values, origin),
            removed_module_calls=_removed_module_calls(changes, doc.configuration, origin),
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
        values=PlanValues(change, rc.address, origin),
    )


class PlanValues(Values):
    """Values kept as raw JSON slices of the plan until a rule reads them; redacted on decode.

    The slices point into the whole input buffer: `keep()` copies them out and `release()` drops them, so
    that once every change of a plan has done one or the other the buffer is freed (see `load_terraform`).
    """

    __slots__ = ("_address", "_fields", "_origin", "_raws")

    def __init__(self, change: Change, address: str, origin: str) -> None:
        self._before = self._after = Values._UNSET  # Values.__init__, without the call (32k per big plan)
        self._raws: tuple[msgspec.Raw, msgspec.Raw, msgspec.Raw, msgspec.Raw] | None = (
            change.before,
            change.before_sensitive,
            change.after,
            change.after_sensitive,
        )
        self._address = address
        self._origin = origin
        # side -> the top-level attributes decoded so far by `fields`: a rule set's keys, decoded once
        self._fields: dict[str, dict[str, Any]] | None = None

    def keep(self) -> None:
        """Copy the slices out of the input buffer (they no longer keep it alive)."""
        if self._raws is not None:
            before, before_mask, after, after_mask = self._raws
            self._raws = (before.copy(), before_mask.copy(), after.copy(), after_mask.copy())

    def release(self) -> None:
        """Drop the slices: no rule can read this change's values (reading them now is a bug and raises)."""
        self._raws = None

    def _raw(self, side: Literal["before", "after"]) -> tuple[msgspec.Raw, msgspec.Raw]:
        if self._raws is None:
            raise RuntimeError(f"{self._address}: attribute values were released before a rule read them")
        before, before_mask, after, after_mask = self._raws
        return (before, before_mask) if side == "before" else (after, after_mask)

    def _json(self, raw: msgspec.Raw, type: Any = Any) -> Any:
        """Decode a slice; bytes the first pass skipped unchecked (bad UTF-8) fail closed, naming the change."""
        try:
            return msgspec.json.decode(raw, type=type)
        except msgspec.ValidationError as exc:
            if type is not Any:
                raise  # the caller asked for a shape (an object) and handles "not that shape"
            problem = str(exc)  # e.g. a number out of range (1e400)
        except (UnicodeDecodeError, msgspec.DecodeError):
            bad_at = _utf8_error_at(bytes(raw))
            problem = "not valid JSON" if bad_at is None else f"not valid UTF-8 (byte {bad_at} of the value)"
        raise InputError(f"{self._address}: attribute values cannot be decoded: {problem}", self._origin)

    def _decode(self, side: Literal["before", "after"]) -> Any:
        value, mask = self._raw(side)
        try:
            return redact(self._json(value), self._json(mask))  # an absent mask reads as `false`
        except RecursionError:
            return REDACTED  # nested beyond any real provider schema: show nothing rather than crash

    def fields(self, side: Literal["before", "after"], keys: tuple[str, ...]) -> dict[str, Any]:
        # Rules that test a few attributes of every update of a type (deletion_protection, force_destroy)
        # decode only those: msgspec skips the other members without building them. The engine asks for
        # the union of its rules' keys first, so each side is decoded once per change.
        decoded = self._before if side == "before" else self._after
        if decoded is not Values._UNSET:
            return super().fields(side, keys)
        known = self._fields.get(side) if self._fields is not None else None
        if known is not None and all(map(known.__contains__, keys)):
            return known  # the engine asks for its rules' union of keys first, then for some of them
        value, mask = self._raw(side)
        try:
            found = self._json(value, _some_fields(keys))
        except (msgspec.ValidationError, RecursionError):  # not an object (null: a deleted side)
            return super().fields(side, keys)
        sensitive = self._json(mask)
        result = dict(zip(keys, msgspec.structs.astuple(found), strict=True))
        for key, item in result.items():
            if item is not None:  # most of a rule set's keys are absent from any one resource
                result[key] = redact(item, sensitive.get(key) if isinstance(sensitive, dict) else sensitive)
        if self._fields is None:
            self._fields = {}
        self._fields[side] = result if known is None else {**known, **result}
        return result


def _keep_or_release(change: ResourceChange, needed: Callable[[ResourceChange], bool]) -> None:
    """Copy out the values of a change `needed` says a rule may read, drop the others': then no record
    holds a slice of the input buffer, and it is freed with the input."""
    values = change.values
    if isinstance(values, PlanValues):
        if needed(change):
            values.keep()
        else:
            values.release()


@functools.cache
def _some_fields(keys: tuple[str, ...]) -> type[msgspec.Struct]:
    """A struct that decodes the JSON object members `keys` and skips every other member."""
    names = {f"f{i}": key for i, key in enumerate(keys)}  # field name -> the JSON member it decodes
    return msgspec.defstruct("SomeFields", [(n, Any, None) for n in names], rename=names)


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


def _tool(changes: Sequence[ResourceChange]) -> str:
    return "opentofu" if any(_is_opentofu(c.provider) for c in changes) else "terraform"


def _is_opentofu(provider: str | None) -> bool:
    return provider is not None and provider.startswith("registry.opentofu.org/")


def _is_destroy_mode(changes: Sequence[ResourceChange], planned_values: msgspec.Raw, origin: str) -> bool:
    """`plan -destroy` (`terraform destroy`, `tofu destroy`), told from what the plan JSON records.

    The JSON has no mode field. A destroy-mode plan (checked on Terraform 1.11 output; OpenTofu builds
    `planned_values` the same way) plans a state with no managed resource left in `planned_values`,
    while its deletes carry no `action_reason`: a normal plan that deletes things because the
    configuration dropped them says why (delete_because_no_resource_config, ..._no_module,
    ..._count_index). Forgets (`removed` with `destroy = false`), reads, imports and no-ops in the same
    plan do not change that. Plans without `planned_values` (hand-made, or cut down) fall back to: every
    managed change that does something deletes, for no reason of its own.
    """
    deletes = [c for c in changes if c.mode == "managed" and c.actions == ("delete",) and c.deposed is None]
    if not any(c.reason is None for c in deletes):
        # Every delete says why (or there is none): not destroy mode, whatever planned_values holds, so
        # its megabytes (a quarter of a big plan) are not read again; but it must still be an object.
        if planned_values and bytes(memoryview(planned_values)[:1]) != b"{":
            raise InputError("planned_values is not an object of modules and resources", origin)
        return False
    if not planned_values:
        acting = [c for c in changes if c.mode == "managed" and not _KEEPS_OBJECTS.issuperset(c.actions)]
        return all(c.actions == ("delete",) and c.reason is None for c in acting)
    try:
        planned = msgspec.json.decode(planned_values, type=PlannedValues)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise InputError("planned_values is not an object of modules and resources", origin) from None
    return planned.root_module is None or not _keeps_managed(planned.root_module)


def _removed_module_calls(
    changes: Sequence[ResourceChange], configuration: msgspec.Raw, origin: str
) -> tuple[str, ...]:
    """Module calls (`module.a.module.b`, no instance keys) that the configuration no longer declares.

    Terraform 1.11 gives the resources of a removed module call `delete_because_no_resource_config`, not
    `delete_because_no_module` (that one is for a module instance whose count/for_each key went away), so a
    removed module is told from the configuration's module calls. Empty when the plan has no configuration.
    """
    candidates = {
        module_call_path(c.module)
        for c in changes
        if c.module and c.reason == "delete_because_no_resource_config" and "delete" in c.actions
    }
    if not candidates or not configuration:
        return ()
    try:
        config = msgspec.json.decode(configuration, type=Configuration)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise InputError("configuration is not an object of modules and module calls", origin) from None
    declared: set[str] = set()
    pending = [("", config.root_module)]
    while pending:
        prefix, module = pending.pop()
        for name, call in (module.module_calls if module else {}).items():
            path = f"{prefix}module.{name}"
            declared.add(path)
            pending.append((f"{path}.", call.module))
    return tuple(sorted(c for c in candidates if c not in declared))


# Actions that leave every real object as it is: they neither make nor stop a teardown.
_KEEPS_OBJECTS = frozenset(("no-op", "read", "forget", "import", "move"))


def _keeps_managed(module: PlannedModule) -> bool:
    return any(r.mode == "managed" for r in module.resources) or any(
        _keeps_managed(m) for m in module.child_modules
    )
