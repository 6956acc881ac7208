"""What an approval-bound command reads besides its words, bound into the approval and run from guard's copy.

An exact-command approval (`cmd1:`, planlint/guard/scope.py) must cover what the command will do. For
`psql -f drop.sql`, `psql db < drop.sql` or `kubectl delete -f app.yaml` that is the file's or the
standard input's bytes, not only the words: otherwise the agent edits `drop.sql` after a human approved
it, and the approval still matches. So guard, before it computes the digest:

- reads the standard input of a database client (an entry with `statements` in
  rules/commands/destructive.yaml) or of a command that names `-` or `/dev/stdin`, unless it is a terminal
  (a person typing). Every other approval-bound command gets an empty standard input (`/dev/null`), so
  nothing unbound flows in — a prompt must be answered by a flag in the approved command;
- reads every regular file that a word names (`drop.sql`, `--file=drop.sql`, `file://x.json`,
  `fileb://x`, `@x.json`), relative to the working directory;
- refuses what it cannot bind: a directory or a FIFO named by a word of a cloud, cluster or database CLI,
  input over MAX_BYTES, and SQL that includes other files (`\\i f.sql`: psql would open them at run time);
- puts each input's sha256 into the digest, and shows them to the approver;
- runs the command with exactly those bytes: standard input from memory, and each file word rewritten to a
  copy in guard's private work directory, so a later edit of the agent's file changes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_BYTES = 16 * 1024 * 1024  # per input; SQL scripts and manifests are far smaller
STDIN_WORDS = frozenset(("-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"))
_SCHEMES = ("file://", "fileb://", "@")  # AWS CLI file:// and fileb://; az/gcloud-style @file


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
    """The bytes guard read from standard input (None: not read) and the files the words name."""

    stdin: bytes | None = None
    terminal: bool = False  # standard input is a terminal: a person types, it passes through unread
    files: tuple[BoundFile, ...] = ()

    def child_stdin(self) -> int | None:
        """`subprocess` stdin when `stdin` is None: the terminal (None: inherit) or /dev/null."""
        import subprocess

        return None if self.terminal else subprocess.DEVNULL

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
        if self.stdin is not None:
            parts.append(
                f"standard input ({_size(self.stdin)}, sha256 {hashlib.sha256(self.stdin).hexdigest()})"
            )
        parts += [f"{f.path} ({_size(f.data)}, sha256 {f.sha256})" for f in self.files]
        if not parts:
            return ""
        again = " Rerun with the same standard input." if self.stdin is not None else ""
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


def read_stdin(stream: BinaryIO) -> tuple[bytes | None, bool]:
    """(all of `stream`'s bytes, False), or (None, True) when it is a terminal (a person typing).

    Raises UnboundInput when it holds more than MAX_BYTES.
    """
    if os.isatty(stream.fileno()):
        return None, True
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnboundInput(f"standard input is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return data, False


def bind(
    argv: Sequence[str], cwd: Path, stdin: BinaryIO, read: tuple[bytes | None, bool] | None
) -> BoundInputs:
    """Read what `argv` (run in `cwd`) would read: the regular files its words name, and its standard input
    when a word names it (`-`) or when it was already `read` (see read_stdin; None: not read yet).

    Raises UnboundInput for what cannot be bound: a directory, FIFO or device a word names, an
    unreadable or over-MAX_BYTES input.
    """
    files: list[BoundFile] = []
    wants_stdin = read is not None
    for index, word in enumerate(argv[1:], start=1):
        for prefix, path in _file_forms(word):
            if path in STDIN_WORDS:
                wants_stdin = True
                break
            found = _bound_file(index, prefix, path, cwd)
            if found is not None:
                files.append(found)
                break
    if read is None:
        read = read_stdin(stdin) if wants_stdin else (None, os.isatty(stdin.fileno()))
    return BoundInputs(read[0], read[1], tuple(files))


def statement_texts(inputs: BoundInputs) -> list[str]:
    """The bound bytes as text (undecodable bytes kept as escapes): what a database client would run."""
    datas = [inputs.stdin] if inputs.stdin is not None else []
    datas += [f.data for f in inputs.files]
    return [d.decode("utf-8", errors="surrogateescape") for d in datas]


def _file_forms(word: str) -> list[tuple[str, str]]:
    """(prefix, path) readings of `word`, most specific first: `--file=file://x` → ("--file=file://", "x")."""
    forms = [("", word)]
    if word.startswith("-") and "=" in word:
        name, _, value = word.partition("=")
        forms.insert(0, (name + "=", value))
    for prefix, value in list(forms):
        for scheme in _SCHEMES:
            if value.startswith(scheme) and len(value) > len(scheme):
                forms.insert(0, (prefix + scheme, value[len(scheme) :]))
    return forms


def _bound_file(index: int, prefix: str, path: str, cwd: Path) -> BoundFile | None:
    if not path or "\0" in path:
        return None
    target = Path(path).expanduser()
    target = target if target.is_absolute() else cwd / target
    try:
        if target.is_dir():
            raise UnboundInput(f"{path} is a directory: guard binds files, not the changing contents of a "
                               "directory; name the files")  # fmt: skip
        if not target.exists():
            return None
        if not target.is_file():
            raise UnboundInput(f"{path} is not a regular file, so guard cannot bind what the command reads")
        with target.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UnboundInput(f"{path} cannot be read: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_BYTES:
        raise UnboundInput(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return BoundFile(index, prefix, path, data)


def _size(data: bytes) -> str:
    return f"{len(data)} byte" + ("" if len(data) == 1 else "s")
