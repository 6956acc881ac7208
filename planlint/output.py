"""Writing what a command produces, with write errors turned into one line and exit 2.

A file (`-o FILE`, a generated page, an approval record) is written through `write_file`; standard
output is written by each command as it likes, and `cli.main` flushes it and reports a failure with
`stdout_failed`. Either way the user reads `planlint: error: cannot write the report to <stdout>: No
space left on device`, never a traceback, whatever the verdict was.
"""

from __future__ import annotations

import errno
import os
import sys

from planlint.errors import OutputError

STDOUT = "<stdout>"
# What writing to a stream can fail with. A failed write may drop its buffer (so a second flush passes):
# an error of these kinds that names no file is taken to be standard output's.
WRITE_ERRNOS = frozenset(
    (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EINVAL)
)


def write_file(path: str | os.PathLike[str], text: str, *, what: str = "the report") -> None:
    """Write `text` to `path` (UTF-8); OutputError naming the file and the OS's reason when it cannot."""
    from pathlib import Path  # here, not at the top: a check that prints to stdout never needs it

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {what} to {os.fspath(path)}: {exc.strerror or exc}") from None


def stdout_failed(exc: OSError) -> OutputError | None:
    """The OutputError for `exc` when it came from standard output, else None: flushing it fails too, or
    `exc` is a write error (WRITE_ERRNOS) that names no file.

    Standard output is then pointed at the null device, so the interpreter's flush at exit does not
    fail a second time (the recipe of the Python documentation for SIGPIPE).
    """
    try:
        sys.stdout.flush()
    except OSError:
        pass
    else:
        if exc.filename is not None or exc.errno not in WRITE_ERRNOS:
            return None  # not a write to standard output: someone else's error
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing will flush it at exit
    return OutputError(f"cannot write the report to {STDOUT}: {exc.strerror or exc}")
