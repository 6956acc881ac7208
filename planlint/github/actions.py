"""The GitHub Actions runtime: environment variables, the event payload, outputs, summary, annotations."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planlint.errors import ConfigError, GateError


@dataclass(frozen=True, slots=True)
class ActionsEnv:
    """What the runner tells a step about where it runs."""

    api_url: str
    server_url: str
    repository: str  # owner/name
    event_name: str | None
    event: Mapping[str, Any]  # the payload at GITHUB_EVENT_PATH ({} when absent)
    run_id: str | None
    output_path: str | None
    summary_path: str | None

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0]

    @property
    def run_url(self) -> str | None:
        if not self.run_id:
            return None
        return f"{self.server_url.rstrip('/')}/{self.repository}/actions/runs/{self.run_id}"


def read_env(environ: Mapping[str, str] | None = None, repository: str | None = None) -> ActionsEnv:
    """Read GITHUB_* variables; a missing repository or unreadable event payload is a usage error."""
    env = os.environ if environ is None else environ
    repo = repository or env.get("GITHUB_REPOSITORY", "")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ConfigError(
            "repository unknown: set GITHUB_REPOSITORY or pass --repo OWNER/NAME", "planlint gate"
        )
    event: Mapping[str, Any] = {}
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path:
        try:
            loaded = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GateError(f"cannot read the event payload: {exc}", origin=event_path) from None
        if not isinstance(loaded, dict):
            raise GateError("event payload is not a JSON object", origin=event_path)
        event = loaded
    return ActionsEnv(
        api_url=env.get("GITHUB_API_URL", "https://api.github.com"),
        server_url=env.get("GITHUB_SERVER_URL", "https://github.com"),
        repository=repo,
        event_name=env.get("GITHUB_EVENT_NAME"),
        event=event,
        run_id=env.get("GITHUB_RUN_ID"),
        output_path=env.get("GITHUB_OUTPUT"),
        summary_path=env.get("GITHUB_STEP_SUMMARY"),
    )


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append step outputs to $GITHUB_OUTPUT (heredoc form, so a value can never inject another output)."""
    if not path:
        return
    lines = []
    for name, value in outputs.items():
        delimiter = f"planlint_{uuid.uuid4().hex}"
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    _append(path, "".join(lines))


def write_summary(path: str | None, markdown: str) -> None:
    if path:
        _append(path, markdown if markdown.endswith("\n") else markdown + "\n")


def _append(path: str, text: str) -> None:
    try:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise GateError(f"cannot write: {exc}", origin=path) from None
