"""Destructive cloud, cluster and database commands, looked up in `rules/commands/destructive.yaml`.

`destructive_command(argv)` is the one lookup: the hook denies a match, and guard classification
(planlint/guard/classify.py) turns a match into kind `approval`, so guard runs it only with a peer's
approval bound to the exact command.

A database client's statements come from its options (`psql -c`), its files (`psql -f x.sql`, and the
files those include: psql `\\i`, mysql `source`), or its standard input (`psql < x.sql`, `cat x.sql | psql`).
Statements planlint cannot read (a missing file, input computed at run time) are not passed: the client
is refused as if they dropped something.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from planlint.guard.shellwords import is_dynamic, tool_basename

STDIN_COMPUTED = (
    "\0computed"  # planlint.guard.shell.STDIN_COMPUTED (not imported: the guard loads this alone)
)
_INCLUDE = (  # compiled on first use (re caches it)
    r"^\s*(?:\\i|\\ir|\\include|\\include_relative|\\\.|source)\s+(\S+?);?\s*$"
)


class DestructiveCommand(NamedTuple):
    """A catalogue match: which entry, for which program, and what the command destroys."""

    id: str
    program: str
    what: str
    source: str

    @property
    def reason(self) -> str:
        return f"{self.program}: {self.what} ({self.id})"


class _Entry(NamedTuple):
    id: str
    words: tuple[frozenset[str], ...]
    flags: tuple[frozenset[str], ...]
    sql_options: frozenset[str]
    sql_file_options: frozenset[str]
    statements: str | None  # a regex, compiled on first use (re caches it): most lines run no SQL client
    what: str
    source: str


def _alternatives(value: Any) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, frozenset[str]], dict[str, tuple[_Entry, ...]]]:
    from planlint.guard.tables import load_table

    table = load_table("destructive")
    options = {name: frozenset(spec["options_with_value"]) for name, spec in table["programs"].items()}
    entries: dict[str, list[_Entry]] = {}
    for item in table["commands"]:
        statements = item.get("statements")
        entry = _Entry(
            item["id"],
            tuple(_alternatives(w) for w in item.get("words", [])),
            tuple(frozenset(group) for group in item.get("flags", [])),
            frozenset(item.get("sql_options", [])),
            frozenset(item.get("sql_file_options", [])),
            r"(?i)\b(?:" + "|".join(map(re.escape, statements)) + r")\b" if statements else None,
            item["what"],
            item["source"],
        )
        for program in _alternatives(item["program"]):
            entries.setdefault(program, []).append(entry)
    return options, {k: tuple(v) for k, v in entries.items()}


def destructive_command(
    argv: Sequence[str], stdin: str | None = None, cwd: str = "."
) -> DestructiveCommand | None:
    """The catalogue entry `argv` matches (or would match, were its computed words known), else None.

    `stdin` is the text piped or redirected into the command (a database client's statements), or
    STDIN_COMPUTED when it is not known; `cwd` is where relative file names are opened.
    """
    if not argv:
        return None
    program = tool_basename(argv[0])
    options, entries = _catalogue()
    candidates = entries.get(program)
    if not candidates:
        return None
    positional, flags = _split(argv[1:], options.get(program, frozenset()))
    for entry in candidates:
        if entry.statements is not None:
            texts = _sql_texts(argv[1:], entry.sql_options) + ([stdin] if stdin else [])
            files = _sql_texts(argv[1:], entry.sql_file_options)
            unseen = _read_statements(texts, files, cwd)
            if unseen:
                what = f"{entry.what}, unless {unseen} (which planlint cannot read) does not"
                return DestructiveCommand(entry.id, program, what, entry.source)
            if any(
                "$" in t or "`" in t or re.search(entry.statements, t) for t in texts
            ):  # `count(*)` is no glob
                return DestructiveCommand(entry.id, program, entry.what, entry.source)
            continue
        matched = _match_words(entry.words, positional)
        if matched is None or not all(group & flags for group in entry.flags):
            continue
        what = entry.what if matched else f"{entry.what}, unless a word computed at run time says otherwise"
        return DestructiveCommand(entry.id, program, what, entry.source)
    return None


def catalogued(program: str) -> bool:
    """True when the catalogue has entries for `program` (a cloud, cluster or database CLI)."""
    return tool_basename(program) in _catalogue()[1]


def reads_statements(program: str) -> bool:
    """True when `program` is a database client the catalogue reads statements for (psql, mysql, …)."""
    return any(e.statements is not None for e in _catalogue()[1].get(tool_basename(program), ()))


def sql_includes(text: str) -> list[str]:
    """Files that SQL `text` includes (`\\i f.sql`, `\\ir`, `source f.sql`): the client opens them at run time."""
    found: list[str] = re.findall(_INCLUDE, text, re.I | re.M)
    return found


def _split(args: Sequence[str], with_value: frozenset[str]) -> tuple[list[str], frozenset[str]]:
    positional: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            positional += args[i + 1 :]
            break
        if word.startswith("-") and len(word) > 1:
            name = word.split("=", 1)[0]
            flags.add(name)
            if name in with_value and "=" not in word:
                i += 1
        else:
            positional.append(word)
        i += 1
    return positional, frozenset(flags)


def _match_words(words: tuple[frozenset[str], ...], positional: list[str]) -> bool | None:
    """True: every word matches; False: a computed word stands where a listed word must; None: no match."""
    for expected, word in zip(words, positional + [""] * len(words), strict=False):
        if is_dynamic(word):
            return False
        if word.split("/", 1)[0] not in expected:
            return None
    return True


def _read_statements(texts: list[str], files: list[str], cwd: str) -> str:
    """Add the text of `files`, and of the files `texts` include, to `texts`; "" or what could not be read."""
    from planlint.guard.files import read_text

    if STDIN_COMPUTED in texts:
        texts.remove(STDIN_COMPUTED)
        return "input computed at run time"
    pending = list(files)
    for text in texts:
        pending += sql_includes(text)
    for _ in range(32):  # includes of includes, bounded
        if not pending:
            return ""
        found = read_text(pending.pop(0), cwd)
        if found.text is None:
            return found.shown
        texts.append(found.text)
        pending += sql_includes(found.text)
    return "files that include too many others"


def _sql_texts(args: Sequence[str], sql_options: frozenset[str]) -> list[str]:
    texts = []
    for i, word in enumerate(args):
        name, eq, value = word.partition("=")
        if eq and name in sql_options:
            texts.append(value)
        elif word in sql_options and i + 1 < len(args):
            texts.append(args[i + 1])
    return texts
