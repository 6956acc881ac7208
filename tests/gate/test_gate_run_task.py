"""The run task weighs GitHub pull request approval exactly as `planlint gate` does: the staged GitHub
(`world`, real HTTP) and the fake HCP Terraform (tests/serve) talk to one real planlint server."""

# ruff: noqa: F811  (parameters named after the fixtures imported from tests/serve/conftest.py)
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from github_world import GATE, LABEL, PEER, PLAN_DESTROY, World
from pytest_httpserver import HTTPServer
from serve.conftest import Server, platform, serve  # noqa: F401 (the fixtures, by name)
from serve.fake_platform import Callback, FakePlatform, run_task

from planlint.serve.settings import GitHubApprovals

MERGE_SHA = "e" * 40
OTHER_DESTROY = "terraform/checkov/plan_with_pure_deleted_resources__tfplan.json"


def _server(serve: Callable[..., Server], httpserver: HTTPServer, world: World) -> Server:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(world.handle)
    github = GitHubApprovals(gate_login=GATE, token="test-token", api_url=httpserver.url_for("/").rstrip("/"))
    return serve(github=github)


def _pr_run(platform: FakePlatform, server: Server, world: World, plan: Path) -> Callback:
    """A speculative plan of the pull request's head, judged at post_plan."""
    return run_task(
        platform,
        server.url + "/run-task",
        plan.read_bytes(),
        stage="post_plan",
        is_speculative=True,
        vcs_repo_url=f"https://github.com/{world.repo}",
        vcs_pull_request_url=f"https://github.com/{world.repo}/pull/{world.pr['number']}",
        vcs_commit_hash=world.head,
    )


def _merged_run(platform: FakePlatform, server: Server, world: World, plan: Path) -> Callback:
    """The run after merge: no pull request URL, only the merge commit."""
    return run_task(
        platform,
        server.url + "/run-task",
        plan.read_bytes(),
        vcs_repo_url=f"https://github.com/{world.repo}",
        vcs_commit_hash=MERGE_SHA,
    )


def _approve_and_merge(world: World) -> None:
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    world.pr.update(state="closed", merged=True, merge_commit_sha=MERGE_SHA)


def test_pr_run_without_the_label_fails_and_shows_the_digest_on_the_head(
    world: World,
    httpserver: HTTPServer,
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus: Path,
) -> None:
    server = _server(serve, httpserver, world)
    final = _pr_run(platform, server, world, corpus / PLAN_DESTROY)
    assert final.status == "failed"
    how = final.outcomes[0]
    assert how["outcome-id"] == "planlint-approval"
    assert f"the label '{LABEL}' is not on the pull request" in how["body"]
    assert how["url"] == f"https://github.com/{world.repo}/pull/{world.pr['number']}"
    # The digest now shown on the head is what a peer's label binds to.
    assert "digest pl1:" in world.statuses[0]["description"]
    assert world.unexpected == []


def test_pr_run_with_a_peers_label_passes(
    world: World,
    httpserver: HTTPServer,
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus: Path,
) -> None:
    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    server = _server(serve, httpserver, world)
    final = _pr_run(platform, server, world, corpus / PLAN_DESTROY)
    assert final.status == "passed", final.attributes["message"]
    assert f"approved by {PEER} (pull request #{world.pr['number']})" in final.attributes["message"]


def test_post_merge_run_finds_the_merged_pr_and_its_approval(
    world: World,
    httpserver: HTTPServer,
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus: Path,
) -> None:
    _approve_and_merge(world)
    server = _server(serve, httpserver, world)
    final = _merged_run(platform, server, world, corpus / PLAN_DESTROY)
    assert final.status == "passed", final.attributes["message"]
    assert "(merged)" in final.attributes["message"]
    assert not [p for p in httpserver.log if p[0].method == "POST"]  # apply mode writes nothing


def test_post_merge_run_with_another_digest_is_not_approved(
    world: World,
    httpserver: HTTPServer,
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus: Path,
) -> None:
    _approve_and_merge(world)
    server = _server(serve, httpserver, world)
    final = _merged_run(platform, server, world, corpus / OTHER_DESTROY)
    assert final.status == "failed"
    assert "before the gate showed the current destructive digest" in final.outcomes[0]["body"]
