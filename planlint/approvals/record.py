"""An approval record: what exactly a peer approved, in canonical bytes that a signature covers."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from planlint.errors import GateError

RECORD_VERSION = 1
NAMESPACE = "planlint-approval"  # ssh-keygen -n: a signature made for anything else never verifies here
NONCE = re.compile(r"^[0-9a-f]{32}$")
_FIELDS = (
    "version",
    "digest",
    "plan_sha256",
    "scope",
    "approver",
    "requester",
    "issued_at",
    "expires_at",
    "nonce",
)


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    """One peer's approval of one destructive change (or one exact command), once, until `expires_at`."""

    digest: str  # the destructive digest (pl1:…) or the exact-command digest (cmd1:…)
    scope: str  # where: tool, directory, workspace/stack, account, repo, commit
    approver: str  # principal in the allowed-signers file
    requester: str  # who (or which agent) asked; must differ from the approver
    issued_at: str  # ISO 8601 UTC
    expires_at: str
    nonce: str  # 128 random bits, hex; the single-use ledger key
    plan_sha256: str | None = None  # strict mode: the exact plan file that may be applied
    version: int = RECORD_VERSION


def canonical_bytes(record: ApprovalRecord) -> bytes:
    """The bytes that are signed: sorted-key compact JSON of every field."""
    return json.dumps(asdict(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def parse_time(value: str, origin: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GateError(f"approval time {value!r} is not ISO 8601", origin=origin) from exc
    if moment.tzinfo is None:
        raise GateError(f"approval time {value!r} has no time zone", origin=origin)
    return moment.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_approval(path: Path, record: ApprovalRecord, signature: str) -> None:
    """Write the signed record as JSON; OutputError (one line, exit 2) when the file cannot be written."""
    from planlint.output import write_file

    document = {"planlint_approval": asdict(record), "signature": signature}
    write_file(path, json.dumps(document, indent=2, sort_keys=True) + "\n", what="the approval record")


def read_approval(path: Path) -> tuple[ApprovalRecord, str | None]:
    """The record and its armored SSH signature (None when unsigned); malformed files are errors."""
    origin = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GateError(f"cannot read the approval record: {exc}", origin=origin) from exc
    if not isinstance(document, dict) or not isinstance(document.get("planlint_approval"), dict):
        raise GateError("not a planlint approval record (no `planlint_approval` object)", origin=origin)
    fields: dict[str, Any] = document["planlint_approval"]
    unknown = set(fields) - set(_FIELDS)
    missing = set(_FIELDS) - set(fields) - {"plan_sha256"}
    if unknown or missing:
        raise GateError(
            f"approval record fields wrong: unknown {sorted(unknown)}, missing {sorted(missing)}", origin
        )
    if fields["version"] != RECORD_VERSION:
        raise GateError(
            f"approval record version {fields['version']!r} is not {RECORD_VERSION}", origin=origin
        )
    strings = [k for k in _FIELDS if k not in ("version", "plan_sha256")]
    if any(not isinstance(fields[k], str) for k in strings) or not isinstance(
        fields.get("plan_sha256"), (str, type(None))
    ):
        raise GateError("approval record fields must be strings", origin=origin)
    if not NONCE.match(fields["nonce"]):
        raise GateError("approval nonce must be 32 lowercase hex digits", origin=origin)
    record = ApprovalRecord(**fields)
    signature = document.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise GateError("approval signature must be a string", origin=origin)
    return record, signature or None
