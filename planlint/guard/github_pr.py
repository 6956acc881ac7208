"""`planlint guard --github-pr N`: accept a pull request's peer approval, judged by the gate's own algorithm.

Everything that decides *where* evidence comes from is trusted policy, never the agent's environment or
working tree: the repository (`github_repo`) and API root (`github_api_url`, default api.github.com) come
from the trusted policy file. The token (GITHUB_TOKEN / PLANLINT_GITHUB_TOKEN) only grants reading; a
token cannot make GitHub's answers say something else. The PR's approval settings are read from its base
commit, as `planlint gate` does, and the label must have been added after the gate showed this digest.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from planlint.approvals.policy import TrustedPolicy
from planlint.errors import ConfigError
from planlint.model import Finding


@dataclass(frozen=True, slots=True)
class PullRequestApproval:
    approved: bool
    approvers: tuple[str, ...]
    reasons: tuple[str, ...]


def _local_head(cwd: Path) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(cwd), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def pull_request_approval(
    number: int, findings: Sequence[Finding], trust: TrustedPolicy, env: Mapping[str, str], cwd: Path
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
    from planlint.gate.protected import protected_findings, protected_patterns
    from planlint.github.client import GitHubClient

    if not trust.github_repo:
        raise ConfigError("--github-pr needs `github_repo: owner/name` in the trusted policy (policy.yml)")
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
    evidence = gather.gather_evidence(client, repo, pr, settings, planned_head_sha=planned_head,
                                      gate_login=trust.github_gate_login)  # fmt: skip
    outcome = judge(evidence, settings, digest, mode)
    reasons = tuple(outcome.blockers) + tuple(f"{login}: {why}" for login, why in outcome.not_counted)
    return PullRequestApproval(outcome.approved, tuple(outcome.approvers), reasons)
