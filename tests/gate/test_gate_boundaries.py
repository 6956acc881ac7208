"""The gate's time boundaries and push attribution, end to end against the staged GitHub (see conftest).

A label counts only when it came strictly after the latest push and strictly after the gate showed the
current digest; each boundary is checked on both sides, so moving a `<` to `<=` fails a test.
"""

from __future__ import annotations

from pathlib import Path

from github_world import LABEL, PEER, PLAN_DESTROY, SECOND_PEER, digest_of
from test_gate_scenarios import approve, assert_required, corpus_event

from planlint.config import ApprovalSettings
from planlint.gate.approval import disqualification
from planlint.gate.evidence import Actor, Evidence, PullRequest


def test_label_at_exactly_the_latest_push_does_not_count(world, run_gate, corpus: Path):
    digest = digest_of(corpus, PLAN_DESTROY)
    world.push(world.author, 40)
    world.gate_status(digest, 35)
    approve(world, minutes=40)
    assert_required(run_gate(), "before the latest push")


def test_label_one_second_after_the_latest_push_counts(world, run_gate, corpus: Path):
    digest = digest_of(corpus, PLAN_DESTROY)
    world.push(world.author, 40)
    world.gate_status(digest, 35)
    approve(world, minutes=40 + 1 / 60)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"


def test_label_at_exactly_when_the_gate_showed_the_digest_does_not_count(world, run_gate, corpus: Path):
    world.statuses.clear()
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 30)
    approve(world, minutes=30)
    assert_required(run_gate(), "before the gate showed the current destructive digest")


def test_label_after_the_digest_was_shown_counts(world, run_gate, corpus: Path):
    world.statuses.clear()
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 30)
    approve(world, minutes=30 + 1 / 60)
    assert run_gate().code == 0


def test_force_push_without_commit_id_makes_the_labelling_peer_a_pusher(world, run_gate):
    """A force-push event that names no commit is attributed to the head: its actor cannot approve."""
    world.force_push(PEER, 15, None)  # type: ignore[arg-type]
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    assert_required(run_gate(), "pushed the head commit")


def test_head_moved_names_both_commits_by_their_short_sha(world, run_gate, corpus: Path):
    """The refusal names the payload's head and the live head as git abbreviates them (12 characters)."""
    approve(world)
    event = corpus_event(corpus)
    event["pull_request"]["head"]["sha"] = "1" * 40
    assert_required(run_gate(event=event), f"the head moved on from {'1' * 12} to {world.head[:12]}; ")


def test_a_peer_who_pushed_only_an_earlier_commit_may_approve_the_head(world, run_gate):
    """Only pushing the head disqualifies: a peer's push of an older commit, since superseded, does not."""
    world.push(PEER, 5, "2" * 40)
    approve(world)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"


def test_a_writer_whose_team_membership_is_unknown_does_not_count():
    """Fail closed in the pure algorithm too: team membership that was never read is not membership."""
    author = Actor("octocat")
    pr = PullRequest(1, "open", False, author, "a" * 40, "feature", "o/r", "b" * 40, "main", (LABEL,), 1)
    evidence = Evidence(pr, (), (), (), (), permissions={PEER: "write"}, team_members={})
    why = disqualification(PEER, False, evidence, ApprovalSettings(label=LABEL, teams=("o/dba",)))
    assert why == "is not a member of an approver team (o/dba)"


def test_a_review_of_an_older_commit_is_named_by_its_short_sha(world, run_gate):
    world.review(SECOND_PEER, 25, "APPROVED", commit="3" * 40)
    approve(world)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert f"review: approved an older commit {'3' * 12}" in result.summary, result.summary
    assert "3" * 13 not in result.summary


def test_changes_requested_on_an_older_commit_neither_blocks_nor_reads_as_an_approval(world, run_gate):
    world.review(SECOND_PEER, 25, "CHANGES_REQUESTED", commit="3" * 40)
    approve(world)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert SECOND_PEER not in result.summary, result.summary


def test_of_two_label_events_in_the_same_second_the_later_one_in_the_timeline_decides(world, run_gate):
    """GitHub lists the timeline oldest first and stamps whole seconds: the author's label and then a
    peer's, in the same second, is the peer's approval (and the reverse order is the author's, refused)."""
    world.set_labels(LABEL)
    world.label_event(world.author, 30)
    world.label_event(PEER, 30)
    assert run_gate().code == 0


def test_another_label_added_by_a_peer_is_not_the_approval_label(world, run_gate):
    """The author's own approval label does not count, and a peer's later label of another name is no
    approval either (nor is its timeline event the label's latest)."""
    world.set_labels(LABEL, "bug")
    world.label_event(world.author, 30)
    world.label_event(PEER, 35, label="bug")
    assert_required(run_gate(), "the pull request author cannot approve")


def test_the_approval_label_among_other_labels_counts(world, run_gate):
    world.set_labels("bug", LABEL, "needs-review")
    world.label_event(PEER, 30)
    assert run_gate().code == 0
