"""Where a markdown report links to: the CI run and the pull request head's files (GitHub Actions)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ReportLinks:
    """Where links point: the CI run, and the PR head's files (`https://github.com/o/r/blob/<sha>`)."""

    run_url: str | None = None
    blob_url: str | None = None


def links_from_environment(environ: Mapping[str, str] = os.environ) -> ReportLinks:
    """Links for a report written inside GitHub Actions: the run, and the PR head (else GITHUB_SHA)."""
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = environ.get("GITHUB_REPOSITORY", "")
    if repository.count("/") != 1:
        return ReportLinks()
    run_id = environ.get("GITHUB_RUN_ID")
    run_url = f"{server}/{repository}/actions/runs/{run_id}" if run_id else None
    head = _event_head(environ.get("GITHUB_EVENT_PATH")) or environ.get("GITHUB_SHA")
    return ReportLinks(run_url, f"{server}/{repository}/blob/{head}" if head else None)


def _event_head(path: str | None) -> str | None:
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    head = pull.get("head") if isinstance(pull, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    return sha if isinstance(sha, str) and sha.isalnum() else None
