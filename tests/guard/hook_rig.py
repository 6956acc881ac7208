"""The Claude Code hook asked in process, with stub programs first on PATH (synthetic: each stub only exits
0), as on a machine where the CLIs are installed: a program that is not on PATH is refused for that reason
alone, which would hide a missing table entry."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from planlint.hooks.contract import run_hook

# The CLIs tests/guard/test_hook_remote_exec.py and test_hook_protections.py call (stubs: conftest.py).
STUB_PROGRAMS = ["aws", "gcloud", "gsutil", "az", "docker", "podman", "docker-compose", "kubectl", "ssh", "psql",
                 "mysql", "redis-cli", "mongosh", "mongo", "clickhouse-client", "etcdctl", "terraform",
                 "serverless", "sls", "copilot", "amplify"]  # fmt: skip


def install_stubs(folder: Path, names: list[str]) -> Path:
    """Executable stubs named `names` in `folder`; returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        stub = folder / name
        stub.write_text("#!/bin/sh\nexit 0\n")
        stub.chmod(0o755)
    return folder


def use_stubs(monkeypatch: pytest.MonkeyPatch, stubs: Path, cwd: Path) -> None:
    """Put `stubs` first on PATH and run from `cwd` for one test."""
    monkeypatch.setenv("PATH", f"{stubs}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(cwd)


def hook_reply(command: str) -> str:
    """The hook's stdout for a Bash tool call running `command` ("" when it stays quiet)."""
    event = {"tool_name": "Bash", "tool_input": {"command": command}, "hook_event_name": "PreToolUse"}
    reply = run_hook("claude", json.dumps(event))
    assert reply.exit_code == 0, reply.stderr
    return reply.stdout
