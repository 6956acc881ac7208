"""The approval part of the markdown report: who may approve, who did, what no longer counts."""

from __future__ import annotations

from dataclasses import dataclass

from planlint.model import Verdict
from planlint.report.markdown_text import code, inline

WHO_MAY_APPROVE = (
    "a peer with write, maintain or admin access who is not the pull request's author, did not push its "
    "head commit and is not a bot or app"
)


@dataclass(frozen=True, slots=True)
class ApprovalState:
    """What the gate found about approval, in reviewer words (built by planlint.gate.publish)."""

    label: str
    approved: bool
    approvers: tuple[str, ...] = ()
    not_counted: tuple[tuple[str, str], ...] = ()  # (login, why it did not count)
    missing: tuple[str, ...] = ()
    invalidated: str | None = None  # what made an older approval stop counting (markdown, planlint's words)
    author: str | None = None  # the pull request's author, who cannot approve
    teams: tuple[str, ...] = ()
    reviews_required: int = 0
    facts: tuple[str, ...] = ()  # head commit, latest push, when the digest was first shown


def approval_lines(verdict: Verdict, approval: ApprovalState | None) -> list[str]:
    if approval is None:
        if not any(f.gated and f.waived_by is None for f in verdict.findings) and not verdict.approval_note:
            return []
        lines = ["### Approval", ""]
        if verdict.approval_note:
            lines += [f"**Status:** {inline(verdict.approval_note)}", ""]
        lines += [
            f"**Who may approve:** {WHO_MAY_APPROVE}, after the latest push, for exactly this digest. "
            "In a pull request with the planlint Action they add the label `planlint:approve-destroy`; "
            "a new destructive change invalidates the approval.",
            "",
        ]
        return lines
    status = (
        "✅ approved by " + ", ".join(code(a) for a in approval.approvers)
        if approval.approved
        else "🛑 not approved yet"
    )
    who = WHO_MAY_APPROVE
    if approval.author:
        who += f" (the author is {code(approval.author)})"
    who += f"; they add the label {code(approval.label)} after the latest push"
    if approval.teams:
        who += ", and must be in " + ", ".join(code(t) for t in approval.teams)
    if approval.reviews_required:
        who += f"; also {approval.reviews_required} approving review(s) on the head commit"
    lines = ["### Approval", "", f"**Status:** {status}", "", f"**Who may approve:** {who}.", ""]
    if approval.invalidated:
        lines += [f"**An older approval no longer counts:** {approval.invalidated}", ""]
    if approval.not_counted:
        lines += ["**Did not count:**", ""]
        lines += [f"- {code(login)}: {inline(why)}" for login, why in approval.not_counted]
        lines.append("")
    if approval.missing and not approval.approved:
        lines += ["**Missing:**", "", *(f"- {inline(m)}" for m in approval.missing), ""]
    if approval.facts:
        lines += [" · ".join(approval.facts), ""]
    return lines
