"""Decode CloudFormation templates with the standard library's `json` and PyYAML's C loader.

The result is what cfn-lint's decoder (`cfnlint.decode.decode_str`, cfn-lint 1.x) gives for the same
text: JSON is read with YAML 1.1's scalar resolution (cfn-lint reads JSON through its YAML loader, so
`1.5e10` stays a string), short-form tags (`!Ref`, `!GetAtt a.b`, `!Sub`, ...) become their
`Ref`/`Fn::*` mappings, YAML merge keys (`<<`) are applied, and dates stay `datetime.date`.

Anything this module does not accept exactly as cfn-lint would (a duplicate or null key, an
unknown tag, aliases expanding past cfn-lint's node limit, a syntax error, unusual line breaks) is
`None`: the caller then asks cfn-lint's own decoder, which gives the verdict and the message. Only the
happy path is fast; no input is accepted here that cfn-lint refuses.

PyYAML is imported only for a text that is not plain JSON (or that the JSON walk hands over):
the YAML side lives in `fastload_yaml`, so decoding a JSON template never imports `yaml`.

Marks: `Spans` maps `id(mapping)` of the `Resources` mapping (and of each `Fn::ForEach` fragment) to
{key: (key line, value end (line, column))}, 0-based like YAML marks; None where cfn-lint has no mark.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

Mark = tuple[int, int]
KeySpan = tuple[int | None, Mark | None]
Spans = dict[int, dict[Any, KeySpan]]

FOREACH_PREFIX = "Fn::ForEach::"
# YAML 1.1 floats as PyYAML resolves them: a '.' is required, an exponent needs its sign.
_YAML_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")
# Outside YAML's printable set ([\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]), or a line
# break YAML counts but `\n`-counting would not (\x85, \u2028, \u2029). Written as the complement's ranges:
# the same characters (tests/source/test_template_fastload.py checks every code point), compiled in under
# 1 ms where the negated class with the astral range took 10-20 ms on a loaded 2-core machine.
_NOT_PLAIN_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_WS = re.compile(r"[ \t\n\r]*")


class Refused(Exception):
    """This text needs cfn-lint's decoder (for its verdict or its message)."""


# What makes `load` return None, so that cfn-lint's decoder decides; `fastload_yaml` adds `yaml.YAMLError`.
REFUSALS = (Refused, ValueError, TypeError, IndexError, StopIteration, RecursionError)


def load(text: str) -> tuple[Any, Spans, bool] | None:
    """(document, resource spans, whether keys may be other than `str`), or None when cfn-lint must decide.

    JSON keys are always strings; YAML's may be ints, dates, ... (see the module doc).
    """
    try:
        if text.lstrip(" \r\n")[:1] == "{" and _plain_json(text):
            try:
                return (*_JsonWalk(text).document(), False)
            except Refused:
                pass  # read as YAML below
    except REFUSALS:
        return None
    from planlint.templates.fastload_yaml import load_yaml

    return load_yaml(text)


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
        raise Refused("duplicate key")
    return mapping


def _yaml_float(literal: str) -> float | str:
    return float(literal) if _YAML_FLOAT.fullmatch(literal) else literal


def _refuse_constant(literal: str) -> Any:
    raise Refused(literal)  # NaN / Infinity: not JSON, and plain strings to YAML


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
            raise Refused("content after the document")
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
            raise Refused("not an object")
        mapping: dict[Any, Any] = {}
        spans: dict[Any, KeySpan] = {}
        pos = self._ws(pos + 1)
        if text[pos] == "}":
            pos += 1
        while text[pos - 1] != "}":
            if text[pos] != '"':
                raise Refused("expected a key")
            key_line = self._mark(pos)[0] if level == "resources" else None
            key, pos = scanstring(text, pos + 1, True)
            pos = self._ws(pos)
            if text[pos] != ":" or key in mapping:
                raise Refused("expected ':' or a new key")
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
                raise Refused("expected ',' or '}'")
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
                    raise Refused("trailing comma")
            elif text[pos] != "]":
                raise Refused("expected ',' or ']'")
        return items, pos + 1
