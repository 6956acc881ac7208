"""Waivers and `allow_destroy` from the policy: findings they cover stay visible but stop gating.

An expired waiver is not a silent pass: the finding keeps gating, its message says the waiver expired,
and the `waiver-expired` rule (if loaded) adds a finding of its own naming the waiver.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

import msgspec

from planlint.config import Policy, Waiver
from planlint.model import Finding, ResourceChange
from planlint.patterns import resource_matches
from planlint.ruleset import Rule


def apply_waivers(
    findings: Sequence[tuple[Finding, ResourceChange]],
    policy: Policy,
    expired_rule: Rule | None,
    protected_rule_ids: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Mark waived findings (`waived_by`), and report waivers that expired.

    `allow_destroy` never waives a finding of a rule in `protected_rule_ids` (those matching the
    policy's `protect` patterns): when both match, protection wins.
    """
    out: list[Finding] = []
    expired_hits: dict[tuple[str, str], tuple[Waiver, Finding]] = {}
    for finding, change in findings:
        waiver = _matching_waiver(finding, policy.waivers)
        if waiver is not None and _active(waiver, policy):
            out.append(msgspec.structs.replace(finding, waived_by=_waiver_text(waiver)))
            continue
        if waiver is not None:
            out.append(
                msgspec.structs.replace(
                    finding,
                    message=f"{finding.message} (waiver {waiver.where} expired on {waiver.expires}; "
                    "not applied)",
                )
            )
            expired_hits.setdefault((finding.origin, waiver.where), (waiver, finding))
            continue
        if (
            finding.rule_id not in protected_rule_ids
            and policy.allow_destroy
            and resource_matches(policy.allow_destroy, change)
        ):
            out.append(
                msgspec.structs.replace(finding, waived_by="policy allow_destroy: may be destroyed freely")
            )
            continue
        out.append(finding)
    if expired_rule is not None:
        out.extend(_expired_finding(expired_rule, w, f, policy) for w, f in expired_hits.values())
    return out


def _matching_waiver(finding: Finding, waivers: Sequence[Waiver]) -> Waiver | None:
    for waiver in waivers:
        if waiver.rule == finding.rule_id and fnmatchcase(finding.address, waiver.address):
            return waiver
    return None


def _active(waiver: Waiver, policy: Policy) -> bool:
    # Without a date to judge against, a waiver cannot be shown to be current: fail closed.
    return policy.as_of is not None and policy.as_of <= waiver.expires


def _waiver_text(waiver: Waiver) -> str:
    return f"{waiver.where} until {waiver.expires}: {waiver.reason}"


def _expired_finding(rule: Rule, waiver: Waiver, waived: Finding, policy: Policy) -> Finding:
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        title=rule.title,
        severity=rule.severity,
        enforcement=rule.enforcement,
        message=(
            f"{waiver.where} in {policy.origin or 'the policy'} ({waiver.rule} for {waiver.address!r}: "
            f"{waiver.reason}) expired on {waiver.expires}; {waived.rule_id} applies again to {waived.address}. "
            "Renew the waiver with a new date, or remove it."
        ),
        origin=waived.origin,
        scope=waived.scope,
        address=waiver.where,
        type="waiver",
        actions=(),
    )
