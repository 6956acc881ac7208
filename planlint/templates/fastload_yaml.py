"""The YAML side of `fastload`: PyYAML's C safe loader, refusing what cfn-lint's loader refuses.

Imported by `fastload.load` only for a text that is not plain JSON (or that its JSON walk hands
over), so a JSON template is decoded without importing PyYAML. Same contract as `fastload.load`
(see its module doc): anything not accepted exactly as cfn-lint would is None.
"""

from __future__ import annotations

from typing import Any

import yaml

from planlint.templates.fastload import FOREACH_PREFIX, REFUSALS, KeySpan, Refused, Spans

MAX_EXPANDED_NODES = 250_000  # cfn-lint's limit on alias-expanded templates (decode/cfn_yaml.py)
_MERGE = "tag:yaml.org,2002:merge"
_UNCONVERTED = ("Ref", "Condition")  # short tags that do not get the "Fn::" prefix


def load_yaml(text: str) -> tuple[Any, Spans, bool] | None:
    """(document, resource spans, True: keys may be other than `str`), or None when cfn-lint must decide."""
    try:
        return (*_load(text), True)
    except (yaml.YAMLError, *REFUSALS):
        return None


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
            raise Refused("null or duplicate key")
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
        raise Refused(f"bad tag !{suffix}")
    return {name: value}


_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)
_Loader.add_multi_constructor("!", _short_form)


def _load(text: str) -> tuple[Any, Spans]:
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
        raise Refused("resources not written as a plain mapping")
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
            raise Refused("alias expansion")
    memo[id(node)] = total
    return total
