"""The single-use ledger: one file per consumed nonce, created atomically (O_CREAT | O_EXCL).

The ledger must be held by guard's account (see `planlint.approvals.trustdir`): a ledger the agent can
write is a ledger it can delete entries from. A ledger guard cannot read or write is a LedgerError, which
guard turns into a refusal (exit 13) — never a traceback, never an approval used twice.
"""

from __future__ import annotations

import os
from pathlib import Path

from planlint.approvals.record import NONCE
from planlint.approvals.trustdir import TrustError, held_problem
from planlint.errors import GateError


class LedgerError(TrustError):
    """The ledger cannot be checked or written, so single use cannot be enforced."""


def check_ledger(ledger_dir: Path) -> None:
    """LedgerError unless the ledger is a directory this account alone can write (created when missing)."""
    origin = str(ledger_dir)
    try:
        ledger_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise LedgerError(f"the ledger cannot be created: {exc.strerror or exc}", origin) from exc
    problem = held_problem(ledger_dir)
    if problem:
        raise LedgerError(f"the ledger {problem}; single use cannot be enforced", origin)
    if not os.access(ledger_dir, os.W_OK | os.X_OK):
        raise LedgerError(
            "the ledger is not writable by guard's account; single use cannot be enforced", origin
        )


def is_consumed(ledger_dir: Path, nonce: str) -> bool:
    """Was `nonce` used? LedgerError when the ledger cannot be read."""
    try:
        os.lstat(ledger_dir / nonce)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise LedgerError(f"the ledger cannot be read: {exc.strerror or exc}", str(ledger_dir)) from exc
    return True


def consume(ledger_dir: Path, nonce: str, line: str) -> None:
    """Mark `nonce` used. Exactly one of several concurrent callers succeeds; the others are refused."""
    if not NONCE.match(nonce) and not nonce.startswith("github-pr-"):
        raise GateError("approval nonce must be 32 lowercase hex digits")
    check_ledger(ledger_dir)
    try:
        fd = os.open(ledger_dir / nonce, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError as exc:
        raise GateError(
            f"approval {nonce} was already used (approvals are single-use)", str(ledger_dir)
        ) from exc
    except OSError as exc:
        raise LedgerError(f"the ledger cannot be written: {exc.strerror or exc}", str(ledger_dir)) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as entry:
        entry.write(line.rstrip("\n") + "\n")
