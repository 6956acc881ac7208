"""Guarded `terragrunt run --all -- apply|destroy`: plan every unit privately, judge the set as one verdict
(with Terragrunt's run report, so a unit that failed or left no plan refuses the whole set), then apply
exactly those plans, or refuse. The steps are in planlint.guard.terragrunt_all."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from planlint.approvals.policy import TrustedPolicy
from planlint.errors import ConfigError
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
from planlint.guard.terraform import private_dir, sha256_file
from planlint.guard.terragrunt_all import AllUnits, apply_argv, parse, plan_argv, tool_env

SAVED_PLAN = "tfplan.tfplan"


def run_terragrunt_all(ctx: Context) -> int:
    run = parse(ctx.classification, ctx.env)
    trust = load_trust(ctx)
    workdir = private_dir(trust.work_dir)
    plans, report = workdir / "plans", workdir / "run-report.json"
    try:
        proc = subprocess.run(plan_argv(run, str(plans), str(report)), env=tool_env(ctx.env), cwd=ctx.cwd,
                              stdout=sys.stderr.fileno(), check=False)  # fmt: skip
        if proc.returncode != 0:
            return refuse(Refusal(outcome.PLAN_FAILED, f"planning failed: terragrunt exited {proc.returncode}; "
                                  "nothing was applied in any unit", ctx.shown, detail=_failed_units(report)))  # fmt: skip
        if not saved_plans(plans):  # zero units planned is never a pass
            return refuse(Refusal(outcome.PLAN_FAILED, "planning failed: terragrunt saved no unit plan; nothing "
                                  "was applied", ctx.shown, detail=_failed_units(report)))  # fmt: skip
        return _judge_and_apply(ctx, trust, run, plans, report)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def saved_plans(plans: Path) -> dict[str, str]:
    """sha256 of every unit's saved plan, by unit path (its directory below `plans`)."""
    if not plans.is_dir():
        return {}
    return {str(p.parent.relative_to(plans)): sha256_file(p) for p in sorted(plans.rglob(SAVED_PLAN))}


def _failed_units(report: Path) -> str:
    from planlint.errors import InputError
    from planlint.stacks import read_run_report

    try:
        runs = read_run_report(str(report))
    except InputError:
        return ""
    failed = [f"{r.name} ({r.result})" for r in runs if r.result in ("failed", "early exit")]
    return "units that did not plan: " + ", ".join(failed) if failed else ""


def _judge_and_apply(ctx: Context, trust: TrustedPolicy, run: AllUnits, plans: Path, report: Path) -> int:
    hashes = saved_plans(plans)
    verdict = judge_plan([str(plans)], "terraform", trust, run_report=str(report))
    judged = {p.scope.split(":", 1)[0] for p in verdict.plans if p.facts.status != "excluded"}
    if set(hashes) != judged:
        unmatched = sorted(set(hashes) ^ judged)
        raise ConfigError(f"saved plans and JSON plans do not match unit for unit: {', '.join(unmatched[:5])}",
                          origin=str(plans))  # fmt: skip
    base = Refusal(
        outcome.APPROVAL_REQUIRED,
        f"approval required: across {len(hashes)} units the plans destroy or replace resources that need a "
        "peer's approval",
        ctx.shown,
        findings=verdict.findings,
        digest=verdict.destructive_digest,
        scope=terraform_scope(ctx.classification, ctx.cwd, ctx.env),
        requester=requester_of(ctx, trust).shown(),
        allowed_signers=str(trust.allowed_signers),
        guard_command=guard_command(ctx, trust),
        detail="units planned: " + ", ".join(sorted(hashes)[:20]) + (" …" if len(hashes) > 20 else ""),
    )
    refused = settle(ctx, trust, verdict, base, str(plans))
    if refused is not None:
        return refused
    if saved_plans(plans) != hashes:
        return refuse(Refusal(outcome.ARTIFACT_CHANGED, "a judged plan file changed before apply; nothing was "
                              "applied", ctx.shown))  # fmt: skip
    sys.stderr.write(f"planlint guard: applying the {len(hashes)} judged unit plans\n")
    env = {**tool_env(ctx.env), "PLANLINT_GUARDED_PLAN": str(plans)}
    return subprocess.run(apply_argv(run, str(plans)), env=env, cwd=ctx.cwd, check=False).returncode
