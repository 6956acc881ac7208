"""Detect what each input is and hand it to its loader. Nothing after this module knows formats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from planlint.errors import InputError
from planlint.inputs import RawInput, ReadAhead, head, looks_like_wrapper_output, read_input
from planlint.loaders.json_text import loads_strict
from planlint.model import NoOpTest, Plan, ResourceChange

INPUT_FORMATS = ("terraform", "cloudformation", "cloudformation-template", "pulumi")

EXPECTED = (
    "expected the JSON of `terraform show -json PLANFILE` (or `tofu show -json`) or of "
    "`aws cloudformation describe-change-set --output json` or of `pulumi preview --json`"
)


def load_inputs(
    origins: Sequence[str],
    input_format: str | None = None,
    needs_values: Callable[[ResourceChange], bool] | None = None,
    no_op_matters: NoOpTest | None = None,
    ahead: ReadAhead | None = None,
) -> list[Plan]:
    """Load every input; CloudFormation root and nested child change sets are linked across files.

    With `needs_values` (which changes a rule may read the attribute values of: see
    `planlint.shapes.values_reader`), each Terraform plan lets its input buffer go as soon as it is
    loaded, keeping only those changes' values: many plans never sit in memory at once. With
    `no_op_matters` (`planlint.shapes.no_op_reader`), Terraform no-ops no rule can match are counted,
    not recorded (`Plan.counted_no_ops`). `ahead`: one of `origins` already being read on a second thread.
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputError(f"unknown --input-format {input_format!r}; choose from {', '.join(INPUT_FORMATS)}")
    if "-" in origins and origins.count("-") > 1:
        raise InputError("stdin ('-') can be given only once")
    plans: list[Plan | None] = []
    change_sets: list[tuple[str, dict[str, Any], str]] = []
    templates: list[RawInput] = []
    for origin in origins:
        raw = read_input(origin, ahead)
        kind, plan, parsed = _load_one(raw, input_format, needs_values, no_op_matters)
        if kind == "cloudformation":
            change_sets.append((raw.origin, parsed, raw.sha256))
            plans.append(None)
        elif kind == "cloudformation-template":
            templates.append(raw)
            plans.append(None)
        else:
            plans.append(plan)
        del raw, plan, parsed
    loaded = [p for p in plans if p is not None]
    if change_sets:
        loaded.extend(LOADERS["cloudformation"](change_sets))
    if templates:
        loaded.extend(LOADERS["cloudformation-template"](templates))
    return loaded


def _not_json(data: bytes) -> str:
    """`is not JSON`, or what a JSON scalar (`null`, `"x"`, `42`) is instead of an object."""
    if len(data) <= 4096:
        import json

        try:
            value = json.loads(data)
        except ValueError:
            return "is not JSON"
        kind = {str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
            type(value), "null"
        )
        return f"is JSON ({kind}), not an object"
    return "is not JSON"


def _load_one(
    raw: RawInput,
    input_format: str | None,
    needs_values: Callable[[ResourceChange], bool] | None = None,
    no_op_matters: NoOpTest | None = None,
) -> tuple[str, Plan | None, Any]:
    from planlint.loaders import terraform
    from planlint.loaders.terraform_changes import Listing

    text_start = head(raw.data, 1)
    if input_format == "cloudformation-template" or (
        input_format is None and text_start not in (b"{", b"[") and _looks_like_template(raw.data)
    ):
        return "cloudformation-template", None, None
    if looks_like_wrapper_output(raw.data) or text_start not in (b"{", b"["):
        if looks_like_wrapper_output(raw.data):
            raise InputError(
                "starts with text from setup-terraform's wrapper, not JSON; set `terraform_wrapper: false` "
                "on hashicorp/setup-terraform (or run terraform-bin) and write `terraform show -json` to a file",
                raw.origin,
            )
        raise InputError(f"{_not_json(raw.data)}, nor a CloudFormation template (no {_TEMPLATE_KEYS}); {EXPECTED}",
                         raw.origin)  # fmt: skip
    if input_format == "cloudformation":
        return "cloudformation", None, _parse_json(raw)
    listing = Listing(raw.origin, no_op_matters, needs_values)
    try:
        doc = terraform.decode_document(raw.data, raw.origin, listing)
    except InputError:
        from planlint.loaders.pulumi import streaming_events_reason

        reason = streaming_events_reason(raw.data)
        if reason is None:
            raise
        raise InputError(reason, raw.origin) from None
    if doc is not None and terraform.is_plan(doc) and input_format in (None, "terraform"):
        plan = terraform.load_terraform(doc, raw.origin, raw.digest.hexdigest, listing)
        return "terraform", plan, None
    reason = terraform.not_a_plan_reason(doc) if doc is not None else None
    if reason is not None:
        raise InputError(reason, raw.origin)
    parsed = _parse_json(raw)
    if input_format in (None, "pulumi"):
        from planlint.loaders import pulumi

        if pulumi.is_preview(parsed):
            return "pulumi", pulumi.load_pulumi(parsed, raw.origin, raw.sha256), None
        if input_format == "pulumi":
            raise InputError(
                "is not a Pulumi preview (no `steps`/`changeSummary`); run `pulumi preview --json`",
                raw.origin,
            )
    if input_format is None and isinstance(parsed, dict):
        if _is_change_set(parsed):
            return "cloudformation", None, parsed
        if "Resources" in parsed and (
            "AWSTemplateFormatVersion" in parsed or isinstance(parsed["Resources"], dict)
        ):
            return "cloudformation-template", None, None
    if input_format == "terraform":
        raise InputError(
            "is not a Terraform plan (no format_version with resource_changes/planned_values)", raw.origin
        )
    raise InputError(f"is not a plan or change set: {EXPECTED}", raw.origin)


def _parse_json(raw: RawInput) -> Any:
    return loads_strict(raw.data, raw.origin)


_TEMPLATE_KEYS = "AWSTemplateFormatVersion or top-level Resources"


def _looks_like_template(data: bytes) -> bool:
    head = data[:65536]
    return b"AWSTemplateFormatVersion" in head or b"\nResources:" in head or head.startswith(b"Resources:")


def _is_change_set(doc: dict[str, Any]) -> bool:
    from planlint.loaders.cloudformation import is_change_set

    return is_change_set(doc)


def _load_cloudformation(docs: Sequence[tuple[str, dict[str, Any], str]]) -> list[Plan]:
    from planlint.loaders.cloudformation import load_cloudformation

    return load_cloudformation(docs)


def _load_templates(raws: Sequence[RawInput]) -> list[Plan]:
    from planlint.templates import load_templates

    return load_templates(raws)


# Explicit registry: format -> loader for formats that are loaded as a group.
LOADERS: dict[str, Callable[[Any], list[Plan]]] = {
    "cloudformation": _load_cloudformation,
    "cloudformation-template": _load_templates,
}
