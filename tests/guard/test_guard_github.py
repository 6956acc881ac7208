"""`planlint guard --github-pr`: the gate's approval algorithm over a GitHub API served on 127.0.0.1."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gate"))  # the gate tests' GitHub world
from github_world import (
    GATE_WORKFLOW,
    LABEL,
    PEER,
    PLAN_DESTROY,
    PLAN_OTHER_DESTROY,
    Corpus,
    World,
    digest_of,
)

from .fake_terraform import install, read_log
from .test_guard_terraform import make_trust


@pytest.fixture()
def world(corpus: Path, httpserver: HTTPServer) -> World:
    """The gate tests' staged PR: one push at minute 10, the gate showed PLAN_DESTROY's digest at minute 20."""
    source = Corpus(corpus / "github-api")
    payload = source.webhook("pull_request.labeled")
    staged = World(corpus=source, pr=copy.deepcopy(payload["pull_request"]))
    staged.repo = staged.pr["base"]["repo"]["full_name"]
    staged.set_labels()
    staged.changed_file("infra/main.tf")
    staged.push(staged.author, 10)
    staged.permissions.update({staged.author: "admin", PEER: "write"})
    staged.gate_status(digest_of(corpus, PLAN_DESTROY), 20)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(staged.handle)
    return staged


def _guard(
    tmp_path: Path,
    corpus: Path,
    world: World,
    httpserver: HTTPServer,
    plan: str,
    extra_policy: str = f"github_gate_workflow: {GATE_WORKFLOW}\n",
) -> tuple[int, str, list[str]]:
    install(tmp_path / "bin", sys.executable)
    trust = make_trust(tmp_path / "trust")
    (trust / "policy.yml").write_text(
        f"github_repo: {world.repo}\ngithub_api_url: {httpserver.url_for('/').rstrip('/')}\n{extra_policy}"
    )
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    env = {
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"), "GITHUB_TOKEN": "test-token",
        "FAKE_TF_LOG": str(tmp_path / "calls.jsonl"), "FAKE_TF_PLAN": str(corpus / plan),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(trust), "--github-pr", str(world.pr["number"]), "--",
         "terraform", "apply"], cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stderr, [str(c["argv"][0]) for c in read_log(tmp_path / "calls.jsonl")]  # type: ignore[index]


def test_peer_label_after_the_digest_was_shown_approves(tmp_path: Path, corpus: Path, world: World,
                                                        httpserver: HTTPServer) -> None:  # fmt: skip
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 0, err
    assert f"approved on pull request #{world.pr['number']} by {PEER}" in err
    assert calls == ["plan", "show", "apply"]


def test_author_label_is_refused(tmp_path: Path, corpus: Path, world: World, httpserver: HTTPServer) -> None:
    world.set_labels(LABEL)
    world.label_event(world.author, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "author cannot approve their own change" in err
    assert "apply" not in calls


def test_approval_of_another_digest_does_not_cover_this_plan(tmp_path: Path, corpus: Path, world: World,
                                                             httpserver: HTTPServer) -> None:  # fmt: skip
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_OTHER_DESTROY)
    assert code == 12, err
    assert "apply" not in calls


def test_pr_that_edits_the_policy_is_approved_for_the_gates_digest(
    tmp_path: Path, corpus: Path, world: World, httpserver: HTTPServer
) -> None:
    """The gate adds its own finding for a PR touching `.planlint.yml`; guard must bind to the same digest."""
    from planlint.digest import destructive_digest
    from planlint.gate.protected import protected_findings, protected_patterns
    from planlint.pipeline import run_check

    world.changed_file(".planlint.yml")
    extra = protected_findings([("infra/main.tf", "modified"), (".planlint.yml", "modified")],
                               protected_patterns(".planlint.yml", []))  # fmt: skip
    assert extra
    gate_digest = destructive_digest((*run_check([str(corpus / PLAN_DESTROY)]).findings, *extra))
    assert gate_digest != digest_of(corpus, PLAN_DESTROY)
    world.gate_status(gate_digest, 25)
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 0, err
    assert calls == ["plan", "show", "apply"]


def _checkout(work: Path, repo: str) -> str:
    """A real git checkout whose origin is the trusted repository; its HEAD plays the merge commit."""
    work.mkdir(parents=True, exist_ok=True)
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "remote", "add", "origin", f"https://github.com/{repo}.git"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "merge"], check=True)
    return subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _merged(world: World, sha: str, hours_ago: float) -> None:
    from datetime import datetime, timedelta, timezone

    merged_at = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    world.pr.update(state="closed", merged=True, merge_commit_sha=sha,
                    merged_at=merged_at.replace(microsecond=0).isoformat().replace("+00:00", "Z"))  # fmt: skip
    world.set_labels(LABEL)
    world.label_event(PEER, 30)


def test_merged_pr_approves_its_merge_commit_once(tmp_path: Path, corpus: Path, world: World,
                                                  httpserver: HTTPServer) -> None:  # fmt: skip
    _merged(world, _checkout(tmp_path / "work", world.repo), hours_ago=1)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 0, err
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "already used" in err, err
    assert calls.count("apply") == 1


def test_merged_pr_does_not_approve_another_commit_an_old_merge_or_no_checkout(
    tmp_path: Path, corpus: Path, world: World, httpserver: HTTPServer
) -> None:
    sha = _checkout(tmp_path / "a" / "work", world.repo)
    _merged(world, "f" * 40, hours_ago=1)
    code, err, _ = _guard(tmp_path / "a", corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "not the pull request's merge commit" in err, err
    _merged(world, sha, hours_ago=24 * 90)  # the same approval, months later
    code, err, _ = _guard(tmp_path / "a", corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "expired" in err, err
    _merged(world, sha, hours_ago=1)
    code, err, calls = _guard(tmp_path / "b", corpus, world, httpserver, PLAN_DESTROY)  # not a git checkout
    assert code == 12 and "names no repository and commit" in err, err
    assert "apply" not in calls


def test_gate_status_counts_only_from_the_gate_workflows_own_run(tmp_path: Path, corpus: Path, world: World,
                                                                 httpserver: HTTPServer) -> None:  # fmt: skip
    """Any workflow can post a `planlint/gate` status as github-actions[bot]; only the gate's own run counts."""
    world.statuses.clear()
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 20, workflow=".github/workflows/pr-added-this.yml")
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path / "a", corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "before the gate showed the current destructive digest" in err, err
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 25)  # a run of the trusted gate workflow
    code, err, calls = _guard(tmp_path / "b", corpus, world, httpserver, PLAN_DESTROY)
    assert code == 0, err
    assert calls == ["plan", "show", "apply"]


def test_without_the_gate_workflow_in_the_trusted_policy_github_pr_is_refused(
    tmp_path: Path, corpus: Path, world: World, httpserver: HTTPServer
) -> None:
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY, extra_policy="")
    assert code == 2 and "--github-pr needs `github_gate_workflow:" in err, err
    assert "apply" not in calls


def test_open_pr_approval_needs_no_checkout_and_is_used_once_per_head(
    tmp_path: Path, corpus: Path, world: World, httpserver: HTTPServer
) -> None:
    """Approving an open PR: guard runs anywhere (not a git checkout here); the approval works once per head."""
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 0, err
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "already used" in err, err
    assert calls.count("apply") == 1


def test_open_pr_in_a_checkout_of_another_commit_is_refused(
    tmp_path: Path, corpus: Path, world: World, httpserver: HTTPServer
) -> None:
    """In a checkout, its HEAD is what was planned: a commit the peer never saw on the PR is refused."""
    _checkout(tmp_path / "work", world.repo)  # HEAD is a local commit, not the PR head
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    code, err, calls = _guard(tmp_path, corpus, world, httpserver, PLAN_DESTROY)
    assert code == 12 and "the head moved on from" in err, err
    assert "apply" not in calls
