"""Guarded `pulumi up` / `pulumi destroy`: preview privately with `--json`, judge, then run what was judged.

`up`: the update runs with `--plan` (the update plan saved by the very preview judged), so Pulumi refuses any
step beyond it; the plan file's hash is checked again right before the run.

`destroy`: Pulumi has no plan for a destroy. The approval binds the destructive digest of the previewed
destroy and the stack (scope: backend, `project/stack`, program); right before running, guard previews the
destroy again and runs it only if that preview deletes exactly what was judged (same digest, same steps).
What could still differ is a change made to the stack in the seconds between that last preview and the
destroy itself; Pulumi offers nothing that closes that window.
"""

from __future__ import annotations

import shutil
import sys

from planlint.approvals.policy import TrustedPolicy
from planlint.guard import outcome
from planlint.guard.outcome import Refusal
from planlint.guard.pulumi import Preview, make_preview, run_judged
from planlint.guard.pulumi_target import pulumi_scope
from planlint.guard.runner import (
    Context,
    guard_command,
    judge_plan,
    load_trust,
    refuse,
    requester_of,
    settle,
)
from planlint.guard.terraform import PlanFailed, private_dir, sha256_file
from planlint.model import Verdict

DESTROY_BINDING = (
    "pulumi destroy cannot run a saved plan: the approval binds this preview's digest and the stack (scope); "
    "guard previews the destroy again right before running it and refuses if anything it deletes differs."
)


def run_pulumi(ctx: Context) -> int:
    trust = load_trust(ctx)
    workdir = private_dir(trust.work_dir)
    try:
        try:
            preview = make_preview(ctx.classification, ctx.env, ctx.cwd, workdir, "judged")
        except PlanFailed as exc:
            return refuse(Refusal(outcome.PLAN_FAILED, f"planning failed: {exc}", ctx.shown))
        return _judge_and_run(ctx, trust, preview)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _judge_and_run(ctx: Context, trust: TrustedPolicy, preview: Preview) -> int:
    c = ctx.classification
    verdict = judge_plan([str(preview.preview_json)], "pulumi", trust)
    stack = verdict.plans[0].scope if verdict.plans else None
    destroy = c.subcommand == "destroy"
    base = Refusal(
        outcome.APPROVAL_REQUIRED,
        "approval required: the preview destroys or replaces resources that need a peer's approval",
        ctx.shown,
        findings=verdict.findings,
        digest=verdict.destructive_digest,
        scope=pulumi_scope(c, ctx.cwd, ctx.env, stack),
        requester=requester_of(ctx, trust).shown(),
        plan_sha256=preview.plan_sha256,
        allowed_signers=str(trust.allowed_signers),
        guard_command=guard_command(ctx, trust),
        detail=DESTROY_BINDING if destroy else "",
    )
    refused = settle(ctx, trust, verdict, base, str(preview.preview_json))
    if refused is not None:
        return refused
    if destroy:
        changed = _destroy_changed(ctx, trust, verdict, preview)
        if changed:
            return refuse(Refusal(outcome.ARTIFACT_CHANGED, changed, ctx.shown, detail=DESTROY_BINDING))
        sys.stderr.write("planlint guard: the destroy previews as judged; destroying\n")
    else:
        assert preview.plan_file is not None
        if sha256_file(preview.plan_file) != preview.plan_sha256:
            return refuse(Refusal(outcome.ARTIFACT_CHANGED, "the judged update plan changed before the update; "
                                   "nothing was run", ctx.shown))  # fmt: skip
        sha = preview.plan_sha256 or ""
        sys.stderr.write(f"planlint guard: running the update constrained to the judged plan ({sha[:12]}…)\n")
    return run_judged(c, preview, ctx.env, ctx.cwd)


def _destroy_changed(ctx: Context, trust: TrustedPolicy, judged: Verdict, first: Preview) -> str | None:
    """Preview the destroy again: why it no longer matches the judged one, or None when it does."""
    try:
        again = make_preview(ctx.classification, ctx.env, ctx.cwd, first.preview_json.parent, "recheck")
    except PlanFailed as exc:
        return f"the destroy could not be previewed again before running it ({exc}); nothing was destroyed"
    verdict = judge_plan([str(again.preview_json)], "pulumi", trust)
    if verdict.destructive_digest != judged.destructive_digest or _steps(verdict) != _steps(judged):
        return (
            "the destroy previews differently from the one judged (digest "
            f"{judged.destructive_digest} became {verdict.destructive_digest}); nothing was destroyed"
        )
    return None


def _steps(verdict: Verdict) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((p.scope, c.address, c.actions) for p in verdict.plans for c in p.changes)
