"""The gate's time boundaries and push attribution, end to end against the staged GitHub (see conftest).

A label counts only when it came strictly after the latest push and strictly after the gate showed the
current digest; each boundary is checked on both sides, so moving a `<` to `<=` fails a test.
"""

from __future__ import annotations

from pathlib import Path

from github_world import LABEL, PEER, PLAN_DESTROY, digest_of
from test_gate_scenarios import approve, assert_required


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
