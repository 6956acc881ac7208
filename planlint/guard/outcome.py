"""Guard's own exit codes (10+) and the refusal message written for an agent.

| code | meaning |
|---|---|
| 10 | approval required: a destructive change (or an approval-bound command) and no valid approval |
| 11 | denied: a `deny` rule matched; no approval unblocks it |
| 12 | an approval was presented and refused (expired, reused, other digest/scope, self-approval, …) |
| 13 | not runnable under guard: unverifiable, unknown or unsupported command |
| 14 | planning failed: the tool could not produce the plan or change set to judge |
| 15 | the judged artifact changed before it was applied (hash mismatch); nothing was applied |
| 16 | the configuration would run a program under guard's account that the trusted policy does not allow |
|    | (or guard cannot read that configuration); nothing ran |

When guard runs the tool, the tool's own exit code is passed through. 2 stays planlint's usage/input
error (an unreadable plan, a bad policy), as for every planlint command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planlint.guard.screen import AGENT_STOP
from planlint.model import Finding

APPROVAL_REQUIRED = 10
DENIED = 11
APPROVAL_REFUSED = 12
UNRUNNABLE = 13
PLAN_FAILED = 14
ARTIFACT_CHANGED = 15
RUNS_PROGRAM = 16
MAX_LISTED = 25


@dataclass(frozen=True, slots=True)
class Refusal:
    """Everything an agent (and the human it reports to) needs to know about why guard stopped."""

    code: int
    headline: str
    command: str
    findings: tuple[Finding, ...] = ()
    digest: str = ""
    scope: str = ""
    requester: str = ""
    plan_sha256: str | None = None  # the judged plan file (Terraform)
    bind_plan: bool = False  # strict mode: the approval must name plan_sha256
    allowed_signers: str = ""
    detail: str = ""
    guard_command: str = "planlint guard"  # how the agent reaches guard (through sudo under the boundary)


def render_refusal(refusal: Refusal) -> str:
    lines = [
        f"planlint guard: REFUSED (exit {refusal.code}): {refusal.headline}",
        f"command: {refusal.command}",
    ]
    if refusal.detail:
        lines.append(refusal.detail)
    if refusal.findings:
        lines.append("would destroy or replace:")
        lines += _finding_lines(refusal.findings)
    if refusal.digest:
        lines.append(f"digest:    {refusal.digest}")
        lines.append(f"scope:     {refusal.scope}")
        lines.append(f"requester: {refusal.requester}")
        if refusal.plan_sha256:
            lines.append(f"plan file sha256: {refusal.plan_sha256}")
    if refusal.code in (APPROVAL_REQUIRED, APPROVAL_REFUSED) and refusal.digest:
        who = f"a peer listed in {refusal.allowed_signers}" if refusal.allowed_signers else "a peer"
        if not refusal.allowed_signers:
            lines.append(
                "no trusted policy is set up: until an operator runs `planlint guard setup` (or creates "
                "allowed_signers in guard's trust directory), no approval can count"
            )
        plan = f" --plan-sha256 {refusal.plan_sha256}" if refusal.bind_plan and refusal.plan_sha256 else ""
        lines += [
            f"who must approve: {who}, not {refusal.requester} (a human, never the agent), with:",
            f"  planlint approve {refusal.digest} --scope '{refusal.scope}' --requester {refusal.requester}"
            f"{plan} -o approval.json",
            f"then rerun: {refusal.guard_command} --approval approval.json -- {refusal.command}",
        ]
    lines.append(AGENT_STOP)
    return "\n".join(lines) + "\n"


def _finding_lines(findings: Sequence[Finding]) -> list[str]:
    gated = [f for f in findings if f.gated and f.waived_by is None]
    shown = [
        f"  - {f.address} ({f.type}): {'+'.join(f.actions)} [{f.rule_id} {f.enforcement}] {f.title}"
        for f in gated[:MAX_LISTED]
    ]
    if len(gated) > MAX_LISTED:
        shown.append(f"  … and {len(gated) - MAX_LISTED} more")
    return shown
