"""CloudFormation templates: policy checks on one template and predicted changes between two.

Templates are decoded with `json` / PyYAML's C loader and resource schemas are read from cfn-lint's
data files by path; the `cfnlint` package itself is imported only to word the error for a template
that does not decode. Decoding builds many small containers and no cycles, so it runs with the
cyclic GC paused (`no_cyclic_gc`): with it on, a 4,000-resource diff grows superlinearly.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from planlint.model import Plan

if TYPE_CHECKING:
    from planlint.inputs import RawInput
    from planlint.templates.decode import Template


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting still frees everything)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_template(origin: str) -> Template:
    """Read and decode one template file ('-' = stdin), BOMs and UTF-16 handled like any input."""
    from planlint.inputs import read_input

    return _decode(read_input(origin))


def _decode(raw: RawInput) -> Template:
    from planlint.errors import InputError
    from planlint.source.paths import shown_path
    from planlint.templates.decode import decode_template

    try:
        text = raw.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"template is not UTF-8 text ({exc.reason} at byte {exc.start})", raw.origin
        ) from None
    shown = raw.origin if raw.origin == "-" else shown_path(Path(raw.origin))
    with no_cyclic_gc():
        return decode_template(text, shown, raw.sha256)


def load_templates(raws: Sequence[RawInput]) -> list[Plan]:
    """The loader registry's entry for `cloudformation-template` inputs: one Plan of policy gaps per template."""
    from planlint.templates.check import template_plan

    return [template_plan(_decode(raw)) for raw in raws]
