"""Decode CloudFormation templates with the standard library's `json` and PyYAML's C loader.

The result is what cfn-lint's decoder (`cfnlint.decode.decode_str`, cfn-lint 1.x) gives for the same
text: JSON is read with YAML 1.1's scalar resolution (cfn-lint reads JSON through its YAML loader, so
`1.5e10` stays a string), short-form tags (`!Ref`, `!GetAtt a.b`, `!Sub`, ...) become their
`Ref`/`Fn::*` mappings, YAML merge keys (`<<`) are applied, and dates stay `datetime.date`.

Anything this module does not accept exactly as cfn-lint would (a duplicate or null key, an
unknown tag, aliases expanding past cfn-lint's node limit, a syntax error, unusual line breaks) is
`None`: the caller then asks cfn-lint's own decoder, which gives the verdict and the message. Only the
happy path is fast; no input is accepted here that cfn-lint refuses.

Marks: `Spans` maps `id(mapping)` of the `Resources` mapping (and of each `Fn::ForEach` fragment) to
{key: (key line, value end (line, column))}, 0-based like YAML marks; None where cfn-lint has no mark.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import yaml

Mark = tuple[int, int]
KeySpan = tuple[int | None, Mark | None]
Spans = dict[int, dict[Any, KeySpan]]

FOREACH_PREFIX = "Fn::ForEach::"
MAX_EXPANDED_NODES = 250_000  # cfn-lint's limit on alias-expanded templates (decode/cfn_yaml.py)
_MERGE = "tag:yaml.org,2002:merge"
_UNCONVERTED = ("Ref", "Condition")  # short tags that do not get the "Fn::" prefix
# YAML 1.1 floats as PyYAML resolves them: a '.' is required, an exponent needs its sign.
_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")
# Outside YAML's printable set, or a line break YAML counts but `\n`-counting would not.
_NOT_PLAIN_JSON = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_WS = re.compile(r"[ \t\n\r]*")


class _Refused(Exception):
    """This text needs cfn-lint's decoder (for its verdict or its message)."""


def load(text: str) -> tuple[Any, Spans, bool] | None:
    """(document, resource spans, whether keys may be other than `str`), or None when cfn-lint must decide.

    JSON keys are always strings; YAML's may be ints, dates, ... (see the module doc).
    """
    try:
        if text.lstrip(" \r\n")[:1] == "{" and _plain_json(text):
            try:
                return (*_JsonWalk(text).document(), False)
            except _Refused:
                pass
        return (*_load_yaml(text), True)
    except (_Refused, yaml.YAMLError, ValueError, TypeError, IndexError, StopIteration, RecursionError):
        return None


# ---- JSON -------------------------------------------------------------------------------------------


def _plain_json(text: str) -> bool:
    return (
        _NOT_PLAIN_JSON.search(text) is None
        and text.count("\r") == text.count("\r\n")
        and _SURROGATE_ESCAPE.search(text) is None
    )


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Refused("duplicate key")
    return mapping


def _yaml_float(literal: str) -> float | str:
    return float(literal) if _YAML_FLOAT.fullmatch(literal) else literal


def _refuse_constant(literal: str) -> Any:
    raise _Refused(literal)  # NaN / Infinity: not JSON, and plain strings to YAML


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique, parse_float=_yaml_float, parse_constant=_refuse_constant
)
_scan_value: Any = _DECODER.scan_once  # type: ignore[attr-defined]  # (text, pos) -> (value, end); C


class _JsonWalk:
    """Walk the top object and `Resources` by hand (for positions); C-decode every value below them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: Spans = {}
        self._line_pos, self._line = 0, 0  # positions only increase: count line breaks incrementally

    def document(self) -> tuple[Any, Spans]:
        text = self.text
        document, end = self._object(_WS.match(text, 0).end(), "top")  # type: ignore[union-attr]
        if _WS.match(text, end).end() != len(text):  # type: ignore[union-attr]
            raise _Refused("content after the document")
        return document, self.spans

    def _mark(self, pos: int) -> Mark:
        self._line += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line, pos - (self.text.rfind("\n", 0, pos) + 1)

    def _ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def _object(self, pos: int, level: str) -> tuple[dict[Any, Any], int]:
        text = self.text
        if text[pos] != "{":
            raise _Refused("not an object")
        mapping: dict[Any, Any] = {}
        spans: dict[Any, KeySpan] = {}
        pos = self._ws(pos + 1)
        if text[pos] == "}":
            pos += 1
        while text[pos - 1] != "}":
            if text[pos] != '"':
                raise _Refused("expected a key")
            key_line = self._mark(pos)[0] if level == "resources" else None
            key, pos = scanstring(text, pos + 1, True)
            pos = self._ws(pos)
            if text[pos] != ":" or key in mapping:
                raise _Refused("expected ':' or a new key")
            pos = self._ws(pos + 1)
            value: Any
            if level == "top" and key == "Resources" and text[pos] == "{":
                value, pos = self._object(pos, "resources")
            elif level == "resources" and key.startswith(FOREACH_PREFIX) and text[pos] == "[":
                value, pos = self._foreach(pos)
            else:
                value, pos = _scan_value(text, pos)
            if level == "resources":
                spans[key] = (key_line, self._mark(pos) if isinstance(value, dict) else None)
            mapping[key] = value
            pos = self._ws(pos)
            if text[pos] not in ",}":
                raise _Refused("expected ',' or '}'")
            pos = self._ws(pos + 1) if text[pos] == "," else pos + 1
        if level == "resources":
            self.spans[id(mapping)] = spans
        return mapping, pos

    def _foreach(self, pos: int) -> tuple[list[Any], int]:
        """[identifier, collection, fragment]: the fragment is walked like `Resources`."""
        text = self.text
        items: list[Any] = []
        pos = self._ws(pos + 1)
        while text[pos] != "]":
            if len(items) == 2 and text[pos] == "{":
                item, pos = self._object(pos, "resources")
            else:
                item, pos = _scan_value(text, pos)
            items.append(item)
            pos = self._ws(pos)
            if text[pos] == ",":
                pos = self._ws(pos + 1)
                if text[pos] == "]":
                    raise _Refused("trailing comma")
            elif text[pos] != "]":
                raise _Refused("expected ',' or ']'")
        return items, pos + 1


# ---- YAML -------------------------------------------------------------------------------------------


class _Loader(yaml.CSafeLoader):
    """PyYAML's C safe loader building plain dicts, refusing what cfn-lint's loader refuses."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.mapping_nodes: dict[int, tuple[dict[Any, Any], yaml.MappingNode]] = {}


def _map(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    merged = any(key_node.tag == _MERGE for key_node, _ in node.value)
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        if key is None or (key in mapping and not merged):  # `in` raises TypeError when unhashable
            raise _Refused("null or duplicate key")
        mapping[key] = loader.construct_object(value_node, deep=False)
    loader.mapping_nodes[id(mapping)] = (mapping, node)
    return mapping


def _seq(loader: _Loader, node: yaml.SequenceNode) -> list[Any]:
    return [loader.construct_object(child, deep=False) for child in node.value]


def _short_form(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    """`!Ref x` -> {"Ref": "x"}, `!Sub s` -> {"Fn::Sub": "s"}, `!GetAtt a.b` -> {"Fn::GetAtt": ["a", "b"]}."""
    name = suffix if suffix in _UNCONVERTED else f"Fn::{suffix}"
    value: Any
    if name == "Fn::GetAtt" and isinstance(node, yaml.ScalarNode):
        value = node.value.split(".", 1)
    elif name == "Fn::GetAtt" and isinstance(node, yaml.MappingNode):
        plain = yaml.MappingNode("tag:yaml.org,2002:map", node.value, node.start_mark, node.end_mark)
        value = loader.construct_object(plain, deep=True)
    elif name == "Fn::GetAtt" and isinstance(node, yaml.SequenceNode):
        value = [loader.construct_object(child, deep=True) for child in node.value]
    elif isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, True)
    else:
        raise _Refused(f"bad tag !{suffix}")
    return {name: value}


_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)
_Loader.add_multi_constructor("!", _short_form)


def _load_yaml(text: str) -> tuple[Any, Spans]:
    loader = _Loader(text)
    try:
        document = loader.get_single_data()
    finally:
        loader.dispose()
    if document is None:
        document = {}
    if "&" in text:
        _expanded_size(document, {})
    spans: Spans = {}
    resources = document.get("Resources") if isinstance(document, dict) else None
    if isinstance(resources, dict):
        _yaml_spans(loader, resources, spans)
    return document, spans


def _yaml_spans(loader: _Loader, mapping: dict[Any, Any], spans: Spans) -> None:
    entry = loader.mapping_nodes.get(id(mapping))
    if entry is None or entry[0] is not mapping:
        raise _Refused("resources not written as a plain mapping")
    found: dict[Any, KeySpan] = {}
    for key_node, value_node in entry[1].value:
        key = loader.construct_object(key_node, deep=True)
        line = found[key][0] if key in found else (key_node.start_mark.line if isinstance(key, str) else None)
        value = mapping[key]
        end = value_node.end_mark if isinstance(value, dict) else None
        found[key] = (line, (end.line, end.column) if end is not None else None)
        foreach = isinstance(key, str) and key.startswith(FOREACH_PREFIX) and isinstance(value, list)
        if foreach and len(value) == 3 and isinstance(value[2], dict):
            _yaml_spans(loader, value[2], spans)
    spans[id(mapping)] = found


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """Nodes once aliases are expanded; over cfn-lint's limit -> refused (cfn-lint names the problem)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    total = 1
    for child in children:
        total += _expanded_size(child, memo)
        if total > MAX_EXPANDED_NODES:
            raise _Refused("alias expansion")
    memo[id(node)] = total
    return total
