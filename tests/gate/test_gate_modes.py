"""`planlint gate` inputs and modes: a JSON report instead of plans, apply mode, read-only runs, fallbacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from github_world import GATE_WORKFLOW, LABEL, PEER, PLAN_DESTROY, digest_of

REPO = "/repos/Codertocat/Hello-World"
MERGE_SHA = "d" * 40


def approve(world, login=PEER, minutes=30.0):
    world.set_labels(LABEL)
    world.label_event(login, minutes)


def check_report(corpus: Path, tmp_path: Path, plan: str = PLAN_DESTROY) -> Path:
    """What the workflow's check step writes: `planlint check --format json -o report.json PLAN`."""
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "planlint",
            "check",
            "--format",
            "json",
            "-o",
            str(report),
            str(corpus / plan),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PLANLINT_CONFIG": ""},
    )
    assert proc.returncode == 1, proc.stderr
    return report


def test_report_input_decides_like_the_plan(world, run_gate, corpus, tmp_path):
    approve(world)
    report = check_report(corpus, tmp_path)
    result = run_gate("--report", str(report), plan=None)
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"
    assert result.outputs["digest"] == digest_of(corpus, PLAN_DESTROY)


def test_report_with_a_forged_digest_is_refused(world, run_gate, corpus, tmp_path):
    """Editing the digest in the report to match an old approval does not work: it is recomputed."""
    approve(world)
    report = check_report(corpus, tmp_path)
    doc = json.loads(report.read_text())
    doc["findings"] = []  # drop the destructive finding but keep the approved digest
    doc["summary"]["findings"] = doc["summary"]["gated"] = doc["summary"]["by_enforcement"]["approve"] = 0
    report.write_text(json.dumps(doc))
    result = run_gate("--report", str(report), plan=None)
    assert result.code == 2
    assert "does not match its findings" in result.stderr
    assert result.paths("POST") == [f"{REPO}/statuses/{world.head}"]
    assert world.statuses[0]["state"] == "error"


def test_report_that_is_not_a_report_is_refused(world, run_gate, tmp_path):
    bogus = tmp_path / "report.json"
    bogus.write_text(json.dumps({"decision": "pass", "destructive_digest": "", "findings": []}))
    result = run_gate("--report", str(bogus), plan=None)
    assert result.code == 2
    assert "not a planlint JSON report" in result.stderr


def test_apply_mode_finds_the_merged_pr_and_writes_nothing(world, run_gate):
    approve(world)
    world.pr.update(state="closed", merged=True, merge_commit_sha=MERGE_SHA)
    apply = ("--mode", "apply", "--gate-workflow", GATE_WORKFLOW)
    result = run_gate(*apply, event={}, env={"GITHUB_SHA": MERGE_SHA, "GITHUB_EVENT_NAME": "push"})
    assert result.code == 0, result.stderr
    assert result.outputs["decision"] == "approved"
    assert result.requests[0] == ("GET", f"{REPO}/commits/{MERGE_SHA}/pulls?per_page=100")
    assert not result.paths("POST") and not result.paths("PATCH") and not result.paths("DELETE")


def test_apply_mode_refuses_an_unmerged_pr(world, run_gate):
    approve(world)
    world.pr.update(state="closed", merged=False, merge_commit_sha=MERGE_SHA)
    result = run_gate(
        "--mode", "apply", "--gate-workflow", GATE_WORKFLOW, event={}, env={"GITHUB_SHA": MERGE_SHA}
    )
    assert result.code == 1
    assert "the pull request was not merged" in result.summary


def test_apply_mode_counts_only_the_named_pull_request_workflows_statuses(world, run_gate):
    """The apply workflow is not the one that showed the digest: it must be told which one did."""
    approve(world)
    world.pr.update(state="closed", merged=True, merge_commit_sha=MERGE_SHA)
    unnamed = run_gate("--mode", "apply", event={}, env={"GITHUB_SHA": MERGE_SHA})
    assert unnamed.code == 2 and "apply mode needs --gate-workflow" in unnamed.stderr
    other = run_gate("--mode", "apply", "--gate-workflow", ".github/workflows/other.yml", event={},
                     env={"GITHUB_SHA": MERGE_SHA})  # fmt: skip
    assert other.code == 1 and "before the gate showed the current destructive digest" in other.summary
    named = run_gate(
        "--mode", "apply", event={}, env={"GITHUB_SHA": MERGE_SHA, "PLANLINT_GATE_WORKFLOW": GATE_WORKFLOW}
    )
    assert named.code == 0, named.stderr


def test_apply_mode_replan_with_a_different_digest_is_not_approved(world, run_gate):
    """The merged PR was approved for one destructive change set; main now plans another."""
    approve(world)
    world.pr.update(state="closed", merged=True, merge_commit_sha=MERGE_SHA)
    result = run_gate(
        "--mode",
        "apply",
        "--gate-workflow",
        GATE_WORKFLOW,
        plan="terraform/checkov/plan_with_pure_deleted_resources__tfplan.json",
        event={},
        env={"GITHUB_SHA": MERGE_SHA},
    )
    assert result.code == 1
    assert "before the gate showed the current destructive digest" in result.summary


def test_no_write_mode_reads_only(world, run_gate):
    approve(world)
    result = run_gate("--no-write")
    assert result.code == 0, result.stderr
    assert {m for m, _ in result.requests} == {"GET"}
    assert "approved" in result.summary


def test_fork_without_activity_falls_back_to_the_first_workflow_run(world, run_gate):
    world.activity = None  # e.g. the head lives in a fork the token cannot read
    world.workflow_run(world.author, 11)
    approve(world)
    result = run_gate()
    assert result.code == 0, result.stderr
    assert ("GET", f"{REPO}/actions/runs?per_page=100&head_sha={world.head}") in result.requests


def test_workflow_run_pusher_is_its_actor_not_whoever_re_ran_it(world, run_gate):
    world.activity = None
    world.workflow_run("ci-pusher", 11, rerun_by=PEER)  # the peer only re-ran CI
    approve(world)
    assert run_gate().code == 0
    world.runs.clear()
    world.workflow_run(PEER, 11)  # now the peer pushed the head
    result = run_gate()
    assert result.code == 1
    assert "pushed the head commit" in result.summary


def test_workflow_run_time_after_the_label_blocks(world, run_gate):
    world.activity = None
    world.workflow_run(world.author, 31)  # the push was only seen after the label
    approve(world, minutes=30)
    result = run_gate()
    assert result.code == 1
    assert "before the latest push" in result.summary


def test_no_push_record_at_all_fails_closed(world, run_gate):
    world.activity = None
    approve(world)
    result = run_gate()
    assert result.code == 2
    assert "no server-side record" in result.stderr


def test_missing_token_is_a_usage_error(world, run_gate):
    result = run_gate(env={"GITHUB_TOKEN": ""})
    assert result.code == 2
    assert "GITHUB_TOKEN is not set" in result.stderr
    assert result.requests == []


def test_plans_and_report_together_are_refused(world, run_gate, corpus, tmp_path):
    result = run_gate("--report", str(tmp_path / "r.json"))
    assert result.code == 2
    assert "exactly one" in result.stderr


def test_bad_policy_on_the_base_commit_fails_closed(world, run_gate):
    world.contents[".planlint.yml"] = "approval:\n  lable: x\n"
    approve(world)
    result = run_gate()
    assert result.code == 2
    assert ".planlint.yml@f95f852bd8fc" in result.stderr


def test_label_input_overrides_the_policy_label(world, run_gate):
    world.set_labels("destroy-ok")
    world.label_event(PEER, 30, label="destroy-ok")
    assert run_gate("--label", "destroy-ok").code == 0
    assert run_gate().code == 1
