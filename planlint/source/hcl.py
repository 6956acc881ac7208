"""Read the top-level blocks of one .tf file, keeping each block's line span.

Blocks are found with tree-sitter's HCL grammar and read with python-hcl2 where the tree alone does not
settle a value (planlint.source.hcl_tree); a file tree-sitter cannot read is parsed by python-hcl2 whole.
python-hcl2 8.x accepts `SerializationOptions(with_meta=True)` but never writes `__start_line__`
(amplify-education/python-hcl2#291), so blocks are walked through its query API (`DocumentView`),
whose nodes keep the parser's positions, and each block body is serialised separately.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlint.errors import InputError

# The block kinds the source index cares about; everything else (variable, output, locals, ...) is skipped.
INDEXED_KINDS = frozenset(("resource", "data", "module", "moved", "removed", "import"))


@dataclass(frozen=True, slots=True)
class HclBlock:
    """One top-level block of a .tf file: `resource "aws_db_instance" "main" { ... }`."""

    kind: str  # resource, data, module, moved, removed, import
    labels: tuple[str, ...]  # ("aws_db_instance", "main"), ("db",), ()
    path: str  # file as it should be shown to a reader
    line: int
    end_line: int
    body: Mapping[str, Any] = field(compare=False, repr=False)  # attributes and nested blocks
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)  # attr -> line


def parse_file(path: Path, shown_as: str) -> tuple[HclBlock, ...]:
    """Parse one .tf file; a file the parser cannot read is an InputError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read Terraform source: {exc}", origin=shown_as) from exc
    return parse_text(text, shown_as)


def parse_text(text: str, shown_as: str) -> tuple[HclBlock, ...]:
    """Parse HCL text into the indexed top-level blocks, in file order.

    Each block's body gives the values python-hcl2 gives (InputError when python-hcl2 refuses the block).
    """
    from planlint.source.hcl_tree import read_blocks

    blocks = read_blocks(text, shown_as)
    return blocks if blocks is not None else parse_with_python_hcl2(text, shown_as)


def parse_with_python_hcl2(text: str, shown_as: str) -> tuple[HclBlock, ...]:
    """Parse HCL text with python-hcl2 alone: the indexed top-level blocks, in file order."""
    from hcl2.query.body import DocumentView
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        document = DocumentView.parse(text)
    except UnexpectedInput as exc:
        raise InputError(
            f"line {exc.line}, column {exc.column}: not valid HCL ({_unexpected(exc)})", origin=shown_as
        ) from exc
    except LarkError as exc:
        raise InputError(f"HCL the parser cannot read: {_first_line(str(exc))}", origin=shown_as) from exc
    blocks: list[HclBlock] = []
    views: list[Any] = document.blocks()
    for view in views:
        if view.block_type not in INDEXED_KINDS:
            continue
        blocks.append(_block(view, shown_as))
    return tuple(blocks)


def _block(view: Any, shown_as: str) -> HclBlock:
    import hcl2

    meta = view.raw._meta
    line, end_line = int(getattr(meta, "line", 0) or 0), int(getattr(meta, "end_line", 0) or 0)
    options = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
    try:
        body = view.body.to_dict(options)
    except (RuntimeError, ValueError) as exc:  # e.g. "Attribute x is already defined."
        raise InputError(f"line {line}: not valid HCL ({exc})", origin=shown_as) from exc
    lines: dict[str, int] = {}
    for attribute in view.attributes():
        lines[attribute.name] = int(getattr(attribute.raw._meta, "line", line) or line)
    for nested in view.blocks():
        nested_line = int(getattr(nested.raw._meta, "line", line) or line)
        lines.setdefault(nested.block_type, nested_line)
        for attribute in nested.attributes():
            key = f"{nested.block_type}.{attribute.name}"
            lines.setdefault(key, int(getattr(attribute.raw._meta, "line", nested_line) or nested_line))
    return HclBlock(
        kind=view.block_type,
        labels=tuple(view.name_labels),
        path=shown_as,
        line=line,
        end_line=end_line,
        body=body if isinstance(body, dict) else {},
        lines=lines,
    )


def _unexpected(exc: Any) -> str:
    token = getattr(exc, "token", None)
    if token is not None:
        text = str(token).strip()
        return f"unexpected {text[:30]!r}" if text else "unexpected end of file"
    char = getattr(exc, "char", None)
    return f"unexpected character {char!r}" if char else _first_line(str(exc))


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"


def expression_text(value: Any) -> str | None:
    """`${aws_s3_bucket.a}` -> `aws_s3_bucket.a`; plain strings pass through; anything else is None."""
    if not isinstance(value, str):
        return None
    if value.startswith("${") and value.endswith("}"):
        return value[2:-1].strip()
    return value


def nested(body: Mapping[str, Any], block: str) -> Mapping[str, Any]:
    """The first nested block of that name (`lifecycle`), or an empty mapping."""
    value = body.get(block)
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    if isinstance(value, Mapping):
        return value
    return {}
