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
) -> str:
    """The sticky comment: the check report plus who approved, who did not count and why, what to do."""
    from planlint.report.markdown import inline, render
    from planlint.report.wording import short_digest

    lines = [COMMENT_MARKER, f"<!-- planlint:digest={verdict.destructive_digest or 'none'} -->", ""]
    lines.append(render(verdict).rstrip("\n"))
    if removed_label_from is not None:
        lines += [
            "",
            f"> **The approval label `{label}` was removed**: the destructive change set changed from "
            f"`{short_digest(removed_label_from)}` to `{short_digest(verdict.destructive_digest)}` since it was "
            "shown, so the earlier consent does not cover it. A peer must review the new change set and label again.",
        ]
    if outcome is not None:
        lines += ["", "### Approval evidence", ""]
        lines.append(f"- Head commit: `{pr.head_sha[:12]}`; PR author: `{inline(pr.author.login)}`")
        if outcome.latest_push_at:
            lines.append(f"- Latest push (server time): {_iso(outcome.latest_push_at)}")
        shown = (
            _iso(outcome.digest_shown_at) if outcome.digest_shown_at else "not yet (this comment shows it)"
        )
        lines.append(f"- This digest shown on this head since: {shown}")
        if outcome.approvers:
            lines.append("- Counted: " + ", ".join(f"`{inline(a)}`" for a in outcome.approvers))
        if outcome.not_counted:
            lines += ["", "| did not count | why |", "|---|---|"]
            lines += [f"| `{inline(login)}` | {inline(why)} |" for login, why in outcome.not_counted]
        if outcome.blockers:
            lines += ["", "**Missing:**", ""]
            lines += [f"- {inline(b)}" for b in outcome.blockers]
        if not outcome.approved:
            lines += [
                "",
                "### What a reviewer must do",
                "",
                f"1. Read the destructive changes above (digest `{short_digest(verdict.destructive_digest)}`).",
                "2. If they are intended, a peer with write access who is not the author and did not push the "
                f"head adds the label `{label}` (remove and re-add it if it is already there).",
                "3. Any new push or a different destructive change set needs a new label.",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _iso(moment: object) -> str:
    from datetime import datetime

    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(moment, datetime) else str(moment)
