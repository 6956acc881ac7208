"""One launcher of rules/commands/launchers.yaml, the table loaded, and one invocation being read.

Shared by planlint/guard/wrappers.py (the `runs:` styles that unwrap commands) and planlint/guard/scripts.py
(the styles that run scripts and interpreter code).
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from planlint.guard.shell import Env, Reader


class Launcher(NamedTuple):
    """One entry of rules/commands/launchers.yaml."""

    names: tuple[str, ...]
    runs: str
    source: str
    subcommands: tuple[str, ...] = ()
    builtin_subcommands: frozenset[str] = frozenset()
    positional: int = 0
    options_with_value: frozenset[str] = frozenset()
    string_options: frozenset[str] = frozenset()
    argv_options: frozenset[str] = frozenset()
    code_options: frozenset[str] = frozenset()
    code_in_args: bool = False
    exec_options: frozenset[str] = frozenset()
    lookup_options: frozenset[str] = frozenset()
    option_prefixes: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    assignments: bool = False
    stdin_args: bool = False
    default_command: tuple[str, ...] = ()
    interactive: bool = False
    local_bin: str = ""
    elsewhere: bool = False


def _launcher(entry: dict[str, Any]) -> Launcher:
    sets = ("builtin_subcommands", "options_with_value", "string_options", "argv_options", "code_options",
            "exec_options", "lookup_options")  # fmt: skip
    tuples = ("names", "subcommands", "default_command")
    values: dict[str, Any] = {
        k: frozenset(v) if k in sets else tuple(v) if k in tuples else v for k, v in entry.items()
    }
    values["option_prefixes"] = {k: tuple(v) for k, v in entry.get("option_prefixes", {}).items()}
    return Launcher(**values)


@lru_cache(maxsize=1)
def launchers() -> dict[str, tuple[Launcher, ...]]:
    """Program name → its launcher entries (entries with `subcommands` are tried first)."""
    from planlint.guard.tables import load_table

    table: dict[str, list[Launcher]] = {}
    for entry in load_table("launchers")["launchers"]:
        launcher = _launcher(entry)
        for name in launcher.names:
            table.setdefault(name, []).append(launcher)
    return {k: tuple(sorted(v, key=lambda x: not x.subcommands)) for k, v in table.items()}


class Call(NamedTuple):
    """One launcher invocation being read: the entry, the words, where its own words end, the reader."""

    launcher: Launcher
    words: list[str]
    start: int
    acc: Reader
    depth: int
    via: tuple[str, ...]
    env: Env


if TYPE_CHECKING:
    Style = Callable[[Call], None]


def skip_options(words: list[str], i: int, launcher: Launcher, stop_at_positional: bool = False) -> int:
    """Index of the first word after `launcher`'s options (`--` ends them)."""
    while i < len(words):
        word = words[i]
        if word == "--" and not stop_at_positional:
            return i + 1
        if not word.startswith("-") or word in ("-", "--"):
            return i
        i += 2 if word in launcher.options_with_value else 1
    return i
