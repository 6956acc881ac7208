"""What the gate writes back: the sticky PR comment, the `planlint/gate` commit status, label removal."""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from dataclasses import dataclass

from planlint.gate.evidence import COMMENT_MARKER, STATUS_CONTEXT, Outcome, PullRequest
from planlint.github.client import GitHubClient
from planlint.model import Decision, Verdict

_DIGEST_MARKER = re.compile(r"<!-- planlint:digest=([a-z]+[0-9]+:[0-9a-f]{64}|none) -->")
STATUS_STATE: dict[Decision, str] = {
    "pass": "success",
    "approved": "success",
    "approval_required": "failure",
    "denied": "failure",
    "error": "error",
}
STATUS_WORDS: dict[Decision, str] = {
    "pass": "nothing needs approval",
    "approved": "approved by a peer",
    "approval_required": "peer approval required",
    "denied": "denied",
    "error": "error",
}


@dataclass(frozen=True, slots=True)
class StickyComment:
    id: int
    digest: str | None


def find_sticky_comment(
    client: GitHubClient, repo: str, number: int, gate_login: str
) -> StickyComment | None:
    """The gate's own comment: hidden marker AND written by the gate's identity (others can copy a marker)."""
    for item in client.paginate(f"repos/{repo}/issues/{number}/comments"):
        if not isinstance(item, dict):
            continue
        user = item.get("user")
        login = user.get("login") if isinstance(user, dict) else None
        body = item.get("body")
        if (
            isinstance(body, str)
            and COMMENT_MARKER in body
            and isinstance(login, str)
            and login.lower() == gate_login.lower()
            and isinstance(item.get("id"), int)
        ):
            match = _DIGEST_MARKER.search(body)
            digest = match.group(1) if match and match.group(1) != "none" else None
            return StickyComment(item["id"], digest)
    return None


def upsert_comment(
    client: GitHubClient, repo: str, number: int, existing: StickyComment | None, body: str
) -> None:
    if existing is None:
        client.request("POST", f"repos/{repo}/issues/{number}/comments", body={"body": body}, ok=(201,))
    else:
        client.request("PATCH", f"repos/{repo}/issues/comments/{existing.id}", body={"body": body})


def remove_label(client: GitHubClient, repo: str, number: int, label: str) -> None:
    """Take stale consent off the PR (404: someone already removed it)."""
    quoted = urllib.parse.quote(label, safe="")
    client.request("DELETE", f"repos/{repo}/issues/{number}/labels/{quoted}", allow=(404,))


def post_status(
    client: GitHubClient, repo: str, sha: str, decision: Decision, digest: str, *, target_url: str | None
) -> None:
    """The immutable record of which digest the gate showed on this head, and when (its created_at)."""
    body: dict[str, str] = {
        "state": STATUS_STATE[decision],
        "context": STATUS_CONTEXT,
        "description": f"{STATUS_WORDS[decision]} · digest {digest}"[:140],
    }
    if target_url:
        body["target_url"] = target_url
    client.request("POST", f"repos/{repo}/statuses/{sha}", body=body, ok=(201,))


def post_error_status(
    client: GitHubClient, repo: str, sha: str, message: str, *, target_url: str | None
) -> None:
    """Best effort: mark the head as not judged. Swallows API errors (the run is failing already)."""
    from planlint.errors import GateError

    body = {"state": "error", "context": STATUS_CONTEXT, "description": f"error: {message}"[:140]}
    if target_url:
        body["target_url"] = target_url
    with contextlib.suppress(GateError):
        client.request("POST", f"repos/{repo}/statuses/{sha}", body=body, ok=(201,))


def render_comment(
    verdict: Verdict,
    pr: PullRequest,
    label: str,
    outcome: Outcome | None,
    removed_label_from: str | None,
    *,
    run_url: str | None = None,
    blob_url: str | None = None,
    teams: tuple[str, ...] = (),
    reviews_required: int = 0,
) -> str:
    """The sticky comment: the markdown report with the approval state (who may approve, who did, what
    no longer counts and why), file links to the PR head (`blob_url`) and the CI run."""
    from planlint.report.markdown import ApprovalState, ReportLinks, render
    from planlint.report.wording import short_digest

    invalidated = None
    if removed_label_from is not None:
        invalidated = (
            f"the label `{label}` was removed: the destructive change set changed from "
            f"`{short_digest(removed_label_from)}` to `{short_digest(verdict.destructive_digest)}` since it "
            "was shown, so the earlier consent does not cover it. A peer must review the new change set and "
            "label again."
        )
    approval = None
    if outcome is not None or invalidated is not None:
        facts = [f"Head commit `{pr.head_sha[:12]}`"]
        if outcome is not None and outcome.latest_push_at:
            facts.append(f"latest push {_iso(outcome.latest_push_at)}")
        if outcome is not None:
            shown = (
                _iso(outcome.digest_shown_at) if outcome.digest_shown_at else "first shown by this comment"
            )
            facts.append(f"this digest shown on this head since {shown}")
        approval = ApprovalState(
            label=label,
            approved=outcome.approved if outcome is not None else False,
            approvers=outcome.approvers if outcome is not None else (),
            not_counted=outcome.not_counted if outcome is not None else (),
            missing=outcome.blockers if outcome is not None else (),
            invalidated=invalidated,
            author=pr.author.login,
            teams=teams,
            reviews_required=reviews_required,
            facts=tuple(facts),
        )
    lines = [COMMENT_MARKER, f"<!-- planlint:digest={verdict.destructive_digest or 'none'} -->", ""]
    lines.append(render(verdict, links=ReportLinks(run_url, blob_url), approval=approval).rstrip("\n"))
    return "\n".join(lines).rstrip("\n") + "\n"


def _iso(moment: object) -> str:
    from datetime import datetime

    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(moment, datetime) else str(moment)
