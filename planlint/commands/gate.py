"""`planlint gate`: judge the plan, then decide approval from live GitHub evidence (exit 0 / 1 / 2)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from planlint.commands.check import add_run_report_argument
from planlint.errors import ConfigError, PlanlintError
from planlint.loaders import INPUT_FORMATS

if TYPE_CHECKING:  # imported lazily at run time: `planlint --version` never pays for the gate
    from planlint.gate.evidence import Outcome, PullRequest
    from planlint.gate.gate_runs import GateWorkflow
    from planlint.github.actions import ActionsEnv
    from planlint.github.client import GitHubClient
    from planlint.model import Decision

HELP = (
    "Judge plans (or a `planlint check --format json` report) for a GitHub pull request and decide "
    "whether a qualified peer approved exactly this destructive change set: the approval label added "
    "by someone with write access who is not the author, not a bot and not the head's pusher, after "
    "the latest push and after the gate showed the current digest. Policy is read from the PR's base "
    "commit. Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL. "
    "Exit 0: nothing needs approval or it is approved; 1: approval required or denied; 2: error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="PLAN", help="plan/change-set JSON files to judge")
    parser.add_argument(
        "--report", metavar="FILE", help="a `planlint check --format json` report instead of plans"
    )
    parser.add_argument("--input-format", choices=INPUT_FORMATS)
    add_run_report_argument(parser)
    parser.add_argument("--repo", metavar="OWNER/NAME", help="repository (default $GITHUB_REPOSITORY)")
    parser.add_argument("--pr", type=int, metavar="N", help="pull request number (default: from the event)")
    parser.add_argument(
        "--merged-commit",
        metavar="SHA",
        help="apply mode: find the pull request merged as this commit (default $GITHUB_SHA)",
    )
    parser.add_argument(
        "--mode",
        choices=("pr", "apply"),
        default="pr",
        help="pr: judge an open PR and write the comment, status and label (default); "
        "apply: judge a merged PR's approval against a re-plan, write nothing to the PR",
    )
    parser.add_argument(
        "--config",
        default=".planlint.yml",
        metavar="PATH",
        help="policy path inside the repository, read from the PR's base commit (default .planlint.yml)",
    )
    parser.add_argument("--label", help="approval label (overrides the base commit's policy)")
    parser.add_argument(
        "--gate-login",
        default=os.environ.get("PLANLINT_GATE_LOGIN", "github-actions[bot]"),
        help="login the gate's token writes as (default github-actions[bot], the GITHUB_TOKEN identity)",
    )
    parser.add_argument(
        "--gate-workflow",
        default=os.environ.get("PLANLINT_GATE_WORKFLOW") or None,
        metavar="PATH",
        help="the workflow file whose runs post the gate's `planlint/gate` status (.github/workflows/FILE.yml); "
        "only statuses its runs posted on the head count. Default in pr mode: the workflow running now "
        "(GITHUB_RUN_ID); required in apply mode",
    )
    parser.add_argument("--head-sha", help="the head commit the plan was made from (default: the event's)")
    parser.add_argument("--no-write", action="store_true", help="write nothing to GitHub (read-only token)")
    parser.add_argument(
        "--time-budget",
        type=float,
        default=120.0,
        help="seconds the gate may spend waiting to retry rate limits and 5xx (default 120)",
    )


def run(args: argparse.Namespace) -> int:
    from planlint.decision import exit_code
    from planlint.github.actions import read_env, write_outputs

    env = read_env(repository=args.repo)
    try:
        decision = _run(args, env)
    except PlanlintError:
        write_outputs(env.output_path, {"decision": "error"})
        raise
    return exit_code(decision)


def _run(args: argparse.Namespace, env: ActionsEnv) -> Decision:
    from planlint.gate import gather, publish
    from planlint.github.client import GitHubClient

    if bool(args.inputs) == bool(args.report):
        raise ConfigError("give either plan files or --report FILE (exactly one)", "planlint gate")
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("PLANLINT_GITHUB_TOKEN")
    if not token:
        raise ConfigError(
            "GITHUB_TOKEN is not set; the gate reads the pull request through the API", "planlint gate"
        )
    client = GitHubClient(env.api_url, token, time_budget=args.time_budget)
    pr = gather.fetch_pull(client, env.repository, _pr_number(args, env, client))
    try:
        return _gate(args, env, client, pr)
    except PlanlintError as exc:
        if args.mode == "pr" and not args.no_write:
            # An earlier run's success status on this head must not outlive a failed judgement.
            publish.post_error_status(client, env.repository, pr.head_sha, str(exc), target_url=env.run_url)
        raise


def _gate(args: argparse.Namespace, env: ActionsEnv, client: GitHubClient, pr: PullRequest) -> Decision:
    from planlint.config import DEFAULT_POLICY, parse_policy
    from planlint.decision import decide
    from planlint.digest import destructive_digest
    from planlint.gate import gather, publish
    from planlint.gate.approval import judge
    from planlint.gate.protected import protected_findings, protected_patterns
    from planlint.github.actions import write_outputs, write_summary
    from planlint.report import REPORTERS

    repo = env.repository

    # Policy from the base commit, never from the checked-out change under review.
    text = gather.fetch_file(client, repo, args.config, pr.base_sha)
    policy = parse_policy(text, f"{args.config}@{pr.base_sha[:12]}") if text is not None else DEFAULT_POLICY
    settings = policy.approval
    if args.label:
        settings = msgspec.structs.replace(settings, label=args.label)

    if args.report:
        from planlint.gate.report_input import load_report

        verdict = load_report(args.report)
    else:
        from planlint.pipeline import run_check

        verdict = run_check(
            args.inputs, input_format=args.input_format, policy=policy, run_report=args.run_report
        )

    patterns = protected_patterns(args.config, [str(d) for d in policy.rule_dirs])
    extra = protected_findings(gather.fetch_changed_files(client, pr, repo), patterns)
    findings = verdict.findings + extra
    digest = destructive_digest(findings)
    decision: Decision = decide(findings)
    planned_head = args.head_sha or (_event_head(env.event) if args.mode == "pr" else None)

    outcome = None
    if decision == "approval_required":
        evidence = gather.gather_evidence(
            client,
            repo,
            pr,
            settings,
            gate_login=args.gate_login,
            planned_head_sha=planned_head,
            gate_workflow=_gate_workflow(args, env, client),
        )
        outcome = judge(evidence, settings, digest, args.mode)
        decision = "approved" if outcome.approved else "approval_required"
    note = _note(outcome, settings.label)
    verdict = msgspec.structs.replace(
        verdict, findings=findings, destructive_digest=digest, decision=decision, approval_note=note
    )

    removed_from = None
    context: dict[str, Any] = {
        "run_url": env.run_url,
        "blob_url": f"{env.server_url.rstrip('/')}/{repo}/blob/{pr.head_sha}",
        "teams": tuple(settings.teams),
        "reviews_required": settings.approvals,
    }
    writes = args.mode == "pr" and not args.no_write
    if writes:
        sticky = publish.find_sticky_comment(client, repo, pr.number, args.gate_login)
        label_on = any(name.casefold() == settings.label.casefold() for name in pr.labels)
        if sticky is not None and sticky.digest and sticky.digest != digest and label_on:
            publish.remove_label(client, repo, pr.number, settings.label)
            removed_from = sticky.digest
        body = publish.render_comment(verdict, pr, settings.label, outcome, removed_from, **context)
        if sticky is not None or any(f.gated for f in findings):
            publish.upsert_comment(client, repo, pr.number, sticky, body)
        publish.post_status(client, repo, pr.head_sha, decision, digest, target_url=env.run_url)
    else:
        body = publish.render_comment(verdict, pr, settings.label, outcome, None, **context)

    write_summary(env.summary_path, body)
    gated = sum(1 for f in findings if f.gated and f.waived_by is None)
    write_outputs(
        env.output_path,
        {
            "decision": decision,
            "digest": digest,
            "findings": str(len(findings)),
            "gated": str(gated),
            "approvers": ",".join(outcome.approvers) if outcome else "",
            "approvals": str(len(outcome.approvers)) if outcome else "0",
            "pr": str(pr.number),
            "label-removed": "true" if removed_from else "false",
        },
    )
    sys.stdout.write(REPORTERS["github"](verdict))
    return decision


def _gate_workflow(args: argparse.Namespace, env: ActionsEnv, client: GitHubClient) -> GateWorkflow:
    """Whose `planlint/gate` statuses count: runs of --gate-workflow, else of the workflow running now (pr mode)."""
    from planlint.gate.gate_runs import gate_workflow

    if args.mode == "apply" and not args.gate_workflow:
        raise ConfigError(
            "apply mode needs --gate-workflow .github/workflows/FILE.yml (action input `gate-workflow`): the "
            "pull request workflow whose runs showed the digest; any other workflow can post that status",
            "planlint gate",
        )
    return gate_workflow(client, env.repository, args.gate_workflow, env.run_id)


def _note(outcome: Outcome | None, label: str) -> str | None:
    if outcome is None:
        return None
    if outcome.approved:
        return f"approved by {', '.join(outcome.approvers)} (label {label})"
    return "; ".join(outcome.blockers)


def _pr_number(args: argparse.Namespace, env: ActionsEnv, client: GitHubClient) -> int:
    if args.pr:
        return int(args.pr)
    if args.mode == "apply":
        return _merged_pr(args, env, client)
    event = env.event
    pull = event.get("pull_request")
    number = pull.get("number") if isinstance(pull, dict) else event.get("number")
    if not isinstance(number, int):
        raise ConfigError(
            "no pull request number: run on a pull_request event or pass --pr N", "planlint gate"
        )
    return number


def _merged_pr(args: argparse.Namespace, env: ActionsEnv, client: GitHubClient) -> int:
    """The PR merged as this commit, from `GET /repos/{o}/{r}/commits/{sha}/pulls`."""
    from planlint.gate.gather import merged_pull_number

    sha = args.merged_commit or os.environ.get("GITHUB_SHA")
    if not sha:
        raise ConfigError("apply mode needs --pr N or --merged-commit SHA (or $GITHUB_SHA)", "planlint gate")
    return merged_pull_number(client, env.repository, sha)


def _event_head(event: Mapping[str, Any]) -> str | None:
    pull = event.get("pull_request")
    head = pull.get("head") if isinstance(pull, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    return sha if isinstance(sha, str) else None
