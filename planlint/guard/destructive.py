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

from planlint.guard.shellwords import is_dynamic, tool_basename
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

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
    computed: tuple[str, ...]  # regexes: client commands whose statements or shell commands are computed
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
            tuple(item.get("computed", ())),
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
    argv = program_argv(argv)
    if not argv:
        return None
    program = tool_basename(argv[0])
    entries = _catalogue()[1]
    candidates = entries.get(program)
    if not candidates:
        return None
    with_value = value_options(program) | file_options(program)
    positional, flags = _split(argv[1:], with_value)
    for entry in candidates:
        if entry.statements is not None:
            if entry.words and _match_words(entry.words, positional) is None:
                continue
            if entry.words:  # an AWS CLI call: a list (`--sqls A B`); a `file://` value is the file's text
                values = _list_values(argv[1:], entry.sql_options)
                files = [v.partition("://")[2] for v in values if v.startswith(_SCHEMES)]
                texts = [v for v in values if not v.startswith(_SCHEMES)]
            else:
                texts = _sql_texts(argv[1:], entry.sql_options, with_value) + ([stdin] if stdin else [])
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
        matched = _match_words(entry.words, positional)
        if matched is None or not all(_given(group, flags) for group in entry.flags):
            continue
        what = entry.what if matched else f"{entry.what}, unless a word computed at run time says otherwise"
        return DestructiveCommand(entry.id, program, what, entry.source)
    return None


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
    options = set(_catalogue()[0].get(name, ()))
    for entry in _catalogue()[1].get(name, ()):
        options.update(entry.sql_options | entry.sql_file_options)
    return frozenset(options)


def statement_words(argv: Sequence[str]) -> list[str]:
    """The statements a database client's words carry (`psql -c TEXT`, `mysql -e TEXT`, `--command=TEXT`)."""
    entries = _catalogue()[1].get(tool_basename(argv[0]), ()) if argv else ()
    options = frozenset(o for e in entries for o in e.sql_options)
    return _sql_texts(argv[1:], options, value_options(argv[0]))


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


def _list_values(args: Sequence[str], options: frozenset[str]) -> list[str]:
    """The values of AWS CLI `options` in `args`: `--sql X`, `--sql=X`, and every word of a list `--sqls A B`."""
    values: list[str] = []
    taking = False
    for word in args:
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            taking = name in options
            values += [value] if taking and eq else []
        elif taking:
            values.append(word)
    return values


def _given(group: frozenset[str], flags: frozenset[str]) -> bool:
    """One of `group` is among `flags`, also as a long prefix getopt_long would expand (`--clea`)."""
    return bool(group & flags) or any(
        f.startswith("--") and len(f) > 3 and any(g.startswith(f) for g in group) for f in flags
    )


def sql_includes(text: str) -> list[str]:
    """Files that SQL `text` includes (`\\i f.sql`, `\\ir`, `source f.sql`): the client opens them at run time."""
    found: list[str] = re.findall(_INCLUDE, text, re.I | re.M)
    return found


def _split(args: Sequence[str], with_value: frozenset[str]) -> tuple[list[str], frozenset[str]]:
    """(positional words, the options given) of `args`, read by _options."""
    positional, options = _options(args, with_value)
    return positional, frozenset(name for name, _ in options)


def _options(
    args: Sequence[str], with_value: frozenset[str]
) -> tuple[list[str], list[tuple[str, str | None]]]:
    """(positional words, (option, value) pairs) read the way getopt_long reads them
    (https://man7.org/linux/man-pages/man3/getopt.3.html): a value attached (`-fFILE`, `-cDROP…`,
    `--file=F`) or in the next word, short options bundled (`-Xf FILE`), and a long option abbreviated to
    an unambiguous prefix (`--comm=…`). Tools built on Go's pflag (kubectl) take no abbreviations; reading
    them anyway can only find more, never less. `with_value` lists the options that take a value."""
    longs = sorted(o for o in with_value if o.startswith("--"))
    positional: list[str] = []
    options: list[tuple[str, str | None]] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            positional += args[i + 1 :]
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word.partition("=")
            matches = [o for o in longs if o.startswith(name)]
            full = name if name in with_value else matches[0] if len(matches) == 1 and len(name) > 3 else name
            if full not in with_value:
                options.append((name, value if eq else None))
            elif eq:
                options.append((full, value))
            else:
                options.append((full, args[i + 1] if i + 1 < len(args) else None))
                i += 1
        elif word.startswith("-") and len(word) > 1:
            for j in range(1, len(word)):
                option = "-" + word[j]
                if option in with_value:
                    rest = word[j + 1 :]
                    if rest:
                        options.append((option, rest))
                    else:
                        options.append((option, args[i + 1] if i + 1 < len(args) else None))
                        i += 1
                    break
                options.append((option, None))
        else:
            positional.append(word)
        i += 1
    return positional, options


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


def _sql_texts(args: Sequence[str], sql_options: frozenset[str], with_value: frozenset[str]) -> list[str]:
    """The values of `sql_options` in `args` (read by _options; `with_value` are all value-taking options)."""
    return [
        value for name, value in _options(args, with_value)[1] if name in sql_options and value is not None
    ]
