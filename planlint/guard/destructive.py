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
from functools import lru_cache

from planlint.guard.cli_args import given, list_values, match_words, options, split
from planlint.guard.shellwords import tool_basename
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

STDIN_COMPUTED = (
    "\0computed"  # planlint.guard.shell_text.STDIN_COMPUTED (not imported: the guard loads this alone)
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
    computed: tuple[str, ...]  # regexes: client commands whose statements or shell commands are computed
    what: str
    source: str
    values: tuple[tuple[str, str], ...] = ()  # (option, regex): only with such a value (`Status=Suspended`)
    argument_statements: bool = False  # its positional words are a statement too (`redis-cli FLUSHALL`)


def _alternatives(value: Any) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, frozenset[str]], dict[str, tuple[_Entry, ...]]]:
    from planlint.guard.tables import load_table

    table = load_table("destructive")
    global_options = {name: frozenset(spec["options_with_value"]) for name, spec in table["programs"].items()}
    entries: dict[str, list[_Entry]] = {}
    for item in table["commands"]:
        statements = item.get("statements", [])
        patterns = [r"\b(?:" + "|".join(map(re.escape, statements)) + r")\b"] if statements else []
        patterns += item.get("statement_patterns", [])  # `UPDATE … SET …` without a WHERE
        entry = _Entry(
            item["id"],
            tuple(_alternatives(w) for w in item.get("words", [])),
            tuple(frozenset(group) for group in item.get("flags", [])),
            frozenset(item.get("sql_options", [])),
            frozenset(item.get("sql_file_options", [])),
            "(?i)" + "|".join(patterns) if patterns else None,
            tuple(item.get("computed", ())),
            item["what"],
            item["source"],
            tuple(item.get("values", {}).items()),
            item.get("argument_statements", False),
        )
        for program in _alternatives(item["program"]):
            entries.setdefault(program, []).append(entry)
    return global_options, {k: tuple(v) for k, v in entries.items()}


def destructive_command(
    argv: Sequence[str], stdin: str | None = None, cwd: str = "."
) -> DestructiveCommand | None:
    """The catalogue entry `argv` matches (or would match, were its computed words known), else None.

    `stdin` is the text piped or redirected into the command (a database client's statements), or
    STDIN_COMPUTED when it is not known; `cwd` is where relative file names are opened.
    """
    argv = program_argv(argv)
    if not argv:
        return None
    program = tool_basename(argv[0])
    entries = _catalogue()[1]
    candidates = entries.get(program)
    if not candidates:
        return None
    with_value = value_options(program) | file_options(program)
    positional, flags = split(argv[1:], with_value)
    positional = command_words(program, positional)
    words = frozenset(argv[1:])
    for entry in candidates:
        if entry.statements is not None:
            if entry.words and match_words(entry.words, positional) is None:
                continue
            if entry.words:  # an AWS CLI call: a list (`--sqls A B`); a `file://` value is the file's text
                values = list_values(argv[1:], entry.sql_options)
                files = [v.partition("://")[2] for v in values if v.startswith(_SCHEMES)]
                texts = [v for v in values if not v.startswith(_SCHEMES)]
            else:
                texts = _sql_texts(argv[1:], entry.sql_options, with_value) + ([stdin] if stdin else [])
                texts += [" ".join(positional)] if entry.argument_statements and positional else []
                files = _sql_texts(argv[1:], entry.sql_file_options, with_value)
            unseen = _read_statements(texts, files, cwd)
            if unseen:
                what = f"{entry.what}, unless {unseen} (which planlint cannot read) does not"
                return DestructiveCommand(entry.id, program, what, entry.source)
            computed = next((m.group(0) for c in entry.computed for t in texts if (m := re.search(c, t))), "")
            if computed:
                what = f"{entry.what}, unless what {computed.strip()[:40]!r} runs (decided when it runs) does not"
                return DestructiveCommand(entry.id, program, what, entry.source)
            if any(
                "$" in t or "`" in t or re.search(entry.statements, t) for t in texts
            ):  # `count(*)` is no glob
                return DestructiveCommand(entry.id, program, entry.what, entry.source)
            continue
        matched = match_words(entry.words, positional)
        if matched is not None and (entry.flags or entry.values) and _cli_input(program, argv):
            # the AWS CLI takes every parameter from --cli-input-json/--cli-input-yaml as well: unread, it may set
            # the one the entry names (docs.aws.amazon.com/cli/latest/userguide/cli-usage-skeleton.html)
            return DestructiveCommand(entry.id, program, f"{entry.what}, which its --cli-input-json/yaml may set",
                                      entry.source)  # fmt: skip
        # a flag word counts even where a value-taking option would swallow it (`docker system prune -af
        # --volumes`: `-f` is compose's file option, and `system prune`'s --force)
        if matched is None or not all(given(group, flags) or group & words for group in entry.flags):
            continue
        if entry.values and not _values_match(entry.values, argv[1:], with_value, cwd):
            continue
        what = entry.what if matched else f"{entry.what}, unless a word computed at run time says otherwise"
        return DestructiveCommand(entry.id, program, what, entry.source)
    return None


@lru_cache(maxsize=1)
def _release_tracks() -> dict[str, frozenset[str]]:
    from planlint.guard.tables import load_table

    programs = load_table("destructive")["programs"]
    return {
        name: frozenset(spec["release_tracks"]) for name, spec in programs.items() if "release_tracks" in spec
    }


def command_words(program: str, positional: list[str]) -> list[str]:
    """`positional` without a leading release track (`gcloud beta sql …` runs `sql …`)."""
    tracks = _release_tracks().get(program)
    return positional[1:] if tracks and positional and positional[0] in tracks else positional


def catalogued(program: str) -> bool:
    """True when the catalogue has entries for `program` (a cloud, cluster or database CLI)."""
    return tool_basename(program) in _catalogue()[1]


@lru_cache(maxsize=1)
def _file_options() -> dict[str, frozenset[str]]:
    from planlint.guard.tables import load_table

    programs = load_table("destructive")["programs"]
    found = {name: set(spec.get("file_options", ())) for name, spec in programs.items()}
    for program, entries in _catalogue()[1].items():
        for entry in entries:
            found.setdefault(program, set()).update(entry.sql_file_options)
    return {name: frozenset(v) for name, v in found.items()}


def file_options(program: str) -> frozenset[str]:
    """Options whose value is a file the program reads (`-f`, `--filename`, psql's `--file`), from the catalogue."""
    return _file_options().get(tool_basename(program), frozenset())


def value_options(program: str) -> frozenset[str]:
    """Options of `program` that take a value (its `options_with_value` and statement options)."""
    name = tool_basename(program)
    found = set(_catalogue()[0].get(name, ()))
    for entry in _catalogue()[1].get(name, ()):
        found.update(entry.sql_options | entry.sql_file_options, (o for o, _ in entry.values))
    return frozenset(found)


def statement_words(argv: Sequence[str]) -> list[str]:
    """The statements a database client's words carry (`psql -c TEXT`, `mysql -e TEXT`, `--command=TEXT`)."""
    entries = _catalogue()[1].get(tool_basename(argv[0]), ()) if argv else ()
    sql = frozenset(o for e in entries for o in e.sql_options)
    return _sql_texts(argv[1:], sql, value_options(argv[0]))


# Client commands that open another file when the statements run: psql's \i, \ir, \include[_relative],
# \copy … FROM, \lo_import and `backtick` evaluation (https://www.postgresql.org/docs/current/app-psql.html,
# "Meta-Commands": a backslash command may follow a statement on the same line); mysql's `source` and \.
# (https://dev.mysql.com/doc/refman/8.4/en/mysql-commands.html).
_OPENS_FILES = (  # compiled on first use (re caches it)
    r"\\(?:ir?|include(?:_relative)?|copy|lo_import|\.)(?![A-Za-z_])|`|(?:^|;)\s*source\s"
)


def opens_files(text: str) -> str:
    """The first client command in statements `text` that opens another file at run time, else ""."""
    found = re.search(_OPENS_FILES, text, re.I | re.M)
    return found.group(0).strip(" ;\n") if found else ""


def reads_statements(program: str) -> bool:
    """True when `program` is a database client the catalogue reads statements for (psql, mysql, …)."""
    entries = _catalogue()[1].get(tool_basename(program), ())
    return any(e.statements is not None and not e.words for e in entries)


_PYTHON = r"^(?:python|pypy)(?:\d+(?:\.\d+)*)?$"  # compiled on first use (re caches it)
_SCHEMES = ("file://", "fileb://")


def program_argv(argv: Sequence[str]) -> tuple[str, ...]:
    """`argv` as the catalogued program it runs: `aws2 …` and `python3 -m awscli …` are `aws …` (the
    table's `aliases`); anything else unchanged."""
    if not argv:
        return ()
    names, modules = _aliases()
    base = tool_basename(argv[0])
    if base in names:
        return (names[base], *argv[1:])
    if not base.startswith(("python", "pypy")) or not re.match(_PYTHON, base):
        return tuple(argv)
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] not in ("-", "--"):
        word = argv[i]
        if word.startswith("--"):  # --check-hash-based-pycs MODE; the other long options take none
            i += 2 if word == "--check-hash-based-pycs" else 1
            continue
        for j, ch in enumerate(word[1:], start=1):  # -Im awscli, -mawscli, -W error -m awscli
            if ch in "cmWX":
                value, i = (
                    (word[j + 1 :], i + 1)
                    if word[j + 1 :]
                    else (argv[i + 1] if i + 1 < len(argv) else "", i + 2)
                )
                if ch == "m":
                    return (modules[value], *argv[i:]) if value in modules else tuple(argv)
                if ch == "c":
                    return tuple(argv)
                break
        else:
            i += 1
    return tuple(argv)


@lru_cache(maxsize=1)
def _aliases() -> tuple[dict[str, str], dict[str, str]]:
    """(executable name → program, python module → program) from the table's `aliases`."""
    from planlint.guard.tables import load_table

    names: dict[str, str] = {}
    modules: dict[str, str] = {}
    for alias in load_table("destructive").get("aliases", ()):
        names.update(dict.fromkeys(alias.get("names", ()), alias["program"]))
        if "python_module" in alias:
            modules[alias["python_module"]] = alias["program"]
    return names, modules


def sql_includes(text: str) -> list[str]:
    """Files that SQL `text` includes (`\\i f.sql`, `\\ir`, `source f.sql`): the client opens them at run time."""
    found: list[str] = re.findall(_INCLUDE, text, re.I | re.M)
    return found


def _cli_input(program: str, argv: Sequence[str]) -> bool:
    """The AWS CLI line takes its parameters from `--cli-input-json`/`--cli-input-yaml` too."""
    return program == "aws" and any(a.startswith(("--cli-input-json", "--cli-input-yaml")) for a in argv)


def _values_match(
    values: tuple[tuple[str, str], ...], args: Sequence[str], with_value: frozenset[str], cwd: str
) -> bool:
    """Every (option, regex) of `values` has a value that matches: literally, as the text of a `file://`
    value, or because planlint cannot see it (a computed value, a file it cannot read)."""
    from planlint.guard.files import read_text

    given_values = options(args, with_value)[1]
    for option, pattern in values:
        found = [v for name, v in given_values if name == option and v is not None]
        for i, value in enumerate(found):
            if value.startswith(_SCHEMES):
                found[i] = read_text(value.partition("://")[2], cwd).text or "$"  # unread: assume the worst
        if not any("$" in v or "`" in v or re.search(pattern, v) for v in found):
            return False
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


def _sql_texts(args: Sequence[str], sql_options: frozenset[str], with_value: frozenset[str]) -> list[str]:
    """The values of `sql_options` in `args` (read by _options; `with_value` are all value-taking options)."""
    return [
        value for name, value in options(args, with_value)[1] if name in sql_options and value is not None
    ]
