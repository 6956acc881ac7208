"""Who asks and who approves: principals from the trusted identity map, never text from a command line.

The identity map is the file `identities` in the trust directory, one mapping a line:

    # OS account   principal (as named in allowed_signers)
    agent          agent@corp.example
    root           root@corp.example

The requester of a guarded run is the OS account that started it, looked up in the password database by
uid (never `$USER`/`$LOGNAME`, which the caller sets): the account running guard, or — when guard runs as
the policy's `guard_account` (the account boundary: `sudo -u planlint planlint guard …`) — the account sudo
names in `SUDO_UID`. sudo sets `SUDO_UID` itself after resetting the environment; planlint reads it only
when it runs as the guard account, which nobody reaches except through that sudoers rule. The requester's
principal is its entry in the map; approvers are principals verified by their signature against
`allowed_signers`. Comparing the two therefore compares principals with principals: OS account `root`
mapped to `root@corp.example` is the same person as an approver `root@corp.example`.
"""

from __future__ import annotations

import os
import pwd
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from planlint.approvals.trustdir import TrustError

IDENTITIES_FILE = "identities"
_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_.-]*[$]?$", re.IGNORECASE)
_PRINCIPAL = re.compile(r"^[^\s\"',;]+$")


@dataclass(frozen=True, slots=True)
class Requester:
    """The OS account a guarded run comes from and its principal (None when the map does not list it)."""

    account: str
    principal: str | None

    def shown(self) -> str:
        return self.principal or f"unmapped OS account {self.account}"


def read_identities(path: Path) -> dict[str, str]:
    """`identities` → {OS account: principal}; a missing file is an empty map, a malformed line an error."""
    if not path.is_file():
        return {}
    mapping: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) != 2 or not _ACCOUNT.match(words[0]) or not _PRINCIPAL.match(words[1]):
            raise TrustError(f"line {number}: expected `<os-account> <principal>`", origin=str(path))
        if words[0] in mapping:
            raise TrustError(f"line {number}: account {words[0]!r} is mapped twice", origin=str(path))
        mapping[words[0]] = words[1]
    return mapping


def _account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def requesting_account(env: Mapping[str, str], guard_account: str | None) -> str:
    """The OS account a guarded run comes from (see module docstring); TrustError when it cannot be known."""
    me = _account_name(os.getuid())
    if guard_account is None or me != guard_account:
        return me
    sudo_uid = env.get("SUDO_UID", "")
    if not sudo_uid.isdigit():
        raise TrustError(
            f"guard runs as the guard account {guard_account!r} but not through sudo (no SUDO_UID), "
            "so it cannot tell who is asking"
        )
    return _account_name(int(sudo_uid))


def requester(identities: Mapping[str, str], env: Mapping[str, str], guard_account: str | None) -> Requester:
    """The requester of this run: OS account and its principal from the identity map."""
    account = requesting_account(env, guard_account)
    return Requester(account, identities.get(account))
