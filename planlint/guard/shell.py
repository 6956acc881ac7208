"""Split a shell command line into the simple commands it would run, with wrappers peeled off.

This is not a shell. It is a conservative reader for the one question the agent hooks ask: which
programs, with which arguments, would this line start? Separators (`;`, `&&`, `||`, `|`, `&`,
newlines, subshells, braces), wrappers (`sudo`, `env A=b`, `time`, `nohup`, `timeout`, `xargs`,
`aws-vault exec … --`, `npx`, `ssh host …`, `docker run …`) and nested shells (`bash -c '…'`,
recursively) are unwrapped. What cannot be known without running the line — command substitution,
backticks, heredocs, `eval` of computed text, a computed command name, a shell reading its script
from a pipe — is reported as *unverifiable*; the caller decides (the hooks deny when an IaC tool is
in sight).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planlint.guard.shellwords import (
    is_dynamic,
    mentions_iac,
    segments,
    tokenize,
    tool_basename,
)
from planlint.guard.wrappers import ASSIGNMENT, WRAPPERS

_KEYWORDS = frozenset(
    ["!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "in"]
)
_LOOP_HEADERS = frozenset(("for", "case", "select", "function"))
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One program invocation: its argv after wrappers, and the variables set in front of it."""

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    stdin_args: bool = False  # run by xargs: more arguments arrive from a pipe at run time
    via: tuple[str, ...] = ()  # wrappers that were peeled off, outermost first


@dataclass(frozen=True, slots=True)
class ShellLine:
    """What a command line runs, and what about it cannot be known without running it."""

    commands: tuple[SimpleCommand, ...] = ()
    unverifiable: tuple[str, ...] = ()
    mentions_iac: bool = False


@dataclass(slots=True)
class Reader:
    """What one parse has found so far; wrappers (planlint/guard/wrappers.py) call back into it."""

    commands: list[SimpleCommand] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    mentions: bool = False

    def parse_into(self, text: str, depth: int, via: tuple[str, ...]) -> None:
        _parse_into(text, self, depth, via)

    def peel(self, words: list[str], depth: int, via: tuple[str, ...], env: Env) -> None:
        if words:
            _peel(words, self, depth, via, env)


Env = tuple[tuple[str, str], ...]


def parse(text: str) -> ShellLine:
    """Every simple command `text` would start, wrappers peeled, plus what cannot be verified."""
    acc = Reader(mentions=mentions_iac(text))
    _parse_into(text, acc, depth=0, via=())
    unique = tuple(dict.fromkeys(acc.unverifiable))
    return ShellLine(tuple(acc.commands), unique, acc.mentions)


def _parse_into(text: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    if depth > MAX_DEPTH:
        acc.unverifiable.append("shell nesting too deep to follow")
        return
    mentions = mentions_iac(text)
    if mentions:
        for marker, label in (
            ("$(", "command substitution $(…)"),
            ("`", "backtick command substitution"),
            ("<<", "heredoc"),
            ("<(", "process substitution <(…)"),
            (">(", "process substitution >(…)"),
        ):
            if marker in text:
                acc.unverifiable.append(f"{label} next to an infrastructure tool")
    try:
        tokens = tokenize(text)
    except ValueError as exc:
        if mentions:
            acc.unverifiable.append(f"the shell line cannot be read ({exc})")
        return
    for segment in segments(tokens):
        _peel(segment, acc, depth, via, env=())


def _peel(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """Strip keywords, assignments and wrappers from one simple command, recursing into nested shells."""
    i = 0
    env_list = list(env)
    while i < len(words) and (words[i] in _KEYWORDS or ASSIGNMENT.match(words[i])):
        if ASSIGNMENT.match(words[i]):
            name, _, value = words[i].partition("=")
            env_list.append((name, value))
        i += 1
    rest = words[i:]
    if not rest or rest[0] in _LOOP_HEADERS:
        return
    head = rest[0]
    if is_dynamic(head.replace("${HOME}", "~").replace("$HOME", "~")):
        # `$` alone or `` `…` `` is what is left of a substitution whose commands are read separately;
        # it matters only next to an IaC tool. Any other computed program name is unverifiable.
        if not (head == "$" or (head.startswith("`") and head.endswith("`"))) or acc.mentions:
            acc.unverifiable.append(f"the program name {head!r} is computed at run time")
        return
    name = tool_basename(head)
    wrapper = WRAPPERS.get(name)
    if wrapper is not None:
        wrapper(rest, acc, depth, (*via, name), tuple(env_list))
        return
    acc.commands.append(SimpleCommand(tuple(rest), tuple(env_list), via=via))


# --- wrappers -------------------------------------------------------------------------------------
