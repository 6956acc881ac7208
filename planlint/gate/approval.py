"""The approval algorithm: pure functions over gathered evidence. Each check names the attack it stops."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from planlint.config import ApprovalSettings
from planlint.gate.evidence import WRITE_PERMISSIONS, Evidence, GateStatus, LabelEvent, Outcome, Review

Mode = Literal["pr", "apply"]
SIGNIFICANT_REVIEW_STATES = frozenset(("APPROVED", "CHANGES_REQUESTED", "DISMISSED"))


def judge(evidence: Evidence, settings: ApprovalSettings, digest: str, mode: Mode = "pr") -> Outcome:
    """Is the destructive change with `digest` approved by a qualified peer, after the latest push?"""
    pr = evidence.pr
    blockers: list[str] = []
    not_counted: list[tuple[str, str]] = []
    approvers: list[str] = []

    # Re-runs reuse old event payloads: only the live state counts.
    if mode == "pr" and pr.state != "open":
        blockers.append(f"the pull request is {pr.state}; only an open pull request can be approved")
    if mode == "apply" and not pr.merged:
        blockers.append("the pull request was not merged")
    if evidence.planned_head_sha and evidence.planned_head_sha != pr.head_sha:
        blockers.append(
            f"the head moved on from {evidence.planned_head_sha[:12]} to {pr.head_sha[:12]}; "
            "the run for the new head decides"
        )

    latest_push = max((p.at for p in evidence.pushes), default=None)
    if latest_push is None:
        blockers.append("no server-side record of the latest push to the head branch")
    shown_at = digest_shown_since(evidence.statuses, digest, evidence.gate_login)

    labeled = latest_label_event(evidence.label_events, settings.label)
    if not _has_label(pr.labels, settings.label):
        blockers.append(f"the label '{settings.label}' is not on the pull request")
    elif labeled is None:
        blockers.append(f"no labeled event for '{settings.label}' in the timeline")
    else:
        login = labeled.actor.login
        why = disqualification(labeled.actor.login, labeled.actor.is_bot, evidence, settings)
        if why is None and latest_push is not None and labeled.at <= latest_push:
            why = f"labeled at {_iso(labeled.at)}, before the latest push at {_iso(latest_push)}"
        if why is None and shown_at is None:
            why = "labeled before the gate showed the current destructive digest on this head"
        if why is None and shown_at is not None and labeled.at <= shown_at:
            why = (
                f"labeled at {_iso(labeled.at)}, before the gate showed the current destructive digest "
                f"at {_iso(shown_at)} (the approval was for an earlier change set)"
            )
        if why is None:
            approvers.append(login)
        else:
            not_counted.append((login, f"label: {why}"))
            blockers.append(f"no qualified peer added '{settings.label}' after the latest change")

    review_approvers, review_blockers, review_not_counted = judge_reviews(evidence, settings)
    blockers.extend(review_blockers)
    not_counted.extend(review_not_counted)
    if settings.approvals and len(review_approvers) < settings.approvals:
        blockers.append(
            f"{len(review_approvers)} of {settings.approvals} required approving reviews on the head "
            "from qualified peers"
        )
    for login in review_approvers:
        if login not in approvers:
            approvers.append(login)

    return Outcome(
        approved=not blockers,
        approvers=tuple(approvers),
        not_counted=tuple(not_counted),
        blockers=tuple(blockers),
        digest_shown_at=shown_at,
        latest_push_at=latest_push,
    )


def disqualification(login: str, is_bot: bool, evidence: Evidence, settings: ApprovalSettings) -> str | None:
    """Why `login` is not a qualified peer, or None when they are."""
    if is_bot or login.lower().endswith("[bot]"):
        return "a bot or app cannot approve"
    if login.lower() == evidence.pr.author.login.lower():
        return "the pull request author cannot approve their own change"
    if login.lower() in head_pushers(evidence):
        return "pushed the head commit, so cannot approve it"
    permission = evidence.permissions.get(login, "none")
    if permission not in WRITE_PERMISSIONS:
        return f"has {permission} permission (write, maintain or admin needed)"
    if settings.teams and not evidence.team_members.get(login, False):
        return f"is not a member of an approver team ({', '.join(settings.teams)})"
    return None


def head_pushers(evidence: Evidence) -> frozenset[str]:
    """Logins that pushed the current head commit (lower-cased)."""
    return frozenset(
        p.actor.login.lower()
        for p in evidence.pushes
        if p.actor is not None and (p.after is None or p.after == evidence.pr.head_sha)
    )


def judge_reviews(
    evidence: Evidence, settings: ApprovalSettings
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(approving peers on the head, blockers, reviews that did not count and why)."""
    approvers: list[str] = []
    blockers: list[str] = []
    not_counted: list[tuple[str, str]] = []
    for review in latest_reviews(evidence.reviews):
        login = review.reviewer.login
        why = disqualification(login, review.reviewer.is_bot, evidence, settings)
        on_head = review.commit_id == evidence.pr.head_sha
        if review.state == "CHANGES_REQUESTED":
            if why is None and on_head:
                blockers.append(f"{login} requested changes on the head commit")
            continue
        if review.state == "DISMISSED":
            not_counted.append((login, "review: dismissed"))
        elif why is not None:
            not_counted.append((login, f"review: {why}"))
        elif not on_head:
            not_counted.append((login, f"review: approved an older commit {(review.commit_id or '?')[:12]}"))
        else:
            approvers.append(login)
    return approvers, blockers, not_counted


def latest_reviews(reviews: Iterable[Review]) -> list[Review]:
    """Each reviewer's latest approve / request-changes / dismissed review (comments do not change a verdict)."""
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state in SIGNIFICANT_REVIEW_STATES:
            latest[review.reviewer.login.lower()] = review
    return list(latest.values())


def latest_label_event(events: Iterable[LabelEvent], label: str) -> LabelEvent | None:
    """The most recent `labeled` event for `label` (label names compare case-insensitively, as on GitHub)."""
    found: LabelEvent | None = None
    for event in events:
        same = event.event == "labeled" and event.label.casefold() == label.casefold()
        if same and (found is None or event.at >= found.at):
            found = event
    return found


def digest_shown_since(statuses: Iterable[GateStatus], digest: str, gate_login: str) -> datetime | None:
    """When the gate's own statuses on this head started showing `digest` (None: never, or not any more)."""
    since: datetime | None = None
    own = sorted((s for s in statuses if s.creator.lower() == gate_login.lower()), key=lambda s: s.at)
    for status in own:
        # A status showing another digest in between means the current one was shown again later.
        since = (since or status.at) if status.digest == digest else None
    return since


def _has_label(labels: Iterable[str], label: str) -> bool:
    return any(name.casefold() == label.casefold() for name in labels)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
