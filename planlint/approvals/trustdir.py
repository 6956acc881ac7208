"""Where the trusted policy lives, and whether nobody but its owner can change it.

Trust comes from where a file lives and who can write it, never from what the agent's shell says: the
location is `--trust-dir DIR` (spelled out in full; argument abbreviations are refused everywhere) or
`~/.config/planlint` of the OS account running planlint, with `~` taken from the password database
(not `$HOME`, not `$XDG_CONFIG_HOME`, not `$PLANLINT_TRUST_DIR`: all of those are the caller's to set).

A path is *held* when it and every directory above it is owned by root or by the account running planlint
and writable by nobody else (a sticky, world-writable directory such as /tmp is allowed above it: others
cannot rename or delete what they do not own there). Anything else could be swapped by another account.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

from planlint.errors import ConfigError


class TrustError(ConfigError):
    """The trusted policy cannot be used; guard refuses (exit 13) and never falls back to defaults."""


def account_home() -> Path:
    """The home directory of the effective OS account, from the password database (never $HOME)."""
    try:
        return Path(pwd.getpwuid(os.geteuid()).pw_dir)
    except KeyError as exc:
        raise TrustError(f"OS account uid {os.geteuid()} has no password database entry") from exc


def locate(flag: str | None) -> tuple[Path, str]:
    """(trust directory, where it came from). `flag` is `--trust-dir`; nothing is read from the environment."""
    if flag:
        if flag.startswith("~"):
            raise TrustError(
                f"--trust-dir {flag!r}: give an absolute path (`~` comes from the caller's $HOME)"
            )
        return Path(flag).absolute(), "--trust-dir"
    return account_home() / ".config" / "planlint", "~/.config/planlint (password database home)"


def _loose(mode: int) -> bool:
    return bool(mode & (stat.S_IWGRP | stat.S_IWOTH))


def held_problem(path: Path) -> str | None:
    """Why someone other than root or this account could replace or edit `path` (None: nobody can)."""
    me = os.geteuid()
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot be inspected: {exc.strerror or exc}"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link (its target could be changed by whoever owns the link's directory)"
    if info.st_uid not in (0, me):
        return f"is owned by uid {info.st_uid}, not by root or uid {me} (the account running planlint)"
    if _loose(info.st_mode):
        return "is group- or world-writable; anyone in that group could add an approver or change policy"
    for parent in path.parents:
        try:
            above = parent.stat()
        except OSError as exc:
            return f"its directory {parent} cannot be inspected: {exc.strerror or exc}"
        sticky = bool(above.st_mode & stat.S_ISVTX)
        if above.st_uid not in (0, me) or (_loose(above.st_mode) and not sticky):
            return f"its directory {parent} can be changed by another account (owner uid {above.st_uid})"
    return None


def require_held(path: Path, what: str) -> None:
    """TrustError unless `path` is held (see module docstring)."""
    problem = held_problem(path)
    if problem:
        raise TrustError(f"{what} {problem}", origin=str(path))


def private_workdir(path: Path) -> Path:
    """Guard's own work directory: created 0700 if missing, and refused unless held by this account."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise TrustError(
            f"guard's work directory cannot be created: {exc.strerror or exc}", str(path)
        ) from exc
    require_held(path, "guard's work directory")
    if path.stat().st_mode & 0o077:
        raise TrustError("guard's work directory must be mode 0700 (only guard's account)", str(path))
    return path
