"""Approval evidence as plain records: what GitHub said, gathered once, judged by `planlint.gate.approval`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

STATUS_CONTEXT = "planlint/gate"
COMMENT_MARKER = "<!-- planlint:gate -->"
DEFAULT_GATE_LOGIN = "github-actions[bot]"
WRITE_PERMISSIONS = frozenset(("admin", "maintain", "write"))


@dataclass(frozen=True, slots=True)
class Actor:
    """A GitHub account that did something; `via_app` when a GitHub App performed it on someone's behalf."""

    login: str
    type: str = "User"
    via_app: bool = False

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot" or self.login.lower().endswith("[bot]") or self.via_app


@dataclass(frozen=True, slots=True)
class PullRequest:
    """Live pull request state from `GET /repos/{o}/{r}/pulls/{n}`."""

    number: int
    state: str  # open | closed
    merged: bool
    author: Actor
    head_sha: str
    head_ref: str
    head_repo: str  # owner/name of the head branch's repository (a fork for fork PRs)
    base_sha: str
    base_ref: str
    labels: tuple[str, ...]
    changed_files: int
    merge_commit_sha: str | None = None  # the merge (or squash/rebase) commit once merged
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LabelEvent:
    """A `labeled`/`unlabeled` timeline event."""

    event: str
    label: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class Push:
    """A server-side record that the head branch moved (never a commit date: those are forgeable)."""

    at: datetime
    after: str | None
    actor: Actor | None
    source: str  # "repository activity", "force-push event", "workflow run"


@dataclass(frozen=True, slots=True)
class Review:
    reviewer: Actor
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    commit_id: str | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class GateStatus:
    """A `planlint/gate` commit status on the head: the gate's immutable record of the digest it showed."""

    digest: str | None
    at: datetime
    creator: str
    target_url: str | None = None  # the run that posted it (the gate sets its workflow run's URL)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything the approval decision reads. Permissions hold only the logins that needed checking."""

    pr: PullRequest
    label_events: tuple[LabelEvent, ...]
    pushes: tuple[Push, ...]
    reviews: tuple[Review, ...]
    statuses: tuple[GateStatus, ...]
    # login -> admin / maintain / write / triage / read / none
    permissions: Mapping[str, str] = field(default_factory=dict)
    # login -> active member of an approver team
    team_members: Mapping[str, bool] = field(default_factory=dict)
    gate_login: str = DEFAULT_GATE_LOGIN
    planned_head_sha: str | None = None  # the head the judged plan was made from, when known


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the evidence proves: approved or not, who counted, who did not and why."""

    approved: bool
    approvers: tuple[str, ...]
    not_counted: tuple[tuple[str, str], ...]  # (login, why it did not count)
    blockers: tuple[str, ...]  # why approval is missing, in reviewer language
    digest_shown_at: datetime | None = None
    latest_push_at: datetime | None = None
