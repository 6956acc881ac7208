"""The single-use ledger: one file per consumed nonce, created atomically (O_CREAT | O_EXCL)."""

from __future__ import annotations

import os
from pathlib import Path

from planlint.approvals.record import NONCE, ApprovalRecord
from planlint.errors import GateError


def is_consumed(ledger_dir: Path, nonce: str) -> bool:
    return (ledger_dir / nonce).exists()


def consume(ledger_dir: Path, record: ApprovalRecord, note: str) -> None:
    """Mark `record` used. Exactly one of several concurrent callers succeeds; the others are refused."""
    if not NONCE.match(record.nonce):
        raise GateError("approval nonce must be 32 lowercase hex digits")
    ledger_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(ledger_dir / record.nonce, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError as exc:
        raise GateError(
            f"approval {record.nonce} was already used (approvals are single-use)", origin=str(ledger_dir)
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as entry:
        entry.write(f"{record.digest}\t{record.approver}\t{record.requester}\t{note}\n")
