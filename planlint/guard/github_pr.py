"""`planlint guard --github-pr N`: accept a pull request's peer approval, judged by the gate's own algorithm.

Everything that decides *where* evidence comes from is trusted policy, never the agent's environment or
working tree: the repository (`github_repo`) and API root (`github_api_url`, default api.github.com) come
from the trusted policy file. The token (GITHUB_TOKEN / PLANLINT_GITHUB_TOKEN) only grants reading; a
token cannot make GitHub's answers say something else. The PR's approval settings are read from its base
commit, as `planlint gate` does, and the label must have been added after the gate showed this digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from planlint.approvals.policy import TrustedPolicy
from planlint.errors import ConfigError
from planlint.gate.evidence import PullRequest
from planlint.model import Finding


@dataclass(frozen=True, slots=True)
class PullRequestApproval:
    approved: bool
    approvers: tuple[str, ...]
    reasons: tuple[str, ...]
    ledger_key: str = ""  # single use: consumed in the trusted ledger when guard acts on it


def _scope_value(scope: str, key: str) -> str | None:
    return next((part.split("=", 1)[1] for part in scope.split(";") if part.startswith(key + "=")), None)


def binding_problems(
    pr: PullRequest, scope: str, repo: str, trust: TrustedPolicy, now: datetime
) -> list[str]:
    """Why this merged pull request's approval does not cover the run about to happen (empty: it does).

    In apply mode an approval covers only the merge commit being applied now: the scope must name the
    repository and commit (a git checkout whose origin is the trusted repository), that commit must be the
    pull request's merge commit, and the merge must be younger than the policy's `max_ttl_hours`.
    """
    problems = []
    scope_repo, commit = _scope_value(scope, "repo"), _scope_value(scope, "commit")
    if not scope_repo or not commit:
        return [
            f"the scope {scope!r} names no repository and commit: run guard in the checkout of the merge commit"
        ]
    if not scope_repo.removesuffix(".git").endswith(repo):
        problems.append(f"the checkout's origin {scope_repo} is not the trusted repository {repo}")
    if pr.merge_commit_sha != commit:
        problems.append(f"this checkout is at {commit[:12]}, not the pull request's merge commit "
                        f"{(pr.merge_commit_sha or 'unknown')[:12]}")  # fmt: skip
    if pr.merged_at is None or now - pr.merged_at > trust.max_ttl:
        problems.append(f"the approval expired: merged at {pr.merged_at}, longer ago than {trust.max_ttl}")
    return problems


def _local_head(cwd: Path) -> str | None:
    from planlint.guard.git_trusted import git_output  # settings that run nothing (git_trusted.py)

    return git_output(cwd, "rev-parse", "HEAD")


def pull_request_approval(
    number: int,
    findings: Sequence[Finding],
    *,
    scope: str,
    trust: TrustedPolicy,
    env: Mapping[str, str],
    cwd: Path,
) -> PullRequestApproval:
    """Is the change set of `findings` approved on pull request `number` of the trusted repository?

    The digest is computed as `planlint gate` computes it: the plan's gated findings plus the gate's own
    finding for a pull request that edits planlint's configuration, rules or workflows, so an approval the
    gate recorded for that pull request matches here.
    """
    from planlint.config import DEFAULT_POLICY, parse_policy
    from planlint.digest import destructive_digest
    from planlint.gate import gather
    from planlint.gate.approval import Mode, judge
    from planlint.gate.gate_runs import GateWorkflow
    from planlint.gate.protected import protected_findings, protected_patterns
    from planlint.github.client import GitHubClient

    if not trust.github_repo:
        raise ConfigError("--github-pr needs `github_repo: owner/name` in the trusted policy (policy.yml)")
    if not trust.github_gate_workflow:
        raise ConfigError(
            "--github-pr needs `github_gate_workflow: .github/workflows/FILE.yml` (the pull request workflow that "
            "runs `planlint gate`) in the trusted policy (policy.yml): any workflow can post the gate's status "
            "as github-actions[bot]"
        )
    token = env.get("GITHUB_TOKEN") or env.get("PLANLINT_GITHUB_TOKEN")
    if not token:
        raise ConfigError("--github-pr needs GITHUB_TOKEN (read access to the pull request)")
    client = GitHubClient(trust.github_api_url, token)
    repo = trust.github_repo
    pr = gather.fetch_pull(client, repo, number)
    text = gather.fetch_file(client, repo, ".planlint.yml", pr.base_sha)
    policy = parse_policy(text, f".planlint.yml@{pr.base_sha[:12]}") if text is not None else DEFAULT_POLICY
    settings = policy.approval
    patterns = protected_patterns(".planlint.yml", [str(d) for d in policy.rule_dirs])
    extra = protected_findings(gather.fetch_changed_files(client, pr, repo), patterns)
    digest = destructive_digest((*findings, *extra))
    mode: Mode = "apply" if pr.merged else "pr"
    planned_head = _local_head(cwd) if mode == "pr" else None
    evidence = gather.gather_evidence(
        client,
        repo,
        pr,
        settings,
        planned_head_sha=planned_head,
        gate_login=trust.github_gate_login,
        gate_workflow=GateWorkflow(path=trust.github_gate_workflow),
    )
    outcome = judge(evidence, settings, digest, mode)
    reasons = tuple(outcome.blockers) + tuple(f"{login}: {why}" for login, why in outcome.not_counted)
    if mode == "apply":
        reasons += tuple(binding_problems(pr, scope, repo, trust, datetime.now(timezone.utc)))
    bound_to = f"{repo}#{number}@{pr.merge_commit_sha if mode == 'apply' else pr.head_sha}:{digest}"
    key = "github-pr-" + hashlib.sha256(bound_to.encode()).hexdigest()[:32]
    return PullRequestApproval(outcome.approved and not reasons, tuple(outcome.approvers), reasons, key)
