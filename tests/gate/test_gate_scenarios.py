"""`planlint gate` end to end: the real CLI in a subprocess against a staged GitHub on 127.0.0.1.

Each attack from issue 4 is staged on top of a valid approval and must end in "approval required"
(exit 1) or, when evidence cannot be read, an error (exit 2). Never "approved".
"""

from __future__ import annotations

from pathlib import Path

from github_world import (
    LABEL,
    PEER,
    PLAN_CLEAN,
    PLAN_DESTROY,
    PLAN_OTHER_DESTROY,
    READ_ONLY,
    RUN_ID,
    SECOND_PEER,
    at,
    digest_of,
)

REPO = "/repos/Codertocat/Hello-World"
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"


def approve(world, login=PEER, minutes=30.0):
    """A valid approval: a qualified peer adds the label after the push (10) and the digest status (20)."""
    world.set_labels(LABEL)
    world.label_event(login, minutes)


def assert_required(result, *why):
    assert result.code == 1, result.stderr
    assert result.outputs["decision"] == "approval_required"
    for text in why:
        assert text in result.summary, result.summary


# ---------------------------------------------------------------------------------------------
# happy path


def test_happy_path_first_run_requires_then_peer_label_approves(world, run_gate, corpus: Path):
    world.statuses.clear()  # a fresh head: the gate has not shown anything yet
    digest = digest_of(corpus, PLAN_DESTROY)

    first = run_gate()
    assert first.code == 1
    assert first.outputs["decision"] == "approval_required"
    assert first.outputs["digest"] == digest
    assert first.outputs["gated"] == "1"
    assert first.requests == [
        ("GET", f"{REPO}/pulls/2"),
        ("GET", f"{REPO}/contents/.planlint.yml?ref={BASE}"),
        ("GET", f"{REPO}/pulls/2/files?per_page=100"),
        ("GET", f"{REPO}/actions/runs/{RUN_ID}"),  # which workflow is the gate's: the one running now
        ("GET", f"{REPO}/issues/2/timeline?per_page=100"),
        ("GET", f"{REPO}/activity?ref=refs%2Fheads%2Fchanges&per_page=100"),
        ("GET", f"{REPO}/pulls/2/reviews?per_page=100"),
        ("GET", f"{REPO}/commits/{HEAD}/statuses?per_page=100"),
        ("GET", f"{REPO}/issues/2/comments?per_page=100"),
        ("POST", f"{REPO}/issues/2/comments"),
        ("POST", f"{REPO}/statuses/{HEAD}"),
    ]
    # The comment and the status now show the digest; the status is the record of when.
    assert world.statuses[0]["context"] == "planlint/gate"
    assert digest in world.statuses[0]["description"]
    assert world.statuses[0]["state"] == "failure"
    assert "<!-- planlint:gate -->" in world.comments[0]["body"]
    assert "`aws_secretsmanager_secret.default`" in world.comments[0]["body"]
    assert "::error" in first.stdout

    # A peer reads the comment and labels after it (the status was written at world.now).
    world.set_labels(LABEL)
    world.label_event(PEER, 601)
    world.now = at(602)
    second = run_gate()
    assert second.code == 0, second.stderr
    assert second.outputs["decision"] == "approved"
    assert second.outputs["approvers"] == PEER
    assert second.outputs["digest"] == digest
    assert second.requests == [
        ("GET", f"{REPO}/pulls/2"),
        ("GET", f"{REPO}/contents/.planlint.yml?ref={BASE}"),
        ("GET", f"{REPO}/pulls/2/files?per_page=100"),
        ("GET", f"{REPO}/actions/runs/{RUN_ID}"),
        ("GET", f"{REPO}/issues/2/timeline?per_page=100"),
        ("GET", f"{REPO}/activity?ref=refs%2Fheads%2Fchanges&per_page=100"),
        ("GET", f"{REPO}/pulls/2/reviews?per_page=100"),
        ("GET", f"{REPO}/commits/{HEAD}/statuses?per_page=100"),
        ("GET", f"{REPO}/actions/runs/{RUN_ID}"),  # the run the first status names: this workflow's
        ("GET", f"{REPO}/collaborators/{PEER}/permission"),
        ("GET", f"{REPO}/issues/2/comments?per_page=100"),
        ("PATCH", f"{REPO}/issues/comments/900"),
        ("POST", f"{REPO}/statuses/{HEAD}"),
    ]
    assert len(world.comments) == 1  # sticky: updated in place
    assert world.statuses[0]["state"] == "success"
    assert "approved" in second.summary


def test_nothing_to_approve_passes_without_reading_evidence(world, run_gate):
    result = run_gate(plan=PLAN_CLEAN)
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "pass"
    assert result.outputs["gated"] == "0"
    assert not any("/timeline" in p or "/permission" in p for _, p in result.requests)
    assert ("POST", f"{REPO}/statuses/{HEAD}") in result.requests
    assert world.comments == []  # no noise on PRs that destroy nothing


def test_valid_label_on_staged_world_is_approved(world, run_gate):
    """The baseline every attack below starts from: without the attack, this approval counts."""
    approve(world)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"
    assert result.outputs["approvers"] == PEER


# ---------------------------------------------------------------------------------------------
# attacks: each must end in "approval required"


def test_author_labels_own_pr(world, run_gate):
    approve(world, login=world.author)
    result = run_gate()
    assert_required(result, "the pull request author cannot approve their own change")
    # The author is disqualified before any permission lookup.
    assert not any("/permission" in p for p in result.paths())


def test_bot_labels(world, run_gate):
    world.set_labels(LABEL)
    world.label_event("renovate[bot]", 30, kind="Bot")
    assert_required(run_gate(), "a bot or app cannot approve")


def test_app_performed_label(world, run_gate):
    """A human token driven by a GitHub App (performed_via_github_app) is an agent, not a peer."""
    world.set_labels(LABEL)
    world.label_event(PEER, 30, app=True)
    assert_required(run_gate(), "a bot or app cannot approve")


def test_read_only_user_labels(world, run_gate):
    approve(world, login=READ_ONLY)
    result = run_gate()
    assert_required(result, "has read permission")
    assert ("GET", f"{REPO}/collaborators/{READ_ONLY}/permission") in result.requests


def test_outside_user_labels_permission_404(world, run_gate):
    approve(world, login="drive-by")
    assert_required(run_gate(), "has none permission")


def test_label_before_latest_push(world, run_gate):
    approve(world, minutes=30)
    world.push(world.author, 40)  # the author pushes after the label
    world.gate_status(world.statuses[0]["description"].rsplit(" ", 1)[1], 41)
    assert_required(run_gate(), "before the latest push")


def test_force_push_after_label(world, run_gate):
    """A force push only visible as a timeline event (and re-using the head sha) still moves the push time."""
    approve(world, minutes=30)
    world.force_push(world.author, 35, world.head)
    assert_required(run_gate(), "before the latest push")


def test_commit_dates_are_never_push_times(world, run_gate):
    """A forged committer date cannot move the push time: only server-side records count."""
    approve(world, minutes=30)
    world.commit_event(world.head, committer_minutes=0)  # claims to be older than the label
    world.push(world.author, 31)  # the server saw the push after the label
    assert_required(run_gate(), "before the latest push")


def test_label_removed_and_readded_by_author(world, run_gate):
    approve(world, minutes=30)
    world.label_event(world.author, 40, event="unlabeled")
    world.label_event(world.author, 41)
    assert_required(run_gate(), "the pull request author cannot approve")


def test_approval_for_an_older_digest_removes_the_label(world, run_gate, corpus: Path):
    """The peer approved digest A; the plan now shows B. The label is removed and the PR says why."""
    old = digest_of(corpus, PLAN_DESTROY)
    new = digest_of(corpus, PLAN_OTHER_DESTROY)
    approve(world, minutes=30)
    world.sticky_comment(f"<!-- planlint:gate -->\n<!-- planlint:digest={old} -->\nold report")
    result = run_gate(plan=PLAN_OTHER_DESTROY)
    assert_required(result, "labeled before the gate showed the current destructive digest", "was removed")
    assert result.outputs["digest"] == new
    assert result.outputs["label-removed"] == "true"
    assert ("DELETE", f"{REPO}/issues/2/labels/planlint:approve-destroy") in result.requests
    assert world.pr["labels"] == []
    assert new in world.statuses[0]["description"]


def test_digest_shown_again_after_a_different_one(world, run_gate, corpus: Path):
    """A -> B -> A on one head: a label given while B was shown does not approve A."""
    a = digest_of(corpus, PLAN_DESTROY)
    b = digest_of(corpus, PLAN_OTHER_DESTROY)
    world.gate_status(b, 25)
    approve(world, minutes=30)
    world.gate_status(a, 35)
    assert_required(run_gate(), "before the gate showed the current destructive digest")


def test_status_forged_by_another_account_does_not_count(world, run_gate, corpus: Path):
    """Anyone with write access can post a `planlint/gate` status; only the gate's own identity counts."""
    world.statuses.clear()
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 5, creator=world.author)
    approve(world, minutes=30)
    assert_required(run_gate(), "before the gate showed the current destructive digest")


def test_reviewer_is_the_head_pusher(world, run_gate):
    world.push(PEER, 12)  # the peer pushed the head commit themselves
    approve(world, minutes=30)
    result = run_gate()
    assert_required(result, "pushed the head commit")
    assert not any("/permission" in p for p in result.paths())


def test_stale_review_on_an_old_commit(world, run_gate):
    world.contents[".planlint.yml"] = "approval:\n  approvals: 1\n"
    approve(world)
    world.review(SECOND_PEER, 8, "APPROVED", commit="0" * 40)
    assert_required(run_gate(), "approved an older commit", "0 of 1 required approving reviews")


def test_dismissed_review(world, run_gate):
    world.contents[".planlint.yml"] = "approval:\n  approvals: 1\n"
    approve(world)
    world.review(SECOND_PEER, 25, "APPROVED")
    world.review(SECOND_PEER, 26, "DISMISSED")
    assert_required(run_gate(), "review: dismissed", "0 of 1 required approving reviews")


def test_review_on_head_counts_when_required(world, run_gate):
    world.contents[".planlint.yml"] = "approval:\n  approvals: 1\n"
    approve(world)
    world.review(SECOND_PEER, 25, "APPROVED")
    result = run_gate()
    assert result.code == 0, result.summary
    assert result.outputs["approvers"] == f"{PEER},{SECOND_PEER}"


def test_changes_requested_after_approval(world, run_gate):
    approve(world)
    world.review(SECOND_PEER, 25, "APPROVED")
    world.review(SECOND_PEER, 40, "CHANGES_REQUESTED")
    assert_required(run_gate(), "requested changes on the head commit")


def test_pr_edits_planlint_yml_to_rename_the_label(world, run_gate):
    """The PR renames the label in its own .planlint.yml; the base commit's policy still rules."""
    world.contents[".planlint.yml"] = "approval:\n  label: planlint:approve-destroy\n"
    world.changed_file(".planlint.yml")
    world.set_labels("yolo")
    world.label_event(world.author, 30, label="yolo")
    result = run_gate()
    assert_required(result, "the label 'planlint:approve-destroy' is not on the pull request", "PL900")
    assert result.outputs["gated"] == "2"  # the plan's replacement + the config change


def test_pr_changing_a_workflow_needs_approval_even_without_destroys(world, run_gate):
    world.changed_file(".github/workflows/plan.yml")
    result = run_gate(plan=PLAN_CLEAN)
    assert_required(result, ".github/workflows/plan.yml")


def test_closed_pr(world, run_gate):
    approve(world)
    world.pr["state"] = "closed"
    assert_required(run_gate(), "the pull request is closed")


def test_head_moved_on_since_the_event(world, run_gate, corpus):
    """A re-run of an old workflow run carries the old payload; the live head decides."""
    approve(world)
    event = corpus_event(corpus)
    event["pull_request"]["head"]["sha"] = "1" * 40
    assert_required(run_gate(event=event), "the head moved on")


def corpus_event(corpus: Path) -> dict:
    import json

    return json.loads((corpus / "github-api/octokit-webhooks/pull_request.labeled.payload.json").read_text())


# ---------------------------------------------------------------------------------------------
# reading every page, retries, failing closed


def test_300_timeline_events_over_3_pages(world, run_gate):
    """The author's re-label is on page 3: approving from page 1 alone would be wrong."""
    approve(world, minutes=30)
    for i in range(297):
        world.comment_event("someone", 31 + i / 100)
    world.label_event(world.author, 40, event="unlabeled")
    world.label_event(world.author, 41)
    assert len(world.timeline) == 300
    result = run_gate()
    assert_required(result, "the pull request author cannot approve")
    timeline = [p for p in result.paths() if "/timeline" in p]
    assert timeline == [
        f"{REPO}/issues/2/timeline?per_page=100",
        f"{REPO}/issues/2/timeline?per_page=100&page=2",
        f"{REPO}/issues/2/timeline?per_page=100&page=3",
    ]


def test_rate_limit_then_success(world, run_gate):
    import time

    approve(world)
    headers = world.corpus.rate_limit_headers()
    headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 1)})
    world.fail(
        rf"{REPO}/issues/2/timeline",
        (
            403,
            headers,
            {"message": "API rate limit exceeded", "documentation_url": "https://docs.github.com"},
        ),
    )
    world.fail(rf"{REPO}/pulls/2/reviews", (429, {"retry-after": "1"}, {"message": "secondary rate limit"}))
    result = run_gate()
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"
    assert [p for p in result.paths() if "/timeline" in p] == [f"{REPO}/issues/2/timeline?per_page=100"] * 2
    assert [p for p in result.paths() if "/reviews" in p] == [f"{REPO}/pulls/2/reviews?per_page=100"] * 2


def test_500_on_the_permission_endpoint_fails_closed(world, run_gate):
    approve(world)
    error = (500, {}, {"message": "Server Error"})
    world.fail(rf"{REPO}/collaborators/{PEER}/permission", *[error] * 10)
    result = run_gate("--time-budget", "4")
    assert result.code == 2
    assert result.outputs == {"decision": "error"}
    assert "HTTP 500" in result.stderr and "time budget" in result.stderr
    # Nothing claims a decision; the head is marked "error" so an earlier success does not linger.
    assert result.paths("POST") == [f"{REPO}/statuses/{HEAD}"]
    assert world.statuses[0]["state"] == "error"
    assert "digest" not in world.statuses[0]["description"]
    # Waits of 1 s and 2 s fit the 4 s budget, the next 4 s does not: three attempts, then closed.
    assert len([p for p in result.paths() if "/permission" in p]) == 3


def test_500_once_on_the_permission_endpoint_is_retried(world, run_gate):
    approve(world)
    world.fail(rf"{REPO}/collaborators/{PEER}/permission", (502, {}, {"message": "Bad Gateway"}))
    result = run_gate()
    assert result.code == 0, result.stderr


def test_token_without_team_scope_fails_closed(world, run_gate):
    world.contents[".planlint.yml"] = "approval:\n  teams: [Codertocat/infra-approvers]\n"
    world.teams["Codertocat/infra-approvers"] = None  # the token cannot see the team
    approve(world)
    result = run_gate()
    assert result.code == 2
    assert result.outputs["decision"] == "error"
    assert "cannot read approver team Codertocat/infra-approvers" in result.stderr


def test_team_member_approves_and_non_member_does_not(world, run_gate):
    world.contents[".planlint.yml"] = "approval:\n  teams: [Codertocat/infra-approvers]\n"
    world.teams["Codertocat/infra-approvers"] = {SECOND_PEER}
    approve(world, login=PEER)
    assert_required(run_gate(), "is not a member of an approver team")
    world.label_event(SECOND_PEER, 50)
    result = run_gate()
    assert result.code == 0, result.summary
    assert (
        "GET",
        f"{REPO.replace('/repos/Codertocat/Hello-World', '/orgs/Codertocat')}/teams/infra-approvers"
        f"/memberships/{SECOND_PEER}",
    ) in result.requests


def test_page_cap_fails_closed(world, run_gate):
    """More pages than the cap: refuse rather than judge a partial timeline."""
    approve(world)
    for i in range(3100):
        world.comment_event("someone", 1 + i / 1000)
    result = run_gate()
    assert result.code == 2
    assert "more than 30 pages" in result.stderr


def test_unexpected_response_shape_fails_closed(world, run_gate):
    approve(world)
    world.fail(rf"{REPO}/pulls/2/reviews", (200, {}, {"not": "a list"}))
    result = run_gate()
    assert result.code == 2
    assert "expected a list" in result.stderr


def test_a_copied_marker_in_someone_elses_comment_is_not_the_sticky_comment(world, run_gate, corpus: Path):
    """The author posts a comment with the gate's marker and an old digest, hoping to steer label removal."""
    approve(world)
    world.sticky_comment(
        "<!-- planlint:gate -->\n<!-- planlint:digest=pl1:" + "0" * 64 + " -->", login=world.author
    )
    result = run_gate()
    assert result.code == 0, result.summary
    assert ("POST", f"{REPO}/issues/2/comments") in result.requests  # the gate writes its own
    assert not result.paths("DELETE")
    assert world.comments[0]["body"].endswith(" -->")  # the author's comment is untouched


def test_changes_requested_by_someone_unqualified_does_not_block(world, run_gate):
    approve(world)
    world.review(READ_ONLY, 40, "CHANGES_REQUESTED")
    result = run_gate()
    assert result.code == 0, result.summary


def test_changes_requested_on_an_older_commit_does_not_block(world, run_gate):
    approve(world)
    world.review(SECOND_PEER, 5, "CHANGES_REQUESTED", commit="0" * 40)
    assert run_gate().code == 0
