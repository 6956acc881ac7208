"""The gate's "digest shown" status counts only from a run of the gate's own workflow, in this repository, on this head.

Any workflow's GITHUB_TOKEN posts statuses as github-actions[bot]: each test stages a status with the gate's
context, creator and the current digest, posted before a valid peer label, but from somewhere the gate must
not believe. The label then came "before the gate showed the current destructive digest": approval required.
The real CLI runs against the staged GitHub on 127.0.0.1 (tests/gate/github_world.py); the run under test
is GITHUB_RUN_ID 4242, a run of the gate's workflow (github_world.GATE_WORKFLOW).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from github_world import GATE_WORKFLOW, LABEL, PEER, PLAN_DESTROY, RUN_ID, digest_of

NOT_SHOWN = "before the gate showed the current destructive digest"


def _shown_then_labeled(world, corpus: Path, **status) -> None:
    world.statuses.clear()
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 20, **status)
    world.set_labels(LABEL)
    world.label_event(PEER, 30)


def test_a_status_from_the_gates_own_earlier_run_counts(world, run_gate, corpus: Path):
    _shown_then_labeled(world, corpus)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"


@pytest.mark.parametrize(
    "origin",
    ["another workflow", "no run URL", "a fork's run URL", "a fork's code", "another head", "an old run"],
)
def test_a_status_from_elsewhere_does_not_count(world, run_gate, corpus: Path, origin: str):
    if origin == "another workflow":  # e.g. a workflow the pull request itself adds
        _shown_then_labeled(world, corpus, workflow=".github/workflows/innocent-lint.yml")
    elif origin == "no run URL":
        _shown_then_labeled(world, corpus, workflow=None)
    elif origin == "a fork's run URL":  # the same run id, but in the attacker's fork
        _shown_then_labeled(world, corpus, url_repo="attacker/Hello-World")
    elif origin == "a fork's code":  # a pull_request run from a fork executes the fork's workflow file
        run = world.gate_run(20, head_repo="attacker/Hello-World")
        _shown_then_labeled(world, corpus, run=run)
    elif origin == "another head":
        run = world.gate_run(20)
        run["head_sha"] = "0" * 40
        _shown_then_labeled(world, corpus, run=run)
    else:  # a real gate run that had finished long before the status was posted in its name
        run = world.gate_run(5, ended=7)
        _shown_then_labeled(world, corpus, run=run)
    result = run_gate()
    assert result.code == 1, result.stderr
    assert result.outputs["decision"] == "approval_required"
    assert NOT_SHOWN in result.summary


def test_pull_request_target_runs_the_base_workflow_for_a_fork(world, run_gate, corpus: Path):
    """`pull_request_target` runs the base branch's workflow file even for a fork's pull request."""
    run = world.gate_run(20, head_repo="attacker/Hello-World", event="pull_request_target")
    _shown_then_labeled(world, corpus, run=run)
    result = run_gate()
    assert result.code == 0, result.stderr


def test_a_forged_status_between_the_gates_and_the_label_is_ignored(world, run_gate, corpus: Path):
    """The gate showed digest A; another workflow posts B; a peer labels after reading A.

    Counting the forged B would approve B, which no peer ever saw (the plan can change on the same head).
    """
    other = "terraform/checkov/plan_with_pure_deleted_resources__tfplan.json"
    world.statuses.clear()
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 20)
    world.gate_status(digest_of(corpus, other), 25, workflow=".github/workflows/innocent-lint.yml")
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    result = run_gate(plan=other)
    assert result.code == 1 and NOT_SHOWN in result.summary


def test_named_gate_workflow_replaces_the_running_one(world, run_gate, corpus: Path):
    _shown_then_labeled(world, corpus, workflow=".github/workflows/gate.yml")
    assert run_gate().code == 1
    named = run_gate("--gate-workflow", ".github/workflows/gate.yml")
    assert named.code == 0, named.stderr
    assert run_gate("--gate-workflow", GATE_WORKFLOW).code == 1


def test_an_unreadable_own_run_fails_closed(world, run_gate):
    """Without `actions: read` the gate cannot tell its statuses from others': an error, never a pass."""
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    world.fail(
        rf"/repos/{world.repo}/actions/runs/{RUN_ID}", (403, {}, {"message": "Resource not accessible"})
    )
    result = run_gate()
    assert result.code == 2
    assert "give the workflow `actions: read`" in result.stderr


def test_outside_github_actions_the_gate_workflow_must_be_named(world, run_gate):
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    result = run_gate(env={"GITHUB_RUN_ID": ""})
    assert result.code == 2 and "--gate-workflow" in result.stderr
