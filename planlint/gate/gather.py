"""Gather approval evidence from the GitHub REST API. Any unexpected shape is a GateError, never approval."""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from planlint.config import ApprovalSettings
from planlint.errors import GateError
from planlint.gate.approval import head_pushers, latest_label_event, latest_reviews
from planlint.gate.evidence import (
    STATUS_CONTEXT,
    Actor,
    Evidence,
    GateStatus,
    LabelEvent,
    PullRequest,
    Push,
    Review,
)
from planlint.github.client import GitHubClient

if TYPE_CHECKING:
    from planlint.gate.gate_runs import GateWorkflow

_STATUS_DIGEST = re.compile(r"digest ([a-z]+[0-9]+:[0-9a-f]{64})")
_KNOWN_ROLES = frozenset(("admin", "maintain", "write", "triage", "read"))
# Activity types that move a branch; a deletion does not make new content.
_REF_MOVES = frozenset(("push", "force_push", "branch_creation", "pr_merge", "merge_queue_merge"))


def fetch_pull(client: GitHubClient, repo: str, number: int) -> PullRequest:
    """Live pull request state (never the event payload: re-runs reuse old payloads)."""
    where = f"GitHub API GET /repos/{repo}/pulls/{number}"
    doc = _obj(client.get(f"repos/{repo}/pulls/{number}").body, where)
    head = _obj(doc.get("head"), where, "head")
    base = _obj(doc.get("base"), where, "base")
    head_repo = head.get("repo")
    return PullRequest(
        number=_int(doc, "number", where),
        state=_str(doc, "state", where),
        merged=bool(doc.get("merged")),
        author=actor_of(doc.get("user"), None, where),
        head_sha=_str(head, "sha", where),
        head_ref=_str(head, "ref", where),
        head_repo=_str(head_repo, "full_name", where) if isinstance(head_repo, dict) else repo,
        base_sha=_str(base, "sha", where),
        base_ref=_str(base, "ref", where),
        labels=tuple(
            _str(_obj(x, where, "labels[]"), "name", where) for x in _list(doc.get("labels"), where)
        ),
        changed_files=_int(doc, "changed_files", where),
        merge_commit_sha=doc["merge_commit_sha"] if isinstance(doc.get("merge_commit_sha"), str) else None,
        merged_at=_time(doc, "merged_at", where) if doc.get("merged") and doc.get("merged_at") else None,
    )


def merged_pull_number(client: GitHubClient, repo: str, sha: str) -> int:
    """The number of the pull request merged as commit `sha` (`GET /repos/{o}/{r}/commits/{sha}/pulls`)."""
    where = f"GitHub API GET /repos/{repo}/commits/{sha}/pulls"
    pulls = client.paginate(f"repos/{repo}/commits/{sha}/pulls")
    merged = [
        p["number"]
        for p in pulls
        if isinstance(p, dict) and p.get("merge_commit_sha") == sha and isinstance(p.get("number"), int)
    ]
    if len(merged) != 1:
        raise GateError(f"expected one pull request merged as {sha[:12]}, found {len(merged)}", origin=where)
    return int(merged[0])


def fetch_file(client: GitHubClient, repo: str, path: str, ref: str) -> str | None:
    """A file's text at `ref` through the contents API; None when it does not exist there."""
    quoted = urllib.parse.quote(path.lstrip("/"))
    response = client.request("GET", f"repos/{repo}/contents/{quoted}", params={"ref": ref}, allow=(404,))
    where = f"{path} at {ref[:12]} (GitHub contents API)"
    if response.status == 404:
        return None
    doc = _obj(response.body, where)
    if doc.get("type") != "file" or doc.get("encoding") != "base64":
        raise GateError("expected a base64-encoded file", origin=where)
    try:
        return base64.b64decode(_str(doc, "content", where)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise GateError("file content is not base64-encoded UTF-8", origin=where) from None


def fetch_changed_files(client: GitHubClient, pr: PullRequest, repo: str) -> list[tuple[str, str]]:
    """(path, status) for every file the PR touches, old names of renames included; fails closed when partial."""
    where = f"GitHub API GET /repos/{repo}/pulls/{pr.number}/files"
    files = client.paginate(f"repos/{repo}/pulls/{pr.number}/files")
    if len(files) < pr.changed_files:
        raise GateError(
            f"GitHub listed {len(files)} of {pr.changed_files} changed files; cannot see the whole change",
            origin=where,
        )
    changed: list[tuple[str, str]] = []
    for item in files:
        entry = _obj(item, where, "files[]")
        changed.append((_str(entry, "filename", where), _str(entry, "status", where)))
        if isinstance(entry.get("previous_filename"), str):
            changed.append((entry["previous_filename"], "removed"))
    return changed


def fetch_timeline(client: GitHubClient, repo: str, number: int) -> tuple[list[LabelEvent], list[Push]]:
    """Label events and force pushes from the issue timeline, every page."""
    where = f"GitHub API GET /repos/{repo}/issues/{number}/timeline"
    labels: list[LabelEvent] = []
    pushes: list[Push] = []
    for item in client.paginate(f"repos/{repo}/issues/{number}/timeline"):
        event = _obj(item, where, "timeline[]")
        kind = event.get("event")
        if kind in ("labeled", "unlabeled"):
            label = _obj(event.get("label"), where, "label")
            labels.append(
                LabelEvent(
                    event=str(kind),
                    label=_str(label, "name", where),
                    actor=actor_of(event.get("actor"), event.get("performed_via_github_app"), where),
                    at=_time(event, "created_at", where),
                )
            )
        elif kind == "head_ref_force_pushed":
            commit = event.get("commit_id")
            pushes.append(
                Push(
                    at=_time(event, "created_at", where),
                    after=commit if isinstance(commit, str) else None,
                    actor=actor_of(event.get("actor"), event.get("performed_via_github_app"), where),
                    source="force-push event",
                )
            )
    return labels, pushes


def fetch_pushes(client: GitHubClient, pr: PullRequest, repo: str) -> list[Push]:
    """Server-side pushes to the head branch: repository activity, else the first workflow run on the head."""
    where = f"GitHub API GET /repos/{pr.head_repo}/activity"
    pushes: list[Push] = []
    response = client.request(
        "GET",
        f"repos/{pr.head_repo}/activity",
        params={"ref": f"refs/heads/{pr.head_ref}", "per_page": 100},
        allow=(403, 404),
    )
    if response.status == 200:
        for item in _list(response.body, where):
            entry = _obj(item, where, "activity[]")
            if entry.get("activity_type") in _REF_MOVES:
                pushes.append(
                    Push(
                        at=_time(entry, "timestamp", where),
                        after=_str(entry, "after", where),
                        actor=actor_of(entry.get("actor"), None, where) if entry.get("actor") else None,
                        source="repository activity",
                    )
                )
    if not any(p.after == pr.head_sha for p in pushes):
        pushes.extend(_first_runs(client, repo, pr.head_sha))
    if not any(p.after == pr.head_sha for p in pushes):
        raise GateError(
            f"no server-side record of when {pr.head_sha[:12]} was pushed (repository activity and "
            "workflow runs are both silent); cannot tell whether a label came after it",
            origin=where,
        )
    return pushes


def _first_runs(client: GitHubClient, repo: str, head_sha: str) -> list[Push]:
    where = f"GitHub API GET /repos/{repo}/actions/runs"
    runs = client.paginate(f"repos/{repo}/actions/runs", {"head_sha": head_sha}, key="workflow_runs")
    pushes = []
    for item in runs:
        run = _obj(item, where, "workflow_runs[]")
        if run.get("event") in ("pull_request", "pull_request_target", "push"):
            # `actor` started the run (the pusher, for a push or synchronize); `triggering_actor` may be
            # someone who only re-ran it.
            who = run.get("actor") or run.get("triggering_actor")
            pushes.append(
                Push(_time(run, "created_at", where), head_sha, actor_of(who, None, where), "workflow run")
            )
    # The earliest run for the head is the closest server-side bound on when it was pushed.
    return sorted(pushes, key=lambda p: p.at)[:1]


def fetch_reviews(client: GitHubClient, repo: str, number: int) -> list[Review]:
    where = f"GitHub API GET /repos/{repo}/pulls/{number}/reviews"
    reviews = []
    for item in client.paginate(f"repos/{repo}/pulls/{number}/reviews"):
        review = _obj(item, where, "reviews[]")
        commit = review.get("commit_id")
        reviews.append(
            Review(
                reviewer=actor_of(review.get("user"), None, where),
                state=_str(review, "state", where),
                commit_id=commit if isinstance(commit, str) else None,
                at=_time(review, "submitted_at", where) if review.get("submitted_at") else None,
            )
        )
    return reviews


def fetch_statuses(client: GitHubClient, repo: str, sha: str) -> list[GateStatus]:
    """The gate's own `planlint/gate` statuses on `sha` (immutable, each with its creator)."""
    where = f"GitHub API GET /repos/{repo}/commits/{sha}/statuses"
    found = []
    for item in client.paginate(f"repos/{repo}/commits/{sha}/statuses"):
        status = _obj(item, where, "statuses[]")
        creator = status.get("creator")
        if status.get("context") != STATUS_CONTEXT or not isinstance(creator, dict):
            continue
        match = _STATUS_DIGEST.search(str(status.get("description") or ""))
        found.append(
            GateStatus(
                match.group(1) if match else None,
                _time(status, "created_at", where),
                _str(creator, "login", where),
                status["target_url"] if isinstance(status.get("target_url"), str) else None,
            )
        )
    return found


def fetch_permission(client: GitHubClient, repo: str, login: str) -> str:
    """admin / maintain / write / triage / read / none (404 = not a collaborator = none)."""
    path = f"repos/{repo}/collaborators/{urllib.parse.quote(login)}/permission"
    response = client.request("GET", path, allow=(404,))
    if response.status == 404:
        return "none"
    doc = _obj(response.body, f"GitHub API GET /{path}")
    role = doc.get("role_name")
    if isinstance(role, str) and role in _KNOWN_ROLES:
        return role
    return _str(doc, "permission", f"GitHub API GET /{path}")  # custom roles: their base permission


def fetch_team_members(client: GitHubClient, teams: Iterable[str], logins: Iterable[str]) -> dict[str, bool]:
    """Which logins are active members of any approver team; fails closed when a team cannot be read."""
    members = dict.fromkeys(logins, False)
    for team in teams:
        org, slug = team.split("/", 1)
        path = f"orgs/{org}/teams/{slug}"
        response = client.request("GET", path, allow=(401, 403, 404))
        if response.status != 200:
            raise GateError(
                f"cannot read approver team {team} with this token (HTTP {response.status}); "
                "give the gate a token that can read organization teams (members: read)",
                origin=f"GitHub API GET /{path}",
            )
        for login, already in list(members.items()):
            if already:
                continue
            membership = client.request(
                "GET", f"{path}/memberships/{urllib.parse.quote(login)}", allow=(404,)
            )
            if membership.status == 200:
                state = _obj(membership.body, f"GitHub API GET /{path}/memberships").get("state")
                members[login] = state == "active"
    return members


def gather_evidence(
    client: GitHubClient,
    repo: str,
    pr: PullRequest,
    settings: ApprovalSettings,
    *,
    gate_login: str,
    planned_head_sha: str | None = None,
    gate_workflow: GateWorkflow | None = None,
) -> Evidence:
    """Everything `approval.judge` needs, with permissions looked up only for people who could count.

    With `gate_workflow`, a gate status counts only when a run of that workflow, in this repository, on this
    head, posted it while it ran (planlint/gate/gate_runs.py): another workflow running as
    github-actions[bot] cannot vouch for a digest.
    """
    label_events, force_pushes = fetch_timeline(client, repo, pr.number)
    pushes = fetch_pushes(client, pr, repo) + force_pushes
    reviews = fetch_reviews(client, repo, pr.number)
    statuses = fetch_statuses(client, repo, pr.head_sha)
    if gate_workflow is not None:
        from planlint.gate.gate_runs import own_statuses

        statuses = own_statuses(client, repo, statuses, pr.head_sha, gate_workflow)
    evidence = Evidence(
        pr,
        tuple(label_events),
        tuple(pushes),
        tuple(reviews),
        tuple(statuses),
        gate_login=gate_login,
        planned_head_sha=planned_head_sha,
    )
    candidates = _candidates(evidence, settings)
    permissions = {login: fetch_permission(client, repo, login) for login in candidates}
    writers = [login for login, perm in permissions.items() if perm in ("admin", "maintain", "write")]
    teams = fetch_team_members(client, settings.teams, writers) if settings.teams and writers else {}
    return Evidence(
        pr,
        tuple(label_events),
        tuple(pushes),
        tuple(reviews),
        tuple(statuses),
        permissions=permissions,
        team_members=teams,
        gate_login=gate_login,
        planned_head_sha=planned_head_sha,
    )


def _candidates(evidence: Evidence, settings: ApprovalSettings) -> list[str]:
    """Logins whose permission matters: the latest labeler and latest reviewers, minus the obviously unqualified."""
    actors = [r.reviewer for r in latest_reviews(evidence.reviews)]
    labeled = latest_label_event(evidence.label_events, settings.label)
    if labeled is not None:
        actors.append(labeled.actor)
    excluded = head_pushers(evidence) | {evidence.pr.author.login.lower()}
    logins = {a.login for a in actors if not a.is_bot and a.login.lower() not in excluded}
    return sorted(logins)


def actor_of(user: Any, app: Any, where: str) -> Actor:
    """A user object (plus the performing app, if any) as an Actor; a deleted user is nobody who can approve."""
    if user is None:
        return Actor("ghost", "Bot", via_app=app is not None)
    doc = _obj(user, where, "user")
    return Actor(_str(doc, "login", where), str(doc.get("type") or "User"), via_app=app is not None)


def parse_time(value: str) -> datetime:
    """GitHub's ISO 8601 timestamps (`2026-11-27T10:00:00Z`) as aware datetimes (3.10 has no `Z` parsing)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _time(doc: Mapping[str, Any], key: str, where: str) -> datetime:
    try:
        return parse_time(_str(doc, key, where))
    except ValueError:
        raise GateError(f"unexpected response: {key} is not a timestamp", origin=where) from None


def _obj(value: Any, where: str, what: str = "response") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise GateError(f"unexpected response: {what} is not an object", origin=where)
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise GateError("unexpected response: expected a list", origin=where)
    return value


def _str(doc: Any, key: str, where: str) -> str:
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, str):
        raise GateError(f"unexpected response: {key} missing or not a string", origin=where)
    return value


def _int(doc: Mapping[str, Any], key: str, where: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise GateError(f"unexpected response: {key} missing or not a number", origin=where)
    return value
