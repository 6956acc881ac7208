"""Who approved a run's destructive digest: a signed approval record, or the pull request on GitHub.

Every source is hostile until proven a peer's: records are checked by `planlint.approvals.verify`
(signature from the allowed-signers file, digest, scope `hcp-terraform:ORG/WORKSPACE`, requester =
the run's creator, expiry); pull requests by `planlint.gate.approval.judge`, the gate's own algorithm
(label by a qualified peer after the latest push and after planlint showed this digest on the head).
Runs in a worker thread (the GitHub client is synchronous).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from planlint.config import ApprovalSettings
from planlint.errors import GateError
from planlint.model import Decision
from planlint.serve.payload import RunTaskRequest
from planlint.serve.settings import GitHubApprovals, RecordApprovals

MAX_RECORDS = (
    1000  # approval records read per judgement: a full directory is an operator's problem, not a DoS
)
_PULL = re.compile(r"/pull/(\d+)/?$")


@dataclass(frozen=True, slots=True)
class ApprovalResult:
    """Whether the digest is approved, by whom and through what; else why not, source by source."""

    approved: bool
    approvers: tuple[str, ...] = ()
    via: str = ""  # "signed approval record", "pull request #12 (after merge)"
    blockers: tuple[str, ...] = ()
    pull_request_url: str | None = None


def find_approval(
    request: RunTaskRequest,
    digest: str,
    settings: ApprovalSettings,
    records: RecordApprovals | None,
    github: GitHubApprovals | None,
) -> ApprovalResult:
    """The first source that approves `digest` for this run, or every source's reason it does not."""
    blockers: list[str] = []
    pull_url = request.vcs_pull_request_url
    if records is not None:
        result = record_approval(request, digest, records)
        if result.approved:
            return result
        blockers.extend(result.blockers)
    if github is not None:
        result = github_approval(request, digest, settings, github)
        if result.approved:
            return result
        blockers.extend(result.blockers)
        pull_url = result.pull_request_url or pull_url
    if records is None and github is None:
        blockers.append("the server has no approval source configured (approvals: or github:)")
    return ApprovalResult(False, blockers=tuple(blockers), pull_request_url=pull_url)


def record_approval(request: RunTaskRequest, digest: str, records: RecordApprovals) -> ApprovalResult:
    """A valid signed record for this digest, workspace and requester in the records directory."""
    from planlint.approvals.ledger import consume
    from planlint.approvals.policy import TrustedPolicy
    from planlint.approvals.record import read_approval
    from planlint.approvals.verify import Expected, check_approval

    if not request.run_created_by:
        return ApprovalResult(
            False, blockers=("signed records: the run names no creator to be the requester",)
        )
    policy = TrustedPolicy(
        directory=records.records_dir,
        source="run task settings",
        allowed_signers=records.allowed_signers,
        # Without a shared ledger the server keeps no state: a record is good until it expires.
        ledger=records.ledger or records.records_dir / ".ledger",
        work_dir=records.records_dir / ".work",  # unused: the server plans nothing
        max_ttl=timedelta(hours=records.max_ttl_hours),
    )
    expected = Expected(digest=digest, scope=request.scope, requester=request.run_created_by)
    refusals: list[str] = []
    try:
        paths = sorted(records.records_dir.glob("*.json"))[:MAX_RECORDS]
    except OSError as exc:
        return ApprovalResult(False, blockers=(f"signed records: cannot list {records.records_dir}: {exc}",))
    for path in paths:
        try:
            record, _ = read_approval(path)
            if record.digest != digest:
                continue
            record = check_approval(path, expected, policy)
            if records.ledger is not None and request.stage == "pre_apply":
                consume(records.ledger, record.nonce, f"{record.digest}\t{request.scope} {request.run_id}")
        except GateError as exc:
            refusals.append(f"{Path(path).name}: {exc.message}")
            continue
        return ApprovalResult(True, approvers=(record.approver,), via=f"signed approval record {path.name}")
    if not refusals:
        return ApprovalResult(False, blockers=(f"signed records: none for digest {digest}",))
    return ApprovalResult(False, blockers=tuple(f"signed record {r}" for r in refusals))


def github_approval(
    request: RunTaskRequest, digest: str, settings: ApprovalSettings, github: GitHubApprovals
) -> ApprovalResult:
    """The gate's judgement of the pull request this run comes from (or, after merge, was merged from)."""
    repo = repository_of(request.vcs_repo_url, github.web_url)
    if repo is None:
        return ApprovalResult(False, blockers=("GitHub: the workspace's repository is not on GitHub",))
    from planlint.gate import gather, publish
    from planlint.gate.approval import judge
    from planlint.github.client import GitHubClient

    client = GitHubClient(github.api_url, github.token, time_budget=60.0)
    pull_url = request.vcs_pull_request_url
    try:
        if pull_url:
            match = _PULL.search(pull_url)
            if match is None:
                raise GateError(f"cannot read a pull request number from {pull_url}", "vcs_pull_request_url")
            number, mode = int(match.group(1)), "pr"
        elif request.vcs_commit_hash and not request.is_speculative:
            number, mode = gather.merged_pull_number(client, repo, request.vcs_commit_hash), "apply"
        else:
            return ApprovalResult(
                False, blockers=("GitHub: the run names no pull request and no merged commit",)
            )
        pr = gather.fetch_pull(client, repo, number)
        pull_url = f"{github.web_url}/{repo}/pull/{pr.number}"
        planned = request.vcs_commit_hash if mode == "pr" else None
        evidence = gather.gather_evidence(
            client, repo, pr, settings, gate_login=github.gate_login, planned_head_sha=planned
        )
        outcome = judge(evidence, settings, digest, "pr" if mode == "pr" else "apply")
        if mode == "pr" and github.write_status:
            decision: Decision = "approved" if outcome.approved else "approval_required"
            publish.post_status(client, repo, pr.head_sha, decision, digest, target_url=request.run_app_url)
    except GateError as exc:
        return ApprovalResult(False, blockers=(f"GitHub: {exc}",), pull_request_url=pull_url)
    where = f"pull request #{pr.number}" + (" (merged)" if mode == "apply" else "")
    if outcome.approved:
        return ApprovalResult(True, approvers=outcome.approvers, via=where, pull_request_url=pull_url)
    reasons = [*outcome.blockers, *(f"{login} did not count: {why}" for login, why in outcome.not_counted)]
    return ApprovalResult(False, blockers=tuple(f"{where}: {r}" for r in reasons), pull_request_url=pull_url)


def repository_of(repo_url: str | None, web_url: str) -> str | None:
    """`owner/name` of a GitHub repository URL under `web_url`, else None."""
    if not repo_url or not repo_url.startswith(web_url + "/"):
        return None
    path = repo_url[len(web_url) + 1 :].removesuffix("/").removesuffix(".git")
    return path if re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", path) else None
