"""Files a command line makes bash run, read so the hook can judge what is in them.

`bash x.sh`, `./x.sh`, `source x.sh`, `psql -f x.sql`, `psql < x.sql`, `python x.py`, `make destroy`
(its Makefile): what runs is the file's text. Paths are resolved as bash would, against the working
directory the line has reached (`cd DIR && …` is followed when DIR is literal). A file that is missing,
unreadable, binary or larger than MAX_BYTES comes back with its problem instead of text; the caller
decides (the hook refuses what it cannot read: unknown is asked about, not passed).
"""

from __future__ import annotations

import os

from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:  # pathlib is imported where a file is read, not on every hook call
    from pathlib import Path

MAX_BYTES = 1 << 20  # 1 MiB: a script or SQL file an agent runs; a bigger one is refused as unreadable


class FileText(NamedTuple):
    """A file's text, or why there is none (`problem`: "missing", "unreadable …", "binary", "too large")."""

    path: str
    text: str | None = None
    problem: str = ""

    @property
    def shown(self) -> str:
        return f"`{self.path}` ({self.problem})"


def resolve(path: str, cwd: str) -> Path:
    """`path` as bash opens it from `cwd` (`~` expanded)."""
    from pathlib import Path

    expanded = Path(path).expanduser()
    return expanded if expanded.is_absolute() else Path(cwd) / expanded


UNKNOWN_DIR = "\0unknown directory"  # after `cd "$DIR"`: every relative file is unreadable


def change_directory(cwd: str, directory: str, *, computed: bool) -> str:
    """The directory `cd DIR` from `cwd` reaches; UNKNOWN_DIR when DIR (or `cwd`) is not known."""
    if computed or directory == "-" or cwd == UNKNOWN_DIR:
        return UNKNOWN_DIR
    return os.path.normpath(resolve(directory, cwd))


def read_text(path: str, cwd: str = ".") -> FileText:
    """The text of the file `path` names (UTF-8, undecodable bytes kept as escapes), or its problem."""
    from pathlib import Path

    if cwd == UNKNOWN_DIR and not Path(path).expanduser().is_absolute():
        return FileText(path, problem="in a directory only known at run time")
    target = resolve(path, cwd)
    try:
        if target.exists() and not target.is_file():  # a FIFO or device would block the hook, or never end
            return FileText(path, problem="a directory" if target.is_dir() else "not a regular file")
        with target.open("rb") as handle:
            data = handle.read(8192)
            if b"\0" in data:  # a compiled program: not read any further
                return FileText(path, problem="binary")
            data += handle.read(MAX_BYTES + 1 - len(data))
    except FileNotFoundError:
        return FileText(path, problem="missing")
    except OSError as exc:
        return FileText(path, problem=f"unreadable: {exc.strerror or type(exc).__name__}")
    if len(data) > MAX_BYTES:
        return FileText(path, problem=f"larger than {MAX_BYTES // 1024} KiB")
    return FileText(path, data.decode("utf-8", errors="surrogateescape"))


def shebang(text: str) -> list[str]:
    """The interpreter words of a `#!` line (`#!/usr/bin/env bash` → [/usr/bin/env, bash]); [] without one.

    Linux passes everything after the interpreter path as one argument (execve(2), "Interpreter scripts");
    `env -S` then splits it, which planlint's `env` launcher reads.
    """
    if not text.startswith("#!"):
        return []
    line = text[2:].split("\n", 1)[0].strip()
    interpreter, _, argument = line.partition(" ")
    argument = argument.strip()
    return [interpreter, argument] if argument else [interpreter] if interpreter else []


def on_path(program: str) -> bool:
    """True when a PATH directory holds an executable `program` (as bash's lookup finds it)."""
    from pathlib import Path

    for directory in os.environ.get("PATH", "").split(os.pathsep):  # shutil.which costs lzma's import
        candidate = Path(directory or ".") / program
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return True
    return False
