"""Top-level blocks of a .tf file through tree-sitter's HCL grammar, with the values python-hcl2 gives.

python-hcl2's parser is lark in pure Python: ~5 ms per block, 10+ s for a 2,000-block tree. The
tree-sitter grammar (tree-sitter-grammars/tree-sitter-hcl, a C parser) reads the same tree in a small
fraction of that. It supplies the structure only: each block's kind, labels and line span, and an
attribute's value where it is a literal python-hcl2 serialises without interpretation: `true`/`false`,
a whole number, a quoted string with no escape or interpolation (its text), or a plain traversal
(`aws_s3_bucket.b` -> "${aws_s3_bucket.b}"). Anything else a caller reads (an expression, a heredoc,
an escape, a labelled nested block, iterating the body) comes from python-hcl2, which parses that one
block's text on first use. A file with a syntax error, or with anything this reader does not vouch
for (an odd label, a repeated attribute), is parsed by python-hcl2 whole, so every refusal and its
message stay python-hcl2's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from planlint.source.hcl import INDEXED_KINDS, HclBlock

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_FULL: Any = object()  # "python-hcl2 must say": the value is not one this reader vouches for


@functools.cache
def _parser() -> Parser:
    from tree_sitter import Language, Parser
    from tree_sitter_hcl import language

    return Parser(Language(language()))


def read_blocks(text: str, shown_as: str) -> tuple[HclBlock, ...] | None:
    """The indexed top-level blocks of `text`, in file order; None when python-hcl2 must read the file."""
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    if root.has_error:
        return None
    blocks: list[HclBlock] = []
    for body in root.children:
        if body.type != "body":
            continue
        for node in body.children:
            if node.type != "block":
                continue
            kind = _text(node.children[0])
            if kind not in INDEXED_KINDS:
                continue
            block = _block(node, kind, data, shown_as)
            if block is None:
                return None
            blocks.append(block)
    return tuple(blocks)


def _block(node: Node, kind: str, data: bytes, shown_as: str) -> HclBlock | None:
    labels: list[str] = []
    body_node: Node | None = None
    for child in node.children[1:]:
        if child.type == "string_lit":
            label = _plain_string(child)
            if label is None:
                return None
            labels.append(label)
        elif child.type == "identifier":
            labels.append(_text(child))
        elif child.type == "body":
            body_node = child
    body = TreeBody(body_node, functools.partial(_python_hcl2, node, data, shown_as))
    if body.repeated:
        return None
    return HclBlock(
        kind=kind,
        labels=tuple(labels),
        path=shown_as,
        line=node.start_point.row + 1,
        end_line=node.end_point.row + 1,
        body=body,
        lines=body.lines(node.start_point.row + 1),
    )


class TreeBody(Mapping[str, Any]):
    """A block body read from the tree where the values are literals, from python-hcl2 otherwise."""

    def __init__(self, body: Node | None, full: Callable[[], Mapping[str, Any]]) -> None:
        self._full = full  # the same body from python-hcl2
        self._parsed: Mapping[str, Any] | None = None
        self.attributes: dict[str, Node] = {}
        self.nested: dict[str, list[Node]] = {}
        self.repeated = False
        for child in body.children if body is not None else ():
            if child.type == "attribute":
                name = _text(child.children[0])
                self.repeated = self.repeated or name in self.attributes or name in self.nested
                self.attributes[name] = child
            elif child.type == "block":
                name = _text(child.children[0])
                self.repeated = self.repeated or name in self.attributes
                self.nested.setdefault(name, []).append(child)

    def lines(self, line: int) -> dict[str, int]:
        """Attribute -> line, and nested block (and `block.attribute`) -> first line, as python-hcl2 reports."""
        lines = {name: node.start_point.row + 1 for name, node in self.attributes.items()}
        for name, blocks in self.nested.items():
            for nested_block in blocks:
                lines.setdefault(name, nested_block.start_point.row + 1)
                inner = next((c for c in nested_block.children if c.type == "body"), None)
                for child in inner.children if inner is not None else ():
                    if child.type == "attribute":
                        lines.setdefault(f"{name}.{_text(child.children[0])}", child.start_point.row + 1)
        return lines

    def __contains__(self, key: object) -> bool:
        return key in self.attributes or key in self.nested

    def __getitem__(self, key: str) -> Any:
        attribute = self.attributes.get(key)
        if attribute is not None:
            value = _literal(attribute)
            return value if value is not _FULL else self._python_hcl2()[key]
        blocks = self.nested.get(key)
        if blocks is None:
            raise KeyError(key)
        if any(_block_labels(b) for b in blocks):
            return self._python_hcl2()[key]
        bodies = []
        for index, nested_block in enumerate(blocks):
            inner = next((c for c in nested_block.children if c.type == "body"), None)
            nested_body = TreeBody(inner, functools.partial(_nested, self._python_hcl2, key, index))
            if nested_body.repeated or nested_body.nested:
                return self._python_hcl2()[key]
            bodies.append(nested_body)
        return bodies

    def __iter__(self) -> Iterator[str]:
        return iter(self._python_hcl2())

    def __len__(self) -> int:
        return len(self._python_hcl2())

    def _python_hcl2(self) -> Mapping[str, Any]:
        if self._parsed is None:
            self._parsed = self._full()
        return self._parsed


def _python_hcl2(block: Node, data: bytes, shown_as: str) -> Mapping[str, Any]:
    """A top-level block's body as python-hcl2 serialises it: the block's text parsed alone, at its own line."""
    from planlint.source.hcl import parse_with_python_hcl2

    text = data[block.start_byte : block.end_byte].decode("utf-8")
    [parsed] = parse_with_python_hcl2("\n" * block.start_point.row + text, shown_as)
    return parsed.body


def _nested(full: Callable[[], Mapping[str, Any]], key: str, index: int) -> Mapping[str, Any]:
    value: Mapping[str, Any] = full()[key][index]
    return value


def _literal(attribute: Node) -> Any:
    """The value python-hcl2 gives an attribute, when the tree alone settles it; else _FULL."""
    expression = next((c for c in attribute.children if c.type == "expression"), None)
    if expression is None or expression.child_count == 0:
        return _FULL
    first = expression.children[0]
    if expression.child_count == 1 and first.type == "literal_value" and first.child_count == 1:
        value = first.children[0]
        if value.type == "bool_lit":
            return _text(value) == "true"
        if value.type == "numeric_lit" and _text(value).isdigit():
            return int(_text(value))
        if value.type == "string_lit":
            text = _plain_string(value)
            return text if text is not None else _FULL
        return _FULL
    if first.type == "variable_expr" and all(c.type == "get_attr" for c in expression.children[1:]):
        text = _text(expression)
        if text.replace(".", "").replace("_", "").replace("-", "").isalnum():
            return "${" + text + "}"
    return _FULL


def _plain_string(node: Node) -> str | None:
    """A quoted string's text when it has no escape and no interpolation, else None."""
    parts = [c for c in node.children if c.type not in ("quoted_template_start", "quoted_template_end")]
    if not parts:
        return ""
    if len(parts) != 1 or parts[0].type != "template_literal":
        return None
    text = _text(parts[0])
    return None if "\\" in text or "${" in text or "%{" in text else text


def _block_labels(block: Node) -> bool:
    return any(c.type in ("string_lit", "identifier") for c in block.children[1:])


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8")
