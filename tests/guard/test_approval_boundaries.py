"""Signed approval records at their time boundaries (real ssh-keygen keys; fixtures from
test_guard_approvals). Each boundary is checked on both sides, so an off-by-one in verify fails a test."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from guard.test_guard_approvals import _elsewhere, _expected, _record, _signed, trust
from planlint.approvals.policy import load_policy
from planlint.approvals.record import iso
from planlint.approvals.verify import ApprovalRefused, check_approval

__all__ = ["_elsewhere", "trust"]  # fixtures used by name below

ISSUED = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
CLOCK_SKEW = timedelta(minutes=5)  # docs/agents.md: the approver's clock may run this far ahead


def _timed(trust: dict[str, Path], expires_in: timedelta = timedelta(hours=1)) -> Path:
    record = _record(issued_at=iso(ISSUED), expires_at=iso(ISSUED + expires_in))
    return _signed(trust, record)


def test_record_at_its_exact_expiry_instant_is_refused(trust: dict[str, Path]) -> None:
    policy = load_policy(str(trust["dir"]))
    path = _timed(trust)
    expiry = ISSUED + timedelta(hours=1)
    with pytest.raises(ApprovalRefused, match="expired at"):
        check_approval(path, _expected(), policy, now=expiry)
    assert check_approval(path, _expected(), policy, now=expiry - timedelta(seconds=1)).approver == "alice"


def test_record_issued_in_the_future_beyond_clock_skew_is_refused(trust: dict[str, Path]) -> None:
    policy = load_policy(str(trust["dir"]))
    path = _timed(trust)
    early = ISSUED - CLOCK_SKEW - timedelta(seconds=1)
    with pytest.raises(ApprovalRefused, match="issued in the future"):
        check_approval(path, _expected(), policy, now=early)
    # within the skew allowance a slightly fast approver clock is accepted
    assert check_approval(path, _expected(), policy, now=ISSUED - CLOCK_SKEW).approver == "alice"


def test_validity_exactly_the_policy_maximum_is_accepted_and_one_second_more_is_not(
    trust: dict[str, Path],
) -> None:
    policy = load_policy(str(trust["dir"]))
    at_max = _signed(
        trust, _record(issued_at=iso(ISSUED), expires_at=iso(ISSUED + policy.max_ttl)), name="m.json"
    )
    assert check_approval(at_max, _expected(), policy, now=ISSUED).approver == "alice"
    over = ISSUED + policy.max_ttl + timedelta(seconds=1)
    too_long = _signed(trust, _record(issued_at=iso(ISSUED), expires_at=iso(over)), name="o.json")
    with pytest.raises(ApprovalRefused, match="longer than the policy allows"):
        check_approval(too_long, _expected(), policy, now=ISSUED)
