"""Guard's own git calls (the approval scope's commit and origin, a pull request's head) run nothing the agent
wrote: real git in a synthetic repository whose settings and hooks would start a logging stub `terraform`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from planlint.guard.git_trusted import git_output, trusted_git_argv, trusted_git_environment

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git on PATH")


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose fsmonitor, hooks, pager and filters all run `terraform destroy` (synthetic)."""
    (tmp_path / "bin").mkdir()
    stub = tmp_path / "bin" / "terraform"
    stub.write_text('#!/bin/sh\necho "terraform $*" >> "$STUB_LOG"\n')
    stub.chmod(0o755)
    for key, value in {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
                       "STUB_LOG": str(tmp_path / "stub.log"), "GIT_CONFIG_NOSYSTEM": "1",
                       "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.txt").write_text("a\n")
    for args in (["init", "-q"], ["add", "a.txt"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    runs = tmp_path / "runs.sh"
    runs.write_text("#!/bin/sh\nterraform destroy -auto-approve\n")
    runs.chmod(0o755)
    for hook in ("post-index-change", "reference-transaction", "pre-commit"):
        shutil.copy(runs, repo / ".git" / "hooks" / hook)
    settings = {"core.fsmonitor": str(runs), "core.pager": "terraform destroy", "filter.x.clean": "terraform destroy",
                "remote.origin.url": "https://example.invalid/infra.git"}  # fmt: skip
    for key, value in settings.items():
        subprocess.run(["git", "config", key, value], cwd=repo, check=True)
    (repo / ".gitattributes").write_text("*.txt filter=x\n")
    (repo / "a.txt").write_text("changed\n")
    return repo


def _log(repo: Path) -> str:
    log = repo.parent / "stub.log"
    return log.read_text() if log.exists() else ""


def test_plain_git_would_run_the_agents_programs(hostile: Path) -> None:
    subprocess.run(["git", "-C", str(hostile), "status"], capture_output=True, check=False)
    assert "terraform destroy" in _log(hostile)  # the fixture attacks what it claims


def test_guard_git_runs_none_of_them(hostile: Path) -> None:
    status = subprocess.run(trusted_git_argv(hostile, "status"), env=trusted_git_environment(), capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert git_output(hostile, "rev-parse", "HEAD") is not None
    assert git_output(hostile, "config", "--get", "remote.origin.url") == "https://example.invalid/infra.git"
    assert _log(hostile) == ""


def test_guard_git_ignores_a_repository_chosen_by_the_environment(hostile: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    other = tmp_path / "other"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert git_output(hostile, "rev-parse", "--show-toplevel") == str(hostile)
