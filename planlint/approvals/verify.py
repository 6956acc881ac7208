"""Check an approval record against what is about to run; every refusal names its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from planlint.approvals import sshsig
from planlint.approvals.ledger import is_consumed
from planlint.approvals.policy import TrustedPolicy
from planlint.approvals.record import ApprovalRecord, canonical_bytes, parse_time, read_approval
from planlint.errors import GateError

CLOCK_SKEW = timedelta(minutes=5)


class ApprovalRefused(GateError):
    """An approval record was presented and does not authorise this change."""


@dataclass(frozen=True, slots=True)
class Expected:
    """What the approval must be for: this digest, this scope, this requester (and in strict mode this plan)."""

    digest: str
    scope: str
    requester: str
    plan_sha256: str | None = None


def check_approval(
    path: Path, expected: Expected, policy: TrustedPolicy, now: datetime | None = None
) -> ApprovalRecord:
    """The verified record, or ApprovalRefused with the reason. Does not consume it (see ledger.consume)."""
    origin = str(path)
    record, signature = read_approval(path)

    def refuse(reason: str) -> ApprovalRefused:
        return ApprovalRefused(f"approval refused: {reason}", origin=origin)

    if signature is None:
        raise refuse("the record is unsigned")
    data = canonical_bytes(record)
    if not sshsig.verify(data, signature, policy.allowed_signers, record.approver):
        principals = sshsig.signers(signature, policy.allowed_signers)
        if not principals:
            raise refuse(f"signed by a key that is not in {policy.allowed_signers} (unknown signer)")
        if record.approver not in principals:
            raise refuse(
                f"the record names approver {record.approver!r} but was signed by {', '.join(principals)}"
            )
        raise refuse("the signature does not match the record (it was changed after signing)")
    if record.approver in (record.requester, expected.requester):
        raise refuse(
            f"{record.approver!r} cannot approve their own request (approver must differ from requester)"
        )
    if record.requester != expected.requester:
        raise refuse(f"it was issued for requester {record.requester!r}, not {expected.requester!r}")
    if record.digest != expected.digest:
        raise refuse(f"it approves digest {record.digest}, but this change has digest {expected.digest}")
    if record.scope != expected.scope:
        raise refuse(f"it is for scope {record.scope!r}, not {expected.scope!r}")
    if policy.strict or record.plan_sha256 is not None:
        if record.plan_sha256 is None:
            raise refuse("strict mode: the approval does not bind a plan file (sign it with --plan-sha256)")
        if record.plan_sha256 != expected.plan_sha256:
            raise refuse(f"it approves plan file sha256 {record.plan_sha256}, not {expected.plan_sha256}")
    moment = now or datetime.now(timezone.utc)
    issued, expires = parse_time(record.issued_at, origin), parse_time(record.expires_at, origin)
    if issued - CLOCK_SKEW > moment:
        raise refuse(f"it was issued in the future ({record.issued_at})")
    if expires <= moment:
        raise refuse(f"it expired at {record.expires_at}")
    if expires - issued > policy.max_ttl:
        raise refuse(f"it is valid for longer than the policy allows ({policy.max_ttl})")
    if is_consumed(policy.ledger, record.nonce):
        raise refuse(f"it was already used (nonce {record.nonce}); approvals are single-use")
    return record
