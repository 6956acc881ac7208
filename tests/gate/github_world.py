"""A GitHub REST API served over real HTTP (pytest-httpserver) from a small, mutable model of one repository.

Response shapes come from ../shared/corpus/github-api/ (octokit recordings and webhook payloads, read at
test time, never copied) and, where no recording exists, from tests/gate/synthetic-github-shapes.json.
Writes (statuses, comments, label removal) change the model, so a scenario can run the gate twice.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

HERE = Path(__file__).resolve().parent
SHAPES: dict[str, Any] = json.loads((HERE / "synthetic-github-shapes.json").read_text(encoding="utf-8"))
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
GATE = "github-actions[bot]"
LABEL = "planlint:approve-destroy"
PLAN_DESTROY = "terraform/checkov/plan_with_deleted_resources__tfplan.json"  # replaces a secret: gated
PLAN_OTHER_DESTROY = "terraform/checkov/plan_with_pure_deleted_resources__tfplan.json"  # a different digest
PLAN_CLEAN = "terraform/checkov/plan__tfplan.json"  # nothing to approve
PEER = "peer-reviewer"
SECOND_PEER = "second-peer"
READ_ONLY = "read-only-user"
GATE_WORKFLOW = ".github/workflows/planlint-pr.yml"  # the pull request workflow that runs `planlint gate`
RUN_ID = 4242  # GITHUB_RUN_ID of the gate run under test (tests/gate/conftest.py)


def digest_of(corpus: Path, relative: str) -> str:
    """The destructive digest planlint computes for a corpus plan (what the gate binds approval to)."""
    from planlint.pipeline import run_check

    return run_check([str(corpus / relative)]).destructive_digest


def at(minutes: float) -> str:
    """An ISO timestamp `minutes` after T0 (server time as GitHub writes it)."""
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Corpus:
    """The recorded shapes this harness builds responses from."""

    root: Path

    def fixture(self, name: str) -> list[dict[str, Any]]:
        return json.loads((self.root / "octokit-fixtures" / f"{name}.normalized-fixture.json").read_text())

    def webhook(self, name: str) -> dict[str, Any]:
        return json.loads((self.root / "octokit-webhooks" / f"{name}.payload.json").read_text())

    def user(self, login: str, kind: str = "User") -> dict[str, Any]:
        user = copy.deepcopy(self.webhook("pull_request.labeled")["sender"])
        user.update(login=login, type=kind, url=f"https://api.github.com/users/{login}")
        return user

    def label(self, name: str) -> dict[str, Any]:
        label = copy.deepcopy(self.fixture("labels")[0]["response"][0])
        label.update(name=name)
        return label

    def status(self, creator: dict[str, Any], description: str, created: str, context: str) -> dict[str, Any]:
        status = copy.deepcopy(self.fixture("create-status")[0]["response"])
        status.update(
            creator=creator, description=description, created_at=created, updated_at=created, context=context
        )
        return status

    def rate_limit_headers(self) -> dict[str, str]:
        headers = self.fixture("create-status")[0]["headers"]
        return {k: str(v) for k, v in headers.items() if k.startswith("x-ratelimit")}


@dataclass
class World:
    """One repository's state as the API reports it. Tests mutate it to stage an attack."""

    corpus: Corpus
    pr: dict[str, Any] = field(default_factory=dict)
    repo: str = ""
    timeline: list[dict[str, Any]] = field(default_factory=list)
    activity: list[dict[str, Any]] | None = field(default_factory=list)  # None: endpoint answers 404
    reviews: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)  # login -> role_name; absent -> 404
    teams: dict[str, set[str] | None] = field(default_factory=dict)  # org/slug -> members; None -> 404
    comments: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    contents: dict[str, str] = field(default_factory=dict)  # path at the base sha -> text
    runs: list[dict[str, Any]] = field(default_factory=list)
    # Runs of the gate's (and other) workflows that posted statuses: served by id, kept out of the
    # `actions/runs?head_sha=` listing so the push-time fallback sees only the runs a test stages there.
    gate_runs: list[dict[str, Any]] = field(default_factory=list)
    workflow_ids: dict[str, int] = field(default_factory=dict)  # workflow file path -> id
    faults: list[tuple[str, list[tuple[int, dict[str, str], Any]]]] = field(default_factory=list)
    now: str = field(default_factory=lambda: at(600))  # server time for what the gate writes
    unexpected: list[str] = field(default_factory=list)

    # ---- staging helpers -------------------------------------------------------------------
    @property
    def head(self) -> str:
        return str(self.pr["head"]["sha"])

    @property
    def author(self) -> str:
        return str(self.pr["user"]["login"])

    def set_labels(self, *names: str) -> None:
        self.pr["labels"] = [self.corpus.label(n) for n in names]

    def label_event(
        self,
        login: str,
        minutes: float,
        *,
        event: str = "labeled",
        kind: str = "User",
        label: str = LABEL,
        app: bool = False,
    ) -> None:
        item = copy.deepcopy(SHAPES["timeline_labeled"])
        item.update(
            actor=self.corpus.user(login, kind), event=event, created_at=at(minutes), label={"name": label}
        )
        if app:
            item["performed_via_github_app"] = {"id": 1, "slug": "some-app", "name": "Some App"}
        self.timeline.append(item)

    def force_push(self, login: str, minutes: float, sha: str) -> None:
        item = copy.deepcopy(SHAPES["timeline_head_ref_force_pushed"])
        item.update(actor=self.corpus.user(login), created_at=at(minutes), commit_id=sha)
        self.timeline.append(item)

    def commit_event(self, sha: str, committer_minutes: float) -> None:
        """A `committed` timeline event; its dates are whatever the committer's machine said."""
        item = copy.deepcopy(SHAPES["timeline_committed"])
        item.update(sha=sha)
        item["author"]["date"] = item["committer"]["date"] = at(committer_minutes)
        self.timeline.append(item)

    def comment_event(self, login: str, minutes: float) -> None:
        item = copy.deepcopy(SHAPES["timeline_commented"])
        item.update(user=self.corpus.user(login), actor=self.corpus.user(login), created_at=at(minutes))
        self.timeline.append(item)

    def push(self, login: str, minutes: float, sha: str | None = None, kind: str = "push") -> None:
        assert self.activity is not None
        item = copy.deepcopy(SHAPES["activity"])
        item.update(
            actor=self.corpus.user(login),
            timestamp=at(minutes),
            after=sha or self.head,
            activity_type=kind,
            ref=f"refs/heads/{self.pr['head']['ref']}",
        )
        self.activity.insert(0, item)  # the API lists newest first

    def review(self, login: str, minutes: float, state: str, commit: str | None = None) -> None:
        item = copy.deepcopy(SHAPES["review"])
        item.update(
            user=self.corpus.user(login), submitted_at=at(minutes), state=state, commit_id=commit or self.head
        )
        self.reviews.append(item)

    def workflow_id(self, path: str) -> int:
        return self.workflow_ids.setdefault(path, 159038 + len(self.workflow_ids))

    def gate_run(
        self,
        minutes: float,
        workflow: str = GATE_WORKFLOW,
        *,
        head_repo: str | None = None,
        event: str = "pull_request",
        ended: float | None = None,
    ) -> dict[str, Any]:
        """A completed run of `workflow` on the head, from `minutes - 1` to `ended` (default `minutes + 1`)."""
        run = copy.deepcopy(SHAPES["workflow_run"])
        run.update(
            id=40000 + len(self.gate_runs),
            path=workflow,
            workflow_id=self.workflow_id(workflow),
            head_sha=self.head,
            event=event,
            created_at=at(minutes - 1),
            updated_at=at(minutes + 1 if ended is None else ended),
            repository={"id": 1, "full_name": self.repo},
            head_repository={"id": 2, "full_name": head_repo or self.repo},
        )
        run["html_url"] = f"https://github.com/{self.repo}/actions/runs/{run['id']}"
        self.gate_runs.append(run)
        return run

    def current_run(self) -> dict[str, Any]:
        """The gate run under test (GITHUB_RUN_ID): a run of the gate's workflow on the head, still running."""
        run = copy.deepcopy(SHAPES["workflow_run"])
        run.update(
            id=RUN_ID, path=GATE_WORKFLOW, workflow_id=self.workflow_id(GATE_WORKFLOW), head_sha=self.head,
            status="in_progress", conclusion=None, created_at=at(0), updated_at=self.now,
            repository={"id": 1, "full_name": self.repo}, head_repository={"id": 1, "full_name": self.repo},
        )  # fmt: skip
        return run

    def gate_status(
        self,
        digest: str,
        minutes: float,
        creator: str = GATE,
        workflow: str | None = GATE_WORKFLOW,
        *,
        run: dict[str, Any] | None = None,
        url_repo: str | None = None,
    ) -> None:
        """The gate's status, posted at `minutes` by a run of `workflow` (its URL the target; None: no URL).

        `run` names an existing run instead of a new one; `url_repo` puts another repository in the URL.
        """
        kind = "Bot" if creator.endswith("[bot]") else "User"
        status = self.corpus.status(
            self.corpus.user(creator, kind),
            f"peer approval required · digest {digest}",
            at(minutes),
            "planlint/gate",
        )
        if workflow is not None:
            run = run or self.gate_run(minutes, workflow)
            status["target_url"] = f"https://github.com/{url_repo or self.repo}/actions/runs/{run['id']}"
        self.statuses.insert(0, status)

    def changed_file(self, path: str, status: str = "modified") -> None:
        item = copy.deepcopy(SHAPES["pull_file"])
        item.update(filename=path, status=status)
        self.files.append(item)
        self.pr["changed_files"] = len(self.files)

    def sticky_comment(self, body: str, login: str = GATE) -> None:
        item = copy.deepcopy(SHAPES["issue_comment"])
        item.update(id=900 + len(self.comments), body=body, user=self.corpus.user(login, "Bot"))
        self.comments.append(item)

    def workflow_run(
        self, login: str, minutes: float, event: str = "pull_request", rerun_by: str | None = None
    ) -> None:
        item = copy.deepcopy(SHAPES["workflow_run"])
        item.update(
            head_sha=self.head,
            created_at=at(minutes),
            updated_at=at(minutes),
            event=event,
            actor=self.corpus.user(login),
            triggering_actor=self.corpus.user(rerun_by or login),
        )
        self.runs.append(item)

    def fail(self, path_regex: str, *responses: tuple[int, dict[str, str], Any]) -> None:
        """The next requests whose path matches answer with these responses, in order."""
        self.faults.append((path_regex, list(responses)))

    # ---- serving ---------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        path = request.path
        for regex, queue in self.faults:
            if queue and re.fullmatch(regex, path):
                status, headers, body = queue.pop(0)
                return _json(body, status, headers)
        if request.headers.get("Authorization") != "Bearer test-token":
            self.unexpected.append(f"no token: {request.method} {path}")
            return _json({"message": "Requires authentication"}, 401)
        repo = f"/repos/{self.repo}"
        number = self.pr["number"]
        method = request.method
        if method == "GET":
            if path == f"{repo}/pulls/{number}":
                return _json(self.pr)
            if path == f"{repo}/pulls/{number}/files":
                return self._page(request, self.files)
            if path == f"{repo}/issues/{number}/timeline":
                return self._page(request, self.timeline)
            if path == f"{repo}/issues/{number}/comments":
                return self._page(request, self.comments)
            if path == f"{repo}/pulls/{number}/reviews":
                return self._page(request, self.reviews)
            if path == f"{repo}/commits/{self.head}/statuses":
                return self._page(request, self.statuses)
            if path == f"{repo}/activity":
                if self.activity is None:
                    return _json({"message": "Not Found"}, 404)
                return _json(self.activity[: int(request.args.get("per_page", 30))])
            if match := re.fullmatch(rf"{repo}/actions/runs/(\d+)", path):
                every = [self.current_run(), *self.runs, *self.gate_runs]
                found = [r for r in every if str(r["id"]) == match.group(1)]
                return _json(found[0]) if found else _json({"message": "Not Found"}, 404)
            if path == f"{repo}/actions/runs":
                runs = [r for r in self.runs if r["head_sha"] == request.args.get("head_sha")]
                return _json({"total_count": len(runs), "workflow_runs": runs})
            if match := re.fullmatch(rf"{repo}/commits/([0-9a-f]{{40}})/pulls", path):
                merged = [self.pr] if self.pr.get("merge_commit_sha") == match.group(1) else []
                return self._page(request, merged)
            if match := re.fullmatch(rf"{repo}/contents/(.+)", path):
                return self._contents(match.group(1), request.args.get("ref"))
            if match := re.fullmatch(rf"{repo}/collaborators/([^/]+)/permission", path):
                return self._permission(match.group(1))
            if match := re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)", path):
                return self._team(f"{match.group(1)}/{match.group(2)}")
            if match := re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)", path):
                return self._membership(f"{match.group(1)}/{match.group(2)}", match.group(3))
        if method == "POST" and path == f"{repo}/statuses/{self.head}":
            body = request.get_json()
            status = self.corpus.status(
                self.corpus.user(GATE, "Bot"), body["description"], self.now, body["context"]
            )
            status["state"] = body["state"]
            status["target_url"] = body.get("target_url")
            self.statuses.insert(0, status)
            return _json(status, 201)
        if method == "POST" and path == f"{repo}/issues/{number}/comments":
            self.sticky_comment(request.get_json()["body"])
            return _json(self.comments[-1], 201)
        if method == "PATCH" and (match := re.fullmatch(rf"{repo}/issues/comments/(\d+)", path)):
            for comment in self.comments:
                if comment["id"] == int(match.group(1)):
                    comment["body"] = request.get_json()["body"]
                    return _json(comment)
        if method == "DELETE" and (match := re.fullmatch(rf"{repo}/issues/{number}/labels/(.+)", path)):
            before = len(self.pr["labels"])
            self.pr["labels"] = [x for x in self.pr["labels"] if x["name"] != match.group(1)]
            return _json(self.pr["labels"], 200 if len(self.pr["labels"]) < before else 404)
        self.unexpected.append(f"{method} {path}")
        return _json({"message": "Not Found"}, 404)

    def _page(self, request: Request, items: list[Any]) -> Response:
        """Paginate like GitHub: per_page (default 30), page, and a Link header with absolute URLs."""
        per_page = int(request.args.get("per_page", 30))
        page = int(request.args.get("page", 1))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        rels = []
        base = request.host_url.rstrip("/") + request.path

        def url(n: int) -> str:
            return f"{base}?{urlencode({**request.args.to_dict(), 'page': n})}"

        if page > 1:
            rels.append(f'<{url(page - 1)}>; rel="prev"')
        if page < last:
            rels += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            rels.append(f'<{url(1)}>; rel="first"')
        return _json(chunk, 200, {"link": ", ".join(rels)} if rels else {})

    def _contents(self, path: str, ref: str | None) -> Response:
        text = self.contents.get(path) if ref == self.pr["base"]["sha"] else None
        if text is None:
            return _json({"message": "Not Found"}, 404)
        doc = copy.deepcopy(SHAPES["contents_file"])
        doc.update(
            path=path,
            name=path.rsplit("/", 1)[-1],
            size=len(text),
            content=base64.encodebytes(text.encode()).decode(),
        )
        return _json(doc)

    def _permission(self, login: str) -> Response:
        role = self.permissions.get(login)
        if role is None:
            return _json({"message": "Not Found"}, 404)
        doc = copy.deepcopy(SHAPES["collaborator_permission"])
        base = {"maintain": "write", "triage": "read"}.get(role, role)
        doc.update(permission=base, role_name=role, user=self.corpus.user(login))
        return _json(doc)

    def _team(self, team: str) -> Response:
        if self.teams.get(team) is None:
            return _json({"message": "Not Found"}, 404)
        doc = copy.deepcopy(SHAPES["team"])
        doc.update(slug=team.split("/")[1], name=team.split("/")[1])
        return _json(doc)

    def _membership(self, team: str, login: str) -> Response:
        members = self.teams.get(team)
        if members is None or login not in members:
            return _json({"message": "Not Found"}, 404)
        doc = copy.deepcopy(SHAPES["team_membership"])
        return _json(doc)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers or {}, content_type="application/json; charset=utf-8"
    )
