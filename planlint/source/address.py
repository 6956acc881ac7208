"""Terraform addresses without instance keys: what a plan address and a .tf block have in common."""

from __future__ import annotations

import re
from dataclasses import dataclass

# One segment of a well-formed address: a name, then `[0]` or `["key"]` indexes (escapes inside quotes).
_SEGMENT = r'[^.\["\]]*(?:\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])*'
_WELL_FORMED = re.compile(rf"{_SEGMENT}(?:\.{_SEGMENT})*")
_SEGMENT_AND_DOT = re.compile(rf"({_SEGMENT})(\.|$)")


@dataclass(frozen=True, slots=True)
class BlockAddress:
    """`module.a["x"].module.b.aws_db_instance.main[0]` -> module ("a", "b"), key `aws_db_instance.main`."""

    module: tuple[str, ...]
    key: str  # "aws_db_instance.main", "data.aws_iam_policy.x", or "" for a module call address

    @property
    def text(self) -> str:
        prefix = "".join(f"module.{name}." for name in self.module)
        return f"{prefix}{self.key}" if self.key else prefix.rstrip(".")


def split_segments(address: str) -> list[str]:
    """Split on dots outside `[...]` and quotes: `a["x.y"].b` -> [`a["x.y"]`, `b`]."""
    if _WELL_FORMED.fullmatch(address):  # any address a plan writes: split by the regular expression
        segments = []
        for segment, dot in _SEGMENT_AND_DOT.findall(address):
            segments.append(segment)
            if not dot:
                return segments
    return _split_by_characters(address)


def _split_by_characters(address: str) -> list[str]:
    segments: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in address:
        if quoted:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            segments.append("".join(current))
            current = []
            continue
        current.append(char)
    segments.append("".join(current))
    return segments


def strip_index(segment: str) -> str:
    """`name["key"]` -> `name`."""
    bracket = segment.find("[")
    return segment if bracket < 0 else segment[:bracket]


def parse_address(address: str) -> BlockAddress:
    """The block a plan address belongs to: module path and `type.name` with every index removed."""
    segments = [strip_index(s) for s in split_segments(address.strip())]
    module: list[str] = []
    position = 0
    while position + 1 < len(segments) and segments[position] == "module":
        module.append(segments[position + 1])
        position += 2
    rest = segments[position:]
    return BlockAddress(tuple(module), ".".join(rest))


def module_call(address: BlockAddress) -> BlockAddress | None:
    """The `module "x"` block that instantiates the module this address lives in, if any."""
    if not address.module:
        return None
    return BlockAddress(address.module[:-1], f"module.{address.module[-1]}")
