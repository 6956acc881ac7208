"""Terraform / OpenTofu `show -json` plans (format_version 0.1 to 1.x) into the change model.

Only the fields rules read are decoded (msgspec structs), in one pass that judges each of
`resource_changes` as soon as it is decoded (`terraform_changes.Listing`); attribute values stay raw bytes
until a rule asks for them, and are redacted with the plan's own sensitivity masks when they are decoded
(`terraform_values`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from planlint.errors import InputError
from planlint.loaders.terraform_changes import DECODING, Listing, change_record
from planlint.loaders.terraform_facts import (
    is_destroy_mode,
    is_opentofu,
    removed_module_calls,
    tool_of,
)
from planlint.loaders.terraform_values import utf8_error_at
from planlint.model import Plan, PlanFacts, ResourceChange

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


class ListedChange(RawResourceChange, gc=False):
    """One of `resource_changes`. While `decode_document` decodes with a `Listing`, it is judged as soon as
    msgspec has built it, then emptied: only this ~100-byte struct stays in the list, not the ~1 KB of its
    strings, slices and `change`, so a plan never holds every decoded change at once."""

    def __post_init__(self) -> None:
        listing = DECODING.get()
        if listing is not None:
            listing.add(self)
            self.change = _EMPTIED
            self.address = self.type = self.name = self.mode = ""
            self.module_address = self.index = self.deposed = None
            self.provider_name = self.previous_address = self.action_reason = None


_EMPTIED = Change(actions=())


class DeferredChange(msgspec.Struct, gc=False):
    resource_change: RawResourceChange
    reason: str = "unknown"


class OutputChange(msgspec.Struct, gc=False):
    actions: list[str]


class ActionInvocation(msgspec.Struct, gc=False):
    """One of `action_invocations` (Terraform 1.14 actions): a provider-defined operation apply runs."""

    address: str = "?"


class Document(msgspec.Struct):
    """A JSON document that may be a plan; the other fields exist to recognise what it is instead."""

    format_version: str | None = None
    terraform_version: str | None = None
    # UNSET when absent (an empty plan omits it: `omitempty` in terraform's jsonplan), None when null
    resource_changes: list[ListedChange] | msgspec.UnsetType | None = msgspec.UNSET
    deferred_changes: list[DeferredChange] | None = None
    action_invocations: list[ActionInvocation] | None = None
    deferred_action_invocations: list[msgspec.Raw] | None = None
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


_decoder = msgspec.json.Decoder(Document)


def decode_document(data: bytes, origin: str, listing: Listing | None = None) -> Document:
    """One pass over the bytes; errors name the JSON path msgspec reports.

    With `listing`, each of `resource_changes` is judged by it as soon as it is decoded and then emptied
    (see `ListedChange`): pass the same listing to `load_terraform`. Without one (to tell what a document
    is), the changes are decoded whole and judged by `load_terraform`.
    """
    token = DECODING.set(listing)
    try:
        doc: Document = _decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise InputError(f"not a valid Terraform plan: {exc}", origin) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        # msgspec words (and, across versions, types) its errors differently: bad UTF-8 is
        # found by asking Python's own decoder, so the message is planlint's, whatever msgspec says.
        raise InputError(_decode_problem(data, exc), origin) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to be a plan", origin) from None
    finally:
        DECODING.reset(token)
    if listing is not None:
        listing.while_decoding = True
    return doc


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
        isinstance(doc.resource_changes, list)
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
    doc: Document, origin: str, sha256: str | Callable[[], str], listing: Listing | None = None
) -> Plan:
    """Normalise a decoded plan document (`decode_document`); refuse plans that cannot be trusted.

    `listing`: the one `decode_document` judged `doc`'s changes with as it decoded them (see
    `terraform_changes.Listing`: which no-ops are only counted, which values are kept). Without one,
    or when the document was decoded without it, the changes are judged here, every one recorded with
    its values left as slices of the input. Consumes `doc.resource_changes`. `sha256` may be a callable,
    asked for last (it may still be computing on another thread).
    """
    version = doc.format_version or ""
    if version.split(".")[0] not in SUPPORTED_MAJOR_VERSIONS:
        raise InputError(
            f"unsupported plan format_version {version!r} (planlint reads 0.x and 1.x); upgrade planlint",
            origin,
        )
    deferred = [
        change_record(d.resource_change, origin, "deferred_changes", i, d.reason)
        for i, d in enumerate(doc.deferred_changes or ())
    ]
    if doc.resource_changes is None:
        raise InputError(
            "`resource_changes` is null, which terraform never writes (a plan without changes omits it); "
            "the plan was edited or cut: run `terraform show -json` on the plan file again",
            origin,
        )
    if doc.errored:
        raise InputError(
            "the plan errored (errored: true): Terraform did not finish planning; fix the errors "
            "and plan again",
            origin,
        )
    if doc.complete is False or deferred:
        raise InputError(_incomplete_message(deferred), origin)
    if doc.action_invocations or doc.deferred_action_invocations:
        raise InputError(_actions_message(doc), origin)
    if listing is None:
        listing = Listing(origin)
    if not listing.while_decoding:
        for rc in doc.resource_changes or ():
            listing.add(rc)
    doc.resource_changes = None
    if listing.error is not None:
        raise listing.error
    changes = tuple(listing.records)
    listing.records.clear()
    return Plan(
        origin=origin,
        format="terraform",
        tool="opentofu" if any(map(is_opentofu, listing.no_op_providers)) else tool_of(changes),
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
        counted_no_ops=listing.no_ops,
    )


def _actions_message(doc: Document) -> str:
    """Why a plan that invokes actions is refused (trust rule 5: what planlint cannot judge is not passed).

    Terraform 1.14 plans list the provider actions apply will run in `action_invocations` (and those
    waiting on unknown values in `deferred_action_invocations`); an action does whatever its provider
    implements (https://developer.hashicorp.com/terraform/language/invoke-actions), which planlint's
    rules do not describe.
    """
    invoked = [a.address for a in doc.action_invocations or ()]
    count = len(invoked) + len(doc.deferred_action_invocations or ())
    named = f": {', '.join(invoked[:5])}{', …' if len(invoked) > 5 else ''}" if invoked else ""
    return (
        f"the plan invokes {count} provider action(s) (action_invocations{named}); an action runs whatever "
        "its provider implements, which planlint cannot judge, so it does not pass this plan. Plan without "
        "the action triggers (or without -invoke) and judge that plan"
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
