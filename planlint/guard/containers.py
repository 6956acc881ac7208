"""Commands run in a container or pod: `docker exec db psql -c …`, `docker run hashicorp/terraform destroy`,
`kubectl exec pod -- …`, `kubectl run tf --image=hashicorp/terraform -- destroy`.

The launcher style `container` (rules/commands/launchers.yaml) lands here. Where each program's command
starts is data: rules/commands/remote.yaml `containers` (schema planlint/schemas/remote.schema.json). The
command is judged like any launcher's, with the line's standard input (`docker exec -i db psql < x.sql`).
A call no entry describes is read as before: the words after `--`, or from a word naming an
infrastructure tool.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from planlint.guard.shell import SimpleCommand
from planlint.guard.shellwords import mentions_iac, tool_basename
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from planlint.guard.launcher import Call


class Container(NamedTuple):
    """One entry of rules/commands/remote.yaml `containers`."""

    id: str
    words: tuple[frozenset[str], ...]
    source: str
    positional: int = 0
    options_with_value: frozenset[str] = frozenset()
    image: bool = False
    image_option: str = ""
    command_flag: str = ""
    entrypoint_option: str = ""
    image_tools: Mapping[str, str] = MappingProxyType({})


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[Container, ...]]:
    from planlint.guard.tables import load_table

    table: dict[str, list[Container]] = {}
    for item in load_table("remote")["containers"]:
        values: dict[str, Any] = {k: v for k, v in item.items() if k != "program"}
        values["words"] = tuple(frozenset([w] if isinstance(w, str) else w) for w in item["words"])
        values["options_with_value"] = frozenset(item.get("options_with_value", ()))
        entry = Container(**values)
        for program in [item["program"]] if isinstance(item["program"], str) else item["program"]:
            table.setdefault(program, []).append(entry)
    return {k: tuple(v) for k, v in table.items()}


def container_style(call: Call) -> None:
    """Record the call itself (the delete catalogue judges it), then judge the command it runs inside."""
    from planlint.guard.wrappers import TOOL_NAME

    _launcher, words, _start, acc, depth, via, env = call
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file,
                                      stdin=acc.stdin, cwd=acc.cwd))  # fmt: skip
    for entry in _table().get(tool_basename(words[0]), ()):
        inner = _inner(words, entry)
        if inner is not None:
            if inner:
                acc.peel(inner, depth, via, env)
            return
    if "--" in words:
        acc.peel(words[words.index("--") + 1 :], depth, via, env)
        return
    for i, word in enumerate(words[1:], start=1):
        if TOOL_NAME.match(tool_basename(word)) and tool_basename(word) != tool_basename(words[0]):
            acc.peel(words[i:], depth, via, env)
            return
        if " " in word and mentions_iac(word):
            acc.parse_into(word, depth + 1, via)


def _inner(words: list[str], entry: Container) -> list[str] | None:
    """The command `words` runs inside the container ([] for none), or None when `entry` does not match."""
    from planlint.guard.destructive import value_options

    with_value = entry.options_with_value | value_options(words[0])
    matched = 0
    own: list[str] = []
    given: dict[str, str] = {}
    i = 1
    while i < len(words):
        word = words[i]
        if word == "--":
            if matched < len(entry.words):
                return None
            own += words[i + 1 :]
            break
        if (
            word.startswith("-")
            and len(word) > 1
            and (matched < len(entry.words) or len(own) <= entry.positional)
        ):
            name, eq, value = word.partition("=")
            takes = name in with_value and not eq
            given[name] = value if eq else (words[i + 1] if takes and i + 1 < len(words) else "")
            i += 2 if takes else 1
            continue
        if matched < len(entry.words):
            if word not in entry.words[matched]:
                return None
            matched += 1
        else:
            own.append(word)
            if len(own) > entry.positional and not (entry.image and len(own) == 1):
                own += words[i + 1 :]
                break
        i += 1
    if matched < len(entry.words):
        return None
    args = own[entry.positional :]
    image = entry.image_option and given.get(entry.image_option, "")
    if entry.image and args:
        image, args = args[0], args[1:]
    entrypoint = given.get(entry.entrypoint_option, "") if entry.entrypoint_option else ""
    if entrypoint:
        return [entrypoint, *args]
    tool = entry.image_tools.get(tool_basename(image), tool_basename(image)) if image else ""
    if tool and entry.command_flag not in given and _runs_tool(tool):
        return [tool, *args]
    return args


def _runs_tool(name: str) -> bool:
    """An image named after an infrastructure tool runs it (`hashicorp/terraform`, `pulumi/pulumi`)."""
    from planlint.guard.wrappers import TOOL_NAME

    return TOOL_NAME.match(name) is not None
