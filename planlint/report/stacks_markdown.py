"""Markdown for many stacks in one verdict: one summary table, gated stacks first, each stack's details folded.

Used by `planlint.report.markdown` when the verdict covers more than one stack. GitHub refuses comments
over 65,536 characters: the summary table always fits (one short row per stack), and stack details stop
at a budget with a line saying how many more stacks are only in the JSON/SARIF report.
"""

from __future__ import annotations

from collections.abc import Sequence

from planlint.model import Finding, Plan, Verdict
from planlint.report.wording import action_text, why

SUMMARY_BUDGET = 25_000  # characters for the summary table
DETAILS_BUDGET = 25_000  # characters for all folded stack details together
EXCLUDED = "excluded"


def stack_of(plan: Plan) -> str:
    """The stack part of a scope ("live/db:shop/prod" -> "live/db"); the origin when there is no scope."""
    return plan.scope.split(":", 1)[0] if plan.scope else plan.origin


def is_many_stacks(verdict: Verdict) -> bool:
    """Every input names its stack (a directory of stacks, or several CloudFormation/Pulumi stacks)."""
    return all(p.scope for p in verdict.plans) and len({stack_of(p) for p in verdict.plans}) > 1


def stacks_sections(verdict: Verdict) -> list[str]:
    """The summary table and the folded per-stack details, as markdown lines."""
    from planlint.report.markdown import cell

    findings: dict[str, list[Finding]] = {}
    by_origin = {p.origin: stack_of(p) for p in verdict.plans}
    for finding in verdict.findings:
        findings.setdefault(by_origin.get(finding.origin, finding.origin), []).append(finding)
    rows = sorted(verdict.plans, key=lambda p: (_rank(p, findings.get(stack_of(p), [])), stack_of(p)))
    lines = ["| Stack | Verdict | Destroys | Replacements |", "|---|---|---|---|"]
    size = 0
    shown = 0
    for plan in rows:
        stack = stack_of(plan)
        line = (
            f"| {cell(stack)} | {_verdict(plan, findings.get(stack, []))} | {_count(plan, 'delete')} "
            f"| {_count(plan, 'replace')} |"
        )
        size += len(line) + 1
        if size > SUMMARY_BUDGET:
            break
        lines.append(line)
        shown += 1
    if shown < len(rows):
        lines += ["", f"… and {len(rows) - shown} more stack(s); see the JSON report."]
    lines.append("")
    lines += _details(rows, findings)
    return lines


def _rank(plan: Plan, findings: Sequence[Finding]) -> int:
    """Gated stacks first, then stacks with findings, then quiet ones, then excluded units."""
    if plan.facts.status == EXCLUDED:
        return 3
    if any(f.gated and f.waived_by is None for f in findings):
        return 0
    return 1 if findings else 2


def _verdict(plan: Plan, findings: Sequence[Finding]) -> str:
    if plan.facts.status == EXCLUDED:
        return "⏭️ excluded from the run"
    gated = sum(1 for f in findings if f.gated and f.waived_by is None)
    if gated:
        return f"🛑 approval required ({gated})"
    return f"✅ pass ({len(findings)} note(s))" if findings else "✅ pass"


def _count(plan: Plan, action: str) -> str:
    return str(sum(1 for c in plan.changes if action in c.actions))


def _details(rows: Sequence[Plan], findings: dict[str, list[Finding]]) -> list[str]:
    from planlint.report.markdown import cell, inline

    lines: list[str] = []
    size = 0
    left = 0
    for plan in rows:
        stack = stack_of(plan)
        own = findings.get(stack, [])
        if not own:
            continue
        block = [f"<details><summary>{inline(stack)}: {len(own)} finding(s)</summary>", ""]
        block += ["| Address | Action | Why | Rule |", "|---|---|---|---|"]
        for finding in sorted(own, key=lambda f: not f.gated):
            block.append(
                f"| {cell(finding.address)} ({cell(finding.type)}) "
                f"| {cell(action_text(finding.actions, finding.replace_order))} | {cell(why(finding))} "
                f"| {cell(finding.rule_id)} {cell(finding.enforcement)} |"
            )
        block += ["", "</details>", ""]
        text_size = sum(len(line) + 1 for line in block)
        if size + text_size > DETAILS_BUDGET:
            left += 1
            continue
        size += text_size
        lines += block
    if left:
        lines += [f"… details of {left} more stack(s) are in the JSON or SARIF report.", ""]
    return lines
