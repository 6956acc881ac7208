"""The changes of a Terraform plan's `resource_changes`, checked and judged one at a time.

Each change is checked against what Terraform and OpenTofu write (action lists, resource modes) and
becomes a `ResourceChange` record, or only a count when it is a no-op no rule can match. `Listing` does it
for one plan: `planlint.loaders.terraform.decode_document` hands it each change as soon as msgspec has
decoded it, so a plan never holds every decoded change at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from planlint.errors import InputError
from planlint.loaders.terraform_values import PlanValues, keep_or_release
from planlint.model import Action, NoOpTest, ReplaceOrder, ResourceChange, ResourceMode

if TYPE_CHECKING:
    from planlint.loaders.terraform import RawResourceChange

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


_NO_OP = ("no-op",)


def _plain_no_op(rc: RawResourceChange) -> bool:
    """A managed change that does nothing: a no-op that is neither moved, imported nor deposed (what
    `change_record` would record as a managed ("no-op",) change; every check it makes on one holds)."""
    return (
        rc.change.actions == _NO_OP
        and rc.mode == "managed"
        and rc.deposed is None
        and rc.change.importing is None
        and (rc.previous_address is None or rc.previous_address == rc.address)
    )


class Listing:
    """One plan's `resource_changes`, judged one at a time, in order.

    Each change is checked (`change_record`) and then counted in `no_ops` when it is a plain managed
    no-op that `no_op_matters` (`planlint.shapes.no_op_reader`) says no rule can match, else recorded in
    `records`, its attribute values copied out of the input buffer or dropped as `needs_values`
    (`planlint.shapes.values_reader`) says; without it they stay slices of the buffer. The first change
    that cannot be trusted is kept in `error` (raised by `load_terraform` after the plan-level checks) and
    the changes after it are not judged.
    """

    __slots__ = (
        "error",
        "needs_values",
        "no_op_matters",
        "no_op_providers",
        "no_ops",
        "origin",
        "records",
        "seen",
        "shared",
        "while_decoding",
    )

    def __init__(
        self,
        origin: str,
        no_op_matters: NoOpTest | None = None,
        needs_values: Callable[[ResourceChange], bool] | None = None,
    ) -> None:
        self.origin = origin
        self.no_op_matters = no_op_matters
        self.needs_values = needs_values
        self.records: list[ResourceChange] = []
        self.no_ops = 0
        self.no_op_providers: set[str | None] = set()  # the counted no-ops' providers (tell OpenTofu)
        self.error: InputError | None = None
        self.seen = 0  # changes handed to `add`: the next one's position in resource_changes
        # one copy of each type, provider, module and reason string the records hold: a big plan repeats
        # a few hundred of them across its changes (~6 MB of copies at 100k changes)
        self.shared: dict[str | None, Any] = {}
        self.while_decoding = False  # set by `decode_document` when it judges each change as it decodes

    def add(self, rc: RawResourceChange) -> None:
        """Judge the next change of `resource_changes`."""
        position = self.seen
        self.seen = position + 1
        if self.error is not None:
            return
        no_op_matters = self.no_op_matters
        if (
            no_op_matters is not None
            and _plain_no_op(rc)
            and not no_op_matters(rc.type, rc.address, rc.module_address, rc.action_reason)
        ):
            self.no_ops += 1
            self.no_op_providers.add(rc.provider_name)
            return
        shared = self.shared
        rc.type = shared.setdefault(rc.type, rc.type)
        rc.provider_name = shared.setdefault(rc.provider_name, rc.provider_name)
        rc.module_address = shared.setdefault(rc.module_address, rc.module_address)
        rc.action_reason = shared.setdefault(rc.action_reason, rc.action_reason)
        try:
            record = change_record(rc, self.origin, "resource_changes", position, None)
        except InputError as exc:
            self.error = exc
            return
        if self.needs_values is not None:
            keep_or_release(record, self.needs_values)
        self.records.append(record)


# The Listing that `decode_document` hands each decoded change of `resource_changes` to (per thread).
DECODING: ContextVar[Listing | None] = ContextVar("planlint_terraform_listing", default=None)


def change_record(
    rc: RawResourceChange, origin: str, section: str, position: int, deferred_reason: str | None
) -> ResourceChange:
    """`rc` as a record; refuses an action list, mode or mode/action pair Terraform never writes."""
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
    # Positional, in the field order of `ResourceChange`: msgspec matches 16 keyword arguments ~6x slower
    # than it takes positional ones (~4 us against ~0.7 us a record: 0.1 s CPU of a 100k-change plan).
    return ResourceChange(
        address,
        rc.type,
        "terraform",  # platform
        actions,
        order,  # replace_order
        rc.action_reason,  # reason
        tuple(_path_text(p) for p in change.replace_paths) if change.replace_paths else (),  # replace_paths
        rc.module_address,  # module
        rc.name,
        rc.index,
        mode,
        rc.provider_name,  # provider
        rc.previous_address,
        rc.deposed,
        deferred_reason,  # deferred
        None,  # policy_action
        None,  # physical_id
        (),  # details
        None,  # source
        PlanValues(  # values
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
