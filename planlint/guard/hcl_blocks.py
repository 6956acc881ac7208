"""Every block of an HCL or JSON-syntax configuration file, nested, with its line: what guard reads before it
runs Terraform or Terragrunt (planlint.guard.tf_programs, planlint.guard.tg_programs).

Native syntax is read with python-hcl2's query API (`DocumentView`, whose nodes keep the parser's
positions); JSON syntax (`*.tf.json`, developer.hashicorp.com/terraform/language/syntax/json) with the json
module, where a block is an object keyed by type, then by each label. A file either parser refuses is an
InputError naming the file and line: guard never runs configuration it could not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlint.errors import InputError


@dataclass(frozen=True, slots=True)
class Block:
    """One block: `data "external" "x" { … }`; attributes keep python-hcl2's values (expressions as `${…}`)."""

    type: str
    labels: tuple[str, ...]
    file: str  # as shown to a reader
    line: int  # 0 when the syntax keeps no lines (JSON)
    attributes: Mapping[str, Any] = field(default_factory=dict, compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)  # attribute → line
    blocks: tuple[Block, ...] = ()

    def where(self, attribute: str = "") -> str:
        line = self.lines.get(attribute, self.line) if attribute else self.line
        return f"{self.file}:{line}" if line else self.file

    def nested(self, kind: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.type == kind)


def read_blocks(path: Path, shown: str) -> tuple[Block, ...]:
    """The top-level blocks of one file (a `*.json` name means JSON syntax); InputError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read configuration: {exc}", origin=shown) from exc
    return parse_blocks(text, shown, json_syntax=path.name.endswith(".json"))


def parse_blocks(text: str, shown: str, json_syntax: bool = False) -> tuple[Block, ...]:
    """Parse configuration text (native HCL unless `json_syntax`) into its top-level blocks."""
    if json_syntax:
        return _json_blocks(text, shown)
    import hcl2
    from hcl2.query.body import DocumentView
    from lark.exceptions import LarkError, UnexpectedInput

    options = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
    try:
        document = DocumentView.parse(text)
        top = document.attributes()
        if top:  # a terragrunt.hcl's top-level `terraform_binary = …`, `inputs = …`
            root = Block("", (), shown, 1, *_attributes(top, options, 1))
            return (root, *(_block(view, shown, options) for view in document.blocks()))
        return tuple(_block(view, shown, options) for view in document.blocks())
    except UnexpectedInput as exc:
        raise InputError(f"line {exc.line}: not valid HCL; guard does not run configuration it cannot read",
                         origin=shown) from exc  # fmt: skip
    except (LarkError, RuntimeError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or ["unknown error"])[0]
        raise InputError(f"HCL guard cannot read ({first}); it does not run configuration it cannot read",
                         origin=shown) from exc  # fmt: skip


def _line(view: Any, default: int) -> int:
    return int(getattr(view.raw._meta, "line", default) or default)


def _attributes(views: Any, options: Any, default: int) -> tuple[dict[str, Any], dict[str, int]]:
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for attribute in views:
        values.update(attribute.to_dict(options))  # python-hcl2 unescapes values
        lines[attribute.name] = _line(attribute, default)
    return values, lines


def _block(view: Any, shown: str, options: Any) -> Block:
    line = _line(view, 0)
    values, lines = _attributes(view.attributes(), options, line)
    children = tuple(_block(child, shown, options) for child in view.blocks())
    labels = tuple(unescape(str(label)) for label in view.name_labels)
    return Block(view.block_type, labels, shown, line, values, lines, children)


_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt"\\])')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """A block label's escapes (`\\u0065`, `\\n`, …) read as HCL reads them: python-hcl2 unescapes attribute
    values but keeps labels as written, and `provisioner "local-\\u0065xec"` is a local-exec provisioner to
    Terraform 1.11 (checked)."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _SIMPLE.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique: Python would keep the last of two `"data"` keys where Terraform
    reads the blocks of both, so guard would not see what Terraform runs (ValueError: a refusal)."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)


def _json_blocks(text: str, shown: str) -> tuple[Block, ...]:
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys)
    except ValueError as exc:
        raise InputError(f"not valid JSON ({exc}); guard does not run configuration it cannot read",
                         origin=shown) from exc  # fmt: skip
    if not isinstance(document, dict):
        raise InputError("a JSON configuration file must hold an object", origin=shown)
    blocks: list[Block] = []
    for kind, body in document.items():
        if kind == "//":
            continue
        labels = _LABELS.get(kind, 0)
        blocks += _json_labelled(kind, body, labels, (), shown)
    return tuple(blocks)


# How many labels each Terraform block type has in JSON syntax (the language's block types); any other
# type is read as an unlabelled block, so nothing nested in it is missed.
_LABELS = {"resource": 2, "data": 2, "provider": 1, "module": 1, "variable": 1, "output": 1, "removed": 0}


def _json_labelled(kind: str, body: Any, labels: int, seen: tuple[str, ...], shown: str) -> list[Block]:
    if isinstance(body, list):
        return [b for item in body for b in _json_labelled(kind, item, labels, seen, shown)]
    if not isinstance(body, dict):
        return []
    if labels:
        return [
            b
            for key, value in body.items()
            for b in _json_labelled(kind, value, labels - 1, (*seen, key), shown)
        ]
    attributes: dict[str, Any] = {}
    children: list[Block] = []
    for key, value in body.items():
        nested = _LABELS_NESTED.get(key)
        if nested is not None and isinstance(value, (dict, list)):
            children += _json_labelled(key, value, nested, (), shown)
        else:
            attributes[key] = value
    return [Block(kind, seen, shown, 0, attributes, {}, tuple(children))]


# Nested block types guard looks into (JSON syntax cannot tell a nested block from an object attribute).
_LABELS_NESTED = {"provisioner": 1, "exec": 0, "kubernetes": 0, "connection": 0}
