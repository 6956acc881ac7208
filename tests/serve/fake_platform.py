"""A fake HCP Terraform on 127.0.0.1, over real HTTP: it signs run task requests, serves plan JSON behind
a 307 redirect to a second server (the object store, another origin), and records task-result callbacks.

Endpoint shapes follow HCP Terraform's "Run tasks integration API" (request body, X-TFC-Task-Signature,
PATCH callback) and "Plans API" (json-output answers 307 to a temporary URL, 204 while unfinished).
Everything about a plan's serving is synthetic and named for what it shows: `PlanServing.mode`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from planlint.serve.signature import sign

KEY = b"synthetic-hmac-key-for-tests"  # the run task's HMAC key, shared by the fake and planlint's server


@dataclass
class PlanServing:
    """How the platform answers for one plan: `ok`, `401`, `500`, `204`, `slow` (stalls), `truncated`."""

    body: bytes
    mode: str = "ok"


@dataclass
class Callback:
    task_id: str
    authorization: str | None
    content_type: str | None
    document: dict[str, Any]
    answered: int
    at: float = field(default_factory=time.monotonic)  # when the platform received it

    @property
    def status(self) -> str:
        return str(self.document["data"]["attributes"]["status"])

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.document["data"]["attributes"])

    @property
    def outcomes(self) -> list[dict[str, Any]]:
        data = self.document["data"].get("relationships", {}).get("outcomes", {}).get("data", [])
        return [o["attributes"] for o in data]


@dataclass
class FakePlatform:
    """State shared by the two servers; tests read `callbacks` and `store_saw_authorization`."""

    plans: dict[str, PlanServing] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # plan id -> the run's access token
    callbacks: list[Callback] = field(default_factory=list)
    callback_failures: dict[str, int] = field(default_factory=dict)  # task id -> 500s to answer first
    store_saw_authorization: list[str] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)
    url: str = ""
    store_url: str = ""

    def add_run(self, plan: bytes, mode: str = "ok") -> tuple[str, str]:
        """A new run with its plan; returns (plan id, access token)."""
        plan_id = f"plan-{secrets.token_hex(6)}"
        self.plans[plan_id] = PlanServing(plan, mode)
        self.tokens[plan_id] = secrets.token_hex(16)
        return plan_id, self.tokens[plan_id]

    def payload(self, plan_id: str | None, token: str, **fields: Any) -> dict[str, Any]:
        """A run task request body as the platform sends it (sample payload of the integration API)."""
        task_id = f"taskrs-{secrets.token_hex(6)}"
        body: dict[str, Any] = {
            "payload_version": 1,
            "stage": "pre_apply",
            "access_token": token,
            "capabilities": {"outcomes": True},
            "configuration_version_download_url": None,
            "configuration_version_id": "cv-synthetic",
            "is_speculative": False,
            "organization_name": "acme",
            "plan_json_api_url": f"{self.url}/api/v2/plans/{plan_id}/json-output" if plan_id else None,
            "run_app_url": f"{self.url}/app/acme/prod/runs/run-{task_id[7:]}",
            "run_created_at": "2026-11-30T04:00:00.000Z",
            "run_created_by": "bob",
            "run_id": f"run-{task_id[7:]}",
            "run_message": "Triggered via API",
            "task_result_callback_url": f"{self.url}/api/v2/task-results/{task_id}/callback",
            "task_result_enforcement_level": "mandatory",
            "task_result_id": task_id,
            "vcs_branch": None,
            "vcs_commit_url": None,
            "vcs_pull_request_url": None,
            "vcs_repo_url": None,
            "workspace_app_url": f"{self.url}/app/acme/prod",
            "workspace_id": "ws-synthetic",
            "workspace_name": "prod",
            "workspace_working_directory": "",
        }
        body.update(fields)
        return body

    def final(self, task_id: str, timeout: float = 30.0) -> Callback:
        """The first passed/failed callback the platform accepted for `task_id` (waits for it)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for cb in self.callbacks:
                    if cb.task_id == task_id and cb.status != "running" and cb.answered == 200:
                        return cb
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no final callback for {task_id} within {timeout} s")
                self.lock.wait(left)

    def for_task(self, task_id: str) -> list[Callback]:
        with self.lock:
            return [cb for cb in self.callbacks if cb.task_id == task_id]


def run_task(world: FakePlatform, server_url: str, plan: bytes, mode: str = "ok", **fields: Any) -> Callback:
    """One run through planlint: the plan is served in `mode`, the signed request sent; the final callback."""
    plan_id, token = world.add_run(plan, mode)
    body = world.payload(plan_id, token, **fields)
    response = send(server_url, body, KEY)
    assert response.status_code == 200, response.text
    return world.final(body["task_result_id"])


def send(
    server_url: str, body: dict[str, Any] | bytes, key: bytes | None, signature: str | None = None
) -> httpx.Response:
    """POST a run task request to planlint, signed with `key` (or with `signature` as given)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "TFC/1.0 (+https://app.terraform.io; TFC)"}
    if signature is not None:
        headers["X-TFC-Task-Signature"] = signature
    elif key is not None:
        headers["X-TFC-Task-Signature"] = sign(raw, key)
    return httpx.post(server_url, content=raw, headers=headers, timeout=10)


def _platform_handler(world: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = self.path.split("/")  # /api/v2/plans/<id>/json-output
            if len(parts) != 6 or parts[3] != "plans" or parts[5] != "json-output":
                return self._answer(404)
            plan_id = parts[4]
            serving = world.plans.get(plan_id)
            if serving is None:
                return self._answer(404)
            if (
                self.headers.get("Authorization") != f"Bearer {world.tokens[plan_id]}"
                or serving.mode == "401"
            ):
                return self._answer(401, b'{"errors":[{"status":"401","title":"unauthorized"}]}')
            if serving.mode == "500":
                return self._answer(500, b'{"errors":[{"status":"500"}]}')
            if serving.mode == "204":
                return self._answer(204)
            temporary = f"{world.store_url}/objects/{plan_id}?signature={secrets.token_hex(8)}"
            return self._answer(307, headers={"Location": temporary})

        def do_PATCH(self) -> None:
            parts = self.path.split("/")  # /api/v2/task-results/<id>/callback
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if len(parts) != 6 or parts[3] != "task-results" or parts[5] != "callback":
                self._answer(404)
                return
            task_id = parts[4]
            with world.lock:
                failing = world.callback_failures.get(task_id, 0)
                answered = 500 if failing else 200
                if failing:
                    world.callback_failures[task_id] = failing - 1
                world.callbacks.append(
                    Callback(
                        task_id,
                        self.headers.get("Authorization"),
                        self.headers.get("Content-Type"),
                        json.loads(raw),
                        answered,
                    )
                )
                world.lock.notify_all()
            self._answer(answered, b"" if answered == 200 else b'{"errors":[{"status":"500"}]}')

    return Handler


def _store_handler(world: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            plan_id = self.path.split("/")[2].split("?")[0]
            if self.headers.get("Authorization"):
                world.store_saw_authorization.append(plan_id)
            serving = world.plans[plan_id]
            if serving.mode == "slow":
                time.sleep(3.0)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(serving.body)))
            self.end_headers()
            if serving.mode == "truncated":
                self.wfile.write(serving.body[: len(serving.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(serving.body)

    return Handler


def start(world: FakePlatform) -> list[ThreadingHTTPServer]:
    """Start the platform and the object store on free 127.0.0.1 ports; returns both servers."""
    servers = []
    for handler, attr in ((_platform_handler(world), "url"), (_store_handler(world), "store_url")):
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        setattr(world, attr, f"http://127.0.0.1:{server.server_address[1]}")
        servers.append(server)
    return servers
