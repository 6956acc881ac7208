"""What only a human may do with planlint, and which `planlint` is the real one, read from a shell line.

- Approving (`planlint approve`, `ssh-keygen -Y sign -n planlint-approval`), choosing planlint's trusted
  policy (`PLANLINT_TRUST_DIR`, `--trust-dir` or any abbreviation argparse would accept, `HOME=` or
  `XDG_CONFIG_HOME=` in front of planlint) or writing its trust files is refused. Reading them
  (`grep allowed_signers`, `cat ~/.config/planlint/allowed_signers`) is not.
- `planlint guard -- …` counts as guarded only when the `planlint` bash would start is the installed
  one: the file beside the running interpreter, or the one this hook process was started as. A
  `./planlint`, a different `planlint` first on PATH, or `python -m planlint` (which imports from the
  working directory first) is an impostor: the command it wraps is judged as if it ran raw.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

from planlint.guard.shell import SimpleCommand
from planlint.guard.shellwords import tool_basename

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence

# Literal texts, looked for with `in` (the hook reads every line: no regex to compile for them).
_TRUST_TEXT = ("PLANLINT_TRUST_DIR", "PLANLINT_APPROVER", "planlint-approval")
TRUST_PATHS = ("allowed_signers", ".config/planlint", "planlint/ledger", "planlint/plans", "/etc/planlint")
# A redirection into a trust path; it can only match where a trust path is named (compiled then, re caches it).
_WRITE_TO_TRUST = r">\|?\s*\S*(?:" + "|".join(map(re.escape, TRUST_PATHS)) + ")"
# Programs that only read the files they are given (reading trust files is harmless).
_READERS = frozenset(
    ("cat", "grep", "egrep", "fgrep", "rg", "ag", "less", "more", "head", "tail", "ls", "stat", "wc", "file",
     "diff", "bat", "echo", "printf", "git", "realpath", "readlink", "test", "[", "ssh-keygen", "planlint")
)  # fmt: skip
_ENV_THAT_MOVES_TRUST = frozenset(("HOME", "XDG_CONFIG_HOME", "PATH", "PYTHONPATH", "PYTHONHOME"))
_FRONT_DOORS = frozenset(("guard", "check", "rules", "hook", "hooks", "diff", "--version", "config"))


def touches_trust(text: str, commands: Sequence[SimpleCommand]) -> str:
    """Why the line touches what only humans may touch, or "" when it does not."""
    if any(literal in text for literal in _TRUST_TEXT):
        return "the line names planlint's approval signing or trust settings"
    if names_trust_path(text) and re.search(_WRITE_TO_TRUST, text):
        return "the line redirects output into planlint's trust files"
    for command in commands:
        argv = _planlint_argv(command.argv)
        if argv is not None:
            if len(argv) > 1 and argv[1] == "approve":
                return "`planlint approve` is for the human approver"
            if any(a.startswith("--tr") and "--trust-dir".startswith(a.split("=", 1)[0]) for a in argv):
                return "the line chooses planlint's trust directory"
            moved = [k for k, _ in command.env if k in _ENV_THAT_MOVES_TRUST or k.startswith("PLANLINT_")]
            if moved:
                return f"`{moved[0]}=` in front of planlint moves where it looks for its trusted policy"
        name = tool_basename(command.argv[0]) if command.argv else ""
        if name not in _READERS and any(names_trust_path(a) for a in command.argv[1:]):
            return f"`{name}` would change planlint's trust files"
    return ""


def names_trust_path(text: str) -> bool:
    """True when `text` names one of planlint's trust files or directories."""
    return any(path in text for path in TRUST_PATHS)


def _planlint_argv(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """`planlint …` or `python -m planlint …` as (planlint, args…); None for any other program."""
    if not argv:
        return None
    if tool_basename(argv[0]) == "planlint":
        return argv
    if tool_basename(argv[0]).startswith("python") and argv[1:3] == ("-m", "planlint"):
        return ("python -m planlint", *argv[3:])
    return None


def impostor_guard(command: SimpleCommand) -> tuple[tuple[str, ...], str] | None:
    """For `planlint <front door> …`: (the command guard would wrap, "" or the impostor's path); else None."""
    argv = _planlint_argv(command.argv)
    if argv is None or len(argv) < 2 or argv[1] not in _FRONT_DOORS:
        return None
    inner = argv[argv.index("--") + 1 :] if argv[1] == "guard" and "--" in argv else ()
    program = argv[0]
    if program == "python -m planlint":
        return inner, "python -m planlint"
    resolved = _resolve(program)
    if resolved is None or resolved in installed_planlint():
        return inner, ""
    return inner, program


def _resolve(program: str) -> str | None:
    """The file bash would run for `program` (PATH lookup for a bare name), or None when there is none."""
    from pathlib import Path  # only for `planlint …` lines: not on every hook call

    if "/" in program:
        path = Path(program).expanduser()
        return os.path.realpath(path) if path.is_file() else None
    for directory in os.environ.get("PATH", "").split(os.pathsep):  # shutil.which costs lzma's import
        candidate = Path(directory or ".") / program
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return os.path.realpath(candidate)
    return None


@lru_cache(maxsize=1)
def installed_planlint() -> frozenset[str]:
    """Real paths of the installed `planlint`: beside the running interpreter, and what started this process."""
    from pathlib import Path

    candidates = [Path(sys.executable).parent / "planlint"]
    if sys.argv and tool_basename(sys.argv[0]) == "planlint":
        candidates.append(Path(sys.argv[0]))
    return frozenset(os.path.realpath(p) for p in candidates if p.exists())
