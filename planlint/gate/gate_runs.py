"""Which `planlint/gate` statuses are the gate's own: posted by a run of the gate's workflow, here, on this head.

Any workflow's GITHUB_TOKEN posts statuses as `github-actions[bot]`, and anyone who can write statuses can
give one the gate's context and a digest. So besides its creator's login, a status counts only when its
target URL (the gate sets its workflow run's URL) names a run of *this* repository,
`{server}/{owner}/{repo}/actions/runs/{id}` — a run in a fork or another repository does not count — and
that run (REST "Get a workflow run": `workflow_id`, `path`, `head_sha`, `repository`, `head_repository`,
`event`, `status`, `created_at`, `updated_at`):

- is a run of the gate's workflow: `planlint gate` names it by `--gate-workflow PATH`, else by the
  `workflow_id` of the run judging now (GITHUB_RUN_ID); `planlint guard --github-pr` by the trusted
  policy's `github_gate_workflow`;
- ran on this head commit, in this repository;
- did not run a fork's workflow code: its `head_repository` is this repository, unless the event is
  `pull_request_target` (which runs the base branch's workflow);
- was running when the status was created: between the run's `created_at` and, once it completed, its
  `updated_at` (a status naming an older run of the gate's workflow was posted by something else).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planlint.errors import ConfigError, GateError
from planlint.gate.evidence import GateStatus
from planlint.github.client import GitHubClient

_RUN_URL = re.compile(r"^https://[^/]+/([^/]+/[^/]+)/actions/runs/(\d+)(?:/[^?#]*)?(?:[?#].*)?$")


@dataclass(frozen=True, slots=True)
class GateWorkflow:
    """The workflow whose runs may post the gate's status: by file path, or by id (the running gate's own)."""

    path: str | None = None  # `.github/workflows/planlint-pr.yml`
    workflow_id: int | None = None

    def names(self, run: Mapping[str, Any]) -> bool:
        if self.workflow_id is not None:
            return run.get("workflow_id") == self.workflow_id
        return self.path is not None and run.get("path") == self.path

    def shown(self) -> str:
        return self.path or f"workflow id {self.workflow_id}"


def gate_workflow(client: GitHubClient, repo: str, path: str | None, run_id: str | None) -> GateWorkflow:
    """The gate's workflow: `path` when given, else the workflow of run `run_id` (the run judging now).

    ConfigError when neither is known; GateError when the run cannot be read (the token needs `actions: read`).
    """
    if path:
        return GateWorkflow(path=path.removeprefix("./"))
    if not run_id:
        raise ConfigError(
            "cannot tell the gate's own statuses from other workflows': run in GitHub Actions "
            "(GITHUB_RUN_ID) or name the gate's workflow with --gate-workflow .github/workflows/FILE.yml",
            "planlint gate",
        )
    run = _run(client, repo, run_id)
    if run is None or not isinstance(run.get("workflow_id"), int):
        raise GateError(
            f"cannot read this workflow run {run_id}: give the workflow `actions: read`, so the gate can tell its "
            "own statuses from other workflows'",
            origin=f"GitHub API GET /repos/{repo}/actions/runs/{run_id}",
        )
    return GateWorkflow(workflow_id=int(run["workflow_id"]), path=str(run.get("path") or "") or None)


def own_statuses(
    client: GitHubClient, repo: str, statuses: Iterable[GateStatus], head_sha: str, workflow: GateWorkflow
) -> list[GateStatus]:
    """The statuses a run of `workflow` in `repo` posted on `head_sha` while it ran (see module docstring)."""
    runs: dict[str, Mapping[str, Any] | None] = {}
    kept = []
    for status in statuses:
        match = _RUN_URL.match(status.target_url or "")
        if match is None or match.group(1).lower() != repo.lower():
            continue
        run_id = match.group(2)
        if run_id not in runs:
            runs[run_id] = _run(client, repo, run_id)
        run = runs[run_id]
        if run is not None and _posted_by(run, status, repo, head_sha, workflow):
            kept.append(status)
    return kept


def _posted_by(
    run: Mapping[str, Any], status: GateStatus, repo: str, head_sha: str, workflow: GateWorkflow
) -> bool:
    from planlint.gate.gather import parse_time

    here = _full_name(run.get("repository"))
    head_repo = _full_name(run.get("head_repository"))
    if not (workflow.names(run) and run.get("head_sha") == head_sha and here == repo.lower()):
        return False
    if head_repo != here and run.get("event") != "pull_request_target":
        return False  # a fork's pull_request run executes the fork's workflow file
    try:
        started = parse_time(str(run.get("created_at")))
        ended = parse_time(str(run.get("updated_at"))) if run.get("status") == "completed" else None
    except ValueError:
        return False
    return started <= status.at and (ended is None or status.at <= ended)


def _full_name(repository: Any) -> str | None:
    name = repository.get("full_name") if isinstance(repository, dict) else None
    return name.lower() if isinstance(name, str) else None


def _run(client: GitHubClient, repo: str, run_id: str) -> Mapping[str, Any] | None:
    """A workflow run of `repo` (None: GitHub does not know it here, or this token may not read it)."""
    response = client.request("GET", f"repos/{repo}/actions/runs/{run_id}", allow=(403, 404))
    return response.body if response.status == 200 and isinstance(response.body, dict) else None
