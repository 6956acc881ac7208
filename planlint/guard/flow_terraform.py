"""Guarded Terraform apply/destroy: plan privately, judge, then apply exactly the judged file (or refuse)."""

from __future__ import annotations

import sys

from planlint.approvals.policy import TrustedPolicy
from planlint.guard import outcome
from planlint.guard.outcome import Refusal
from planlint.guard.runner import (
    Context,
    guard_command,
    judge_plan,
    load_trust,
    refuse,
    requester_of,
    settle,
)
from planlint.guard.scope import terraform_scope
from planlint.guard.terraform import (
    PlanFailed,
    PlannedRun,
    apply_plan,
    discard,
    keep_for_strict,
    kept_dir,
    make_plan,
    reuse_kept,
    sha256_file,
)


def run_terraform(ctx: Context) -> int:
    c = ctx.classification
    trust = load_trust(ctx)
    strict_hash = _approved_plan_hash(ctx)
    kept = kept_dir(trust.work_dir) / strict_hash / "guarded.tfplan" if strict_hash else None
    try:
        run = (
            reuse_kept(c, kept, ctx.env, ctx.cwd, trust.work_dir)
            if kept and kept.is_file()
            else make_plan(c, ctx.env, ctx.cwd, trust.work_dir)
        )
    except PlanFailed as exc:
        return refuse(Refusal(outcome.PLAN_FAILED, f"planning failed: {exc}", ctx.shown))
    try:
        return _judge_and_apply(ctx, trust, run)
    finally:
        discard(run)


def _approved_plan_hash(ctx: Context) -> str | None:
    """Strict mode reruns: the plan hash an approval record binds, to find the kept plan it approved."""
    if ctx.options.approval is None:
        return None
    from planlint.approvals.record import read_approval

    record, _ = read_approval(ctx.options.approval)
    sha = record.plan_sha256
    return sha if sha and len(sha) == 64 and all(ch in "0123456789abcdef" for ch in sha) else None


def _judge_and_apply(ctx: Context, policy: TrustedPolicy, run: PlannedRun) -> int:
    c = ctx.classification
    from planlint.guard.program_gate import planned_refusal

    runs_program = planned_refusal(c, ctx.env, ctx.cwd, policy.directory, run.plan_json)
    if runs_program is not None:
        return refuse(runs_program)
    verdict = judge_plan([str(run.plan_json)], "terraform", policy)
    strict = policy.strict
    base = Refusal(
        outcome.APPROVAL_REQUIRED,
        "approval required: the plan destroys or replaces resources that need a peer's approval",
        ctx.shown,
        findings=verdict.findings,
        digest=verdict.destructive_digest,
        scope=terraform_scope(c, ctx.cwd, ctx.env, run.plan_json),
        requester=requester_of(ctx, policy).shown(),
        plan_sha256=run.plan_sha256,
        bind_plan=strict,
        allowed_signers=str(policy.allowed_signers),
        guard_command=guard_command(ctx, policy),
    )
    if verdict.decision == "approval_required" and strict and ctx.options.approval is None:
        kept = keep_for_strict(run, kept_dir(policy.work_dir))
        sys.stderr.write(f"planlint guard: strict mode: the refused plan is kept at {kept}\n")
    refused = settle(ctx, policy, verdict, base, str(run.plan_json))
    if refused is not None:
        return refused
    if sha256_file(run.plan_file) != run.plan_sha256:
        return refuse(Refusal(outcome.ARTIFACT_CHANGED, "the judged plan file changed before apply; nothing "
                               "was applied", ctx.shown))  # fmt: skip
    sys.stderr.write(f"planlint guard: applying the judged plan (sha256 {run.plan_sha256[:12]}…)\n")
    return apply_plan(c, run, ctx.env, ctx.cwd)
