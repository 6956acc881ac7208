"""The order and grouping every reporter shows findings in: one row per resource, gated ones first."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from planlint.model import Action, Finding, Plan, ReplaceOrder, SourceLocation, Verdict


class ResourceRow(msgspec.Struct, frozen=True):
    """One resource of one input and every finding on it (in report order)."""

    address: str
    type: str
    actions: tuple[Action, ...]
    replace_order: ReplaceOrder | None
    location: SourceLocation | None
    findings: tuple[Finding, ...]


def blocks(finding: Finding) -> bool:
    """True when the finding holds the decision up (gated and not waived): those are listed first."""
    return finding.gated and finding.waived_by is None


def report_order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that block first, then the rest; otherwise the engine's (deterministic) order."""
    return sorted(findings, key=lambda f: not blocks(f))


def resource_rows(findings: Iterable[Finding]) -> list[ResourceRow]:
    """One row per (input, stack, address), in report order of each resource's first finding."""
    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in report_order(findings):
        grouped.setdefault((finding.origin, finding.scope, finding.address), []).append(finding)
    rows = []
    for members in grouped.values():
        first = members[0]
        located = next((f.location for f in members if f.location is not None), None)
        rows.append(
            ResourceRow(
                address=first.address,
                type=first.type,
                actions=first.actions,
                replace_order=first.replace_order,
                location=located,
                findings=tuple(members),
            )
        )
    return rows


def per_input(verdict: Verdict) -> list[tuple[Plan | None, list[Finding]]]:
    """Findings per input file in Verdict.plans order; findings naming no known input come last."""
    groups: list[tuple[Plan | None, list[Finding]]] = [(p, []) for p in verdict.plans]
    by_key = {(p.origin, p.scope): i for i, p in enumerate(verdict.plans)}
    by_origin: dict[str, int] = {}
    for i, p in enumerate(verdict.plans):
        by_origin.setdefault(p.origin, i)
    orphans: list[Finding] = []
    for finding in verdict.findings:
        index = by_key.get((finding.origin, finding.scope), by_origin.get(finding.origin))
        if index is None:
            orphans.append(finding)
        else:
            groups[index][1].append(finding)
    if orphans:
        groups.append((None, orphans))
    return groups
