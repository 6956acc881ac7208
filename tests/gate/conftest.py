"""Fixtures for gate tests: a staged GitHub (`world`) on 127.0.0.1 and `run_gate`, which runs the real CLI."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from github_world import PEER, PLAN_DESTROY, READ_ONLY, SECOND_PEER, Corpus, World, digest_of
from pytest_httpserver import HTTPServer


@dataclass
class GateRun:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    requests: list[tuple[str, str]]  # (method, path?query) in order

    def paths(self, method: str = "GET") -> list[str]:
        return [p for m, p in self.requests if m == method]


@pytest.fixture
def world(corpus: Path) -> World:
    """An open PR by its author, one push at minute 10, the gate showed the plan's digest at minute 20."""
    source = Corpus(corpus / "github-api")
    payload = source.webhook("pull_request.labeled")
    world = World(corpus=source, pr=copy.deepcopy(payload["pull_request"]))
    world.repo = world.pr["base"]["repo"]["full_name"]
    world.set_labels()
    world.changed_file("infra/main.tf")
    world.push(world.author, 10)
    world.permissions.update(
        {
            world.author: "admin",
            PEER: "write",
            SECOND_PEER: "maintain",
            READ_ONLY: "read",
            "ci-pusher": "write",
        }
    )
    world.gate_status(digest_of(corpus, PLAN_DESTROY), 20)
    return world


@pytest.fixture
def run_gate(world: World, httpserver: HTTPServer, tmp_path: Path, corpus: Path) -> Callable[..., GateRun]:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(world.handle)
    runs = 0

    def run(
        *args: str,
        plan: str | None = PLAN_DESTROY,
        event: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
    ) -> GateRun:
        nonlocal runs
        runs += 1
        payload = event if event is not None else _event(world, corpus)
        event_path = tmp_path / f"event-{runs}.json"
        event_path.write_text(json.dumps(payload))
        output_path = tmp_path / f"output-{runs}.txt"
        summary_path = tmp_path / f"summary-{runs}.md"
        output_path.touch()
        summary_path.touch()
        environ = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "GITHUB_ACTIONS": "true",
            "GITHUB_API_URL": httpserver.url_for("/").rstrip("/"),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": world.repo,
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_OUTPUT": str(output_path),
            "GITHUB_STEP_SUMMARY": str(summary_path),
            "GITHUB_RUN_ID": "4242",
            "GITHUB_TOKEN": "test-token",
            **(env or {}),
        }
        start = len(httpserver.log)
        argv = [sys.executable, "-m", "planlint", "gate", *args]
        if plan is not None:
            argv.append(str(corpus / plan))
        proc = subprocess.run(argv, env=environ, capture_output=True, text=True, timeout=120, check=False)
        requests = [(req.method, req.full_path.rstrip("?")) for req, _ in httpserver.log[start:]]
        return GateRun(
            proc.returncode,
            proc.stdout,
            proc.stderr,
            parse_outputs(output_path.read_text()),
            summary_path.read_text(),
            requests,
        )

    yield run
    assert world.unexpected == [], (
        f"the gate made requests the fake GitHub does not serve: {world.unexpected}"
    )


def _event(world: World, corpus: Path) -> dict[str, Any]:
    """The recorded `labeled` payload, pointing at the PR as it was when the workflow started."""
    payload: dict[str, Any] = Corpus(corpus / "github-api").webhook("pull_request.labeled")
    payload["pull_request"]["head"]["sha"] = world.head
    payload["number"] = world.pr["number"]
    return payload


def parse_outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT in heredoc form (name<<DELIM / value / DELIM)."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, sep, delimiter = line.partition("<<")
        assert sep, f"not heredoc output: {line!r}"
        value = []
        for inner in lines:
            if inner == delimiter:
                break
            value.append(inner)
        outputs[name] = "\n".join(value)
    return outputs
