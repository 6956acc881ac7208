"""What an approval-bound command reads besides its words, bound into the approval and run from guard's copy.

An exact-command approval (`cmd1:`, planlint/guard/scope.py) must cover what the command will do. For
`psql -f drop.sql`, `psql db < drop.sql` or `kubectl delete -f app.yaml` that is the file's or the
standard input's bytes, not only the words: otherwise the agent edits `drop.sql` after a human approved
it, and the approval still matches. So guard, before it computes the digest:

- reads the standard input of a database client (an entry with `statements` in
  rules/commands/destructive.yaml) or of a command that names `-` or `/dev/stdin` as a file, unless it is
  a terminal. Every other case — a terminal too: an agent can make one with `script` — gives the command
  an empty standard input (`/dev/null`), so nothing unbound flows in;
- reads the file each file option names (the catalogue's `file_options` and `sql_file_options`: `-f FILE`,
  `--file=FILE`) and each `file://`/`fileb://` word (the AWS CLI's, and `@FILE` for az), relative to
  the working directory;
- refuses (exit 13) what it cannot bind: a missing, non-regular or over-MAX_BYTES file; a directory; a file
  option spelled in a form it does not hand over (`-fFILE`, `-Xf FILE`, `--fil=FILE`: write `-f FILE`);
  any other word that names a file in the working directory (guard cannot tell whether the command reads
  it); and statements that open other files when they run (`\\i more.sql`, `source f.sql`, `\\copy … from`);
- puts each input's sha256 into the digest, and shows them to the approver;
- runs the command with exactly those bytes: standard input from memory, each file word rewritten to a
  0600 copy in guard's private work directory, so a later edit of the agent's file changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_BYTES = 16 * 1024 * 1024  # per input; SQL scripts and manifests are far smaller
STDIN_WORDS = frozenset(("-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"))
_SCHEMES: tuple[str, ...] = ("file://", "fileb://")  # the AWS CLI's; az also reads `@FILE`


class UnboundInput(Exception):
    """An input guard cannot bind to an approval; the message names it and why (guard refuses, exit 13)."""


@dataclass(frozen=True, slots=True)
class BoundFile:
    """A file one word of the command names: `argv[index] == prefix + path`, and the bytes guard read."""

    index: int
    prefix: str
    path: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class BoundInputs:
    """The bytes guard read from standard input (None: not read; the command gets /dev/null) and the files
    its file words name."""

    stdin: bytes | None = None
    files: tuple[BoundFile, ...] = ()

    def canonical(self) -> list[list[object]]:
        """What the digest covers: `[["stdin", sha256, bytes]?, [argv index, prefix, path, sha256, bytes]…]`."""
        entries: list[list[object]] = []
        if self.stdin is not None:
            entries.append(["stdin", hashlib.sha256(self.stdin).hexdigest(), len(self.stdin)])
        entries += [[f.index, f.prefix, f.path, f.sha256, len(f.data)] for f in self.files]
        return entries

    def shown(self) -> str:
        """One line for the approver: what the approval binds besides the words ("" when nothing)."""
        parts = []
        if self.stdin:
            parts.append(
                f"standard input ({_size(self.stdin)}, sha256 {hashlib.sha256(self.stdin).hexdigest()})"
            )
        elif self.stdin is not None:
            parts.append("an empty standard input")
        parts += [f"{f.path} ({_size(f.data)}, sha256 {f.sha256})" for f in self.files]
        if not parts:
            return ""
        again = " Rerun with the same standard input." if self.stdin else ""
        return "the approval also binds what the command reads: " + "; ".join(parts) + "." + again

    def run_argv(self, argv: Sequence[str], directory: Path) -> list[str]:
        """`argv` with each file word pointing at a 0600 copy of the bound bytes inside `directory`."""
        words = list(argv)
        for n, f in enumerate(self.files):
            copy = directory / f"{n}-{Path(f.path).name or 'input'}"
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(f.data)
            words[f.index] = f.prefix + str(copy)
        return words


def read_stdin(stream: BinaryIO) -> bytes | None:
    """All of `stream`'s bytes, or None when it is a terminal (never bound: the command gets /dev/null).

    Raises UnboundInput when it holds more than MAX_BYTES.
    """
    if os.isatty(stream.fileno()):
        return None
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnboundInput(f"standard input is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return data


@dataclass(frozen=True, slots=True)
class FileWords:
    """Which words of a command name files it reads: what bind() binds, skips and refuses.

    `options` take a file the command reads; `settings` take a file, or a key=value setting when the value
    holds `=` (terraform -backend-config); `skipped` take a value guard neither binds nor refuses
    (configuration, outputs); `valued` take some other value; `positional` are the argv indices of words that
    are files the command reads; `getopt`: short options bundle and long ones abbreviate (False for Go's
    flag package and pflag); `stdin`: the command reads its standard input whatever its words say.
    """

    options: frozenset[str]
    valued: frozenset[str] = frozenset()
    settings: frozenset[str] = frozenset()
    skipped: frozenset[str] = frozenset()
    positional: frozenset[int] = frozenset()
    getopt: bool = True
    stdin: bool = False
    schemes: tuple[str, ...] = _SCHEMES


def catalogue_words(program: str) -> FileWords:
    """A cloud, cluster or database CLI's file words, from rules/commands/destructive.yaml."""
    from planlint.guard.destructive import file_options, value_options

    schemes = _SCHEMES + (("@",) if Path(program).name == "az" else ())
    return FileWords(file_options(program), value_options(program), schemes=schemes)


def bind(
    argv: Sequence[str],
    cwd: Path,
    stdin: BinaryIO,
    read: bytes | None,
    *,
    statements: bool,
    words: FileWords | None = None,
) -> BoundInputs:
    """Read what `argv` (run in `cwd`) would read: the files its file options, positional file words and
    `file://` words name, and its standard input when `statements` (a database client: `read` holds what
    read_stdin already read), when `words.stdin`, or when a file word names it (`-`, `/dev/stdin`).
    `words` defaults to the catalogue's entry for the program (catalogue_words).

    Raises UnboundInput for what cannot be bound (see the module docstring).
    """
    from planlint.guard.destructive import statement_words

    spec = words or catalogue_words(argv[0] if argv else "")
    takes_value = spec.options | spec.settings | spec.skipped
    files: list[BoundFile] = []
    wants_stdin = statements or spec.stdin
    pending: str | None = None  # the option whose value is the next word
    for index, word in enumerate(argv[1:], start=1):
        if pending is not None:
            if pending in spec.options or (pending in spec.settings and "=" not in word):
                wants_stdin |= _take(files, index, "", word, cwd)
            pending = None
            continue
        if index in spec.positional:
            wants_stdin |= _take(files, index, "", word, cwd)
            continue
        if word in takes_value:
            pending = word
            continue
        name, eq, value = word.partition("=")
        if eq and (name in spec.options or (name in spec.settings and "=" not in value)):
            wants_stdin |= _take(files, index, name + "=", value, cwd)
            continue
        if eq and name in takes_value:
            continue  # a key=value setting, or a value guard does not bind (see FileWords)
        if spec.getopt:
            _refuse_other_spellings(word, spec.options, spec.valued)
        for prefix, path in _scheme_forms(word, spec.schemes):
            wants_stdin |= _take(files, index, prefix, path, cwd)
            break
        else:
            _refuse_named_file(word, cwd)
    if pending is not None and pending not in spec.skipped:
        raise UnboundInput(f"{pending} names no file")
    if not wants_stdin:
        return BoundInputs(None, tuple(files))
    if not statements:
        read = read_stdin(stdin)
    if read is not None:
        return BoundInputs(read, tuple(files))
    if statements and (files or statement_words(argv)):
        return BoundInputs(None, tuple(files))  # the client runs -c/-f statements, not its input
    raise UnboundInput("its input would come from a terminal, which guard does not bind: redirect or pipe it")


def statement_texts(inputs: BoundInputs) -> list[str]:
    """The bound bytes as text (undecodable bytes kept as escapes): what a database client would run."""
    datas = [inputs.stdin] if inputs.stdin is not None else []
    datas += [f.data for f in inputs.files]
    return [d.decode("utf-8", errors="surrogateescape") for d in datas]


def _scheme_forms(word: str, schemes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(prefix, path) of a `file://x` word or option value (`--cli-input-json=file://x`), else []."""
    name, eq, value = word.partition("=")
    for head, rest in ((name + eq, value), ("", word)) if eq and name.startswith("-") else (("", word),):
        for scheme in schemes:
            if rest.startswith(scheme) and len(rest) > len(scheme):
                return [(head + scheme, rest[len(scheme) :])]
    return []


def _refuse_other_spellings(word: str, files_opts: frozenset[str], valued: frozenset[str]) -> None:
    """UnboundInput when `word` gives a file option in a form guard does not rewrite to its copy."""
    if word.startswith("--") and len(word) > 3:
        name = word.partition("=")[0]
        spelled = [o for o in files_opts if o.startswith("--") and o != name and o.startswith(name)]
        if spelled:
            raise UnboundInput(f"{word!r} abbreviates {spelled[0]}: spell it out as `{spelled[0]} FILE`")
    elif word.startswith("-") and len(word) > 2 and not word.startswith("--"):
        for ch in word[1:]:  # a bundle read the way getopt reads it: -Xf FILE, -fFILE
            if f"-{ch}" in files_opts:
                raise UnboundInput(
                    f"{word!r} gives -{ch} inside another word: write `-{ch} FILE` as two words"
                )
            if f"-{ch}" in valued:
                return  # the rest of the word is that option's value


def _take(files: list[BoundFile], index: int, prefix: str, path: str, cwd: Path) -> bool:
    """Bind the file `path` names into `files`; True when it names the standard input instead."""
    if path in STDIN_WORDS:
        return True
    found = _bound_file(index, prefix, path, cwd)
    if found is None:
        raise UnboundInput(f"{path} does not exist, so guard cannot bind what the command would read")
    files.append(found)
    return False


def _refuse_named_file(word: str, cwd: Path) -> None:
    """UnboundInput when a word that no file option carries still names a file the command might read."""
    for candidate in (word, word.partition("=")[2]):
        if not candidate or "\0" in candidate:
            continue
        target = _resolve(candidate, cwd)
        if target.exists() and not target.is_dir():
            raise UnboundInput(
                f"{candidate} names a file in the working directory, and guard cannot tell whether the command "
                "reads it; pass files with the options guard binds (-f FILE), or run from another directory"
            )


def _resolve(path: str, cwd: Path) -> Path:
    target = Path(path).expanduser()
    return target if target.is_absolute() else cwd / target


def _bound_file(index: int, prefix: str, path: str, cwd: Path) -> BoundFile | None:
    """The file's bytes, None when it does not exist. Opened without blocking, so a FIFO (even one swapped
    in after a check) is refused rather than waited on."""
    if not path or "\0" in path:
        return None
    try:
        fd = os.open(_resolve(path, cwd), os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnboundInput(f"{path} cannot be read: {exc.strerror or type(exc).__name__}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UnboundInput(f"{path} is a directory: guard binds files, not the changing contents of a "
                               "directory; name the files")  # fmt: skip
        if not stat.S_ISREG(mode):
            raise UnboundInput(f"{path} is not a regular file, so guard cannot bind what the command reads")
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UnboundInput(f"{path} cannot be read: {exc.strerror or type(exc).__name__}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise UnboundInput(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return BoundFile(index, prefix, path, data)


def _size(data: bytes) -> str:
    return f"{len(data)} byte" + ("" if len(data) == 1 else "s")
