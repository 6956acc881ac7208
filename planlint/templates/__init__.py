"""CloudFormation templates: policy checks on one template and predicted changes between two.

Everything here imports cfn-lint only inside the functions that decode templates or read resource
schemas, so importing this package costs nothing on the plain `planlint check plan.json` path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planlint.model import Plan

if TYPE_CHECKING:
    from planlint.inputs import RawInput
    from planlint.templates.decode import Template


def read_template(origin: str) -> Template:
    """Read and decode one template file ('-' = stdin), BOMs and UTF-16 handled like any input."""
    from planlint.inputs import read_input

    return _decode(read_input(origin))


def _decode(raw: RawInput) -> Template:
    from planlint.errors import InputError
    from planlint.source.index import shown_path
    from planlint.templates.decode import decode_template

    try:
        text = raw.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"template is not UTF-8 text ({exc.reason} at byte {exc.start})", raw.origin
        ) from None
    shown = raw.origin if raw.origin == "-" else shown_path(Path(raw.origin))
    return decode_template(text, shown, raw.sha256)


def load_templates(raws: Sequence[RawInput]) -> list[Plan]:
    """The loader registry's entry for `cloudformation-template` inputs: one Plan of policy gaps per template."""
    from planlint.templates.check import template_plan

    return [template_plan(_decode(raw)) for raw in raws]
