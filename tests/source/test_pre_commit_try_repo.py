"""The hooks under the real pre-commit (`pre-commit try-repo`) on scratch repositories.

pre-commit installs planlint from a snapshot of this checkout into its own environment once per test
session (the slow part, about a minute); every scenario then runs the hook as a user's commit would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATES = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}
DATABASE = """resource "aws_db_instance" "main" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  lifecycle {
    prevent_destroy = true
  }
}
"""
BUCKET = """resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
"""
TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      AllocatedStorage: "20"
"""


def _pre_commit() -> str:
    found = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(found).exists():
        pytest.fail("pre-commit not installed: pip install '.[test]'")
    return found


def _git(cwd: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def environ(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    return {
        **os.environ,
        **IDENTITY,
        **DATES,
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "SKIP": "",
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, environ: dict[str, str]) -> Path:
    """This checkout's files (as they are now) committed to a fresh repository with fixed dates, so every
    scenario in the session uses one pre-commit environment."""
    snapshot = tmp_path_factory.mktemp("planlint-hooks")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not name.startswith(("tests/", "benchmarks/")):
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git(snapshot, "init", "-q", env=environ)
    _git(snapshot, "add", ".", env=environ)
    _git(snapshot, "commit", "-q", "-m", "snapshot", env=environ)
    return snapshot


def _scratch(tmp_path: Path, environ: dict[str, str], files: dict[str, str], commit: bool = True) -> Path:
    repo = tmp_path / "scratch"
    repo.mkdir()
    _git(repo, "init", "-q", env=environ)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git(repo, "add", ".", env=environ)
    if commit:
        _git(repo, "commit", "-q", "-m", "base", env=environ)
    return repo


@pytest.fixture(scope="module")
def commit_run(
    tmp_path_factory: pytest.TempPathFactory, hook_repo: Path, environ: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """One `pre-commit try-repo` with every hook (each try-repo installs planlint anew: about a minute).

    The commit deletes `storage.tf` (a bucket) from the nested root infra/prod, removes
    `prevent_destroy` from the database there, and adds a template without retain policies.
    """
    repo = _scratch(
        tmp_path_factory.mktemp("try-repo"),
        environ,
        {"README.md": "infra\n", "infra/prod/main.tf": DATABASE, "infra/prod/storage.tf": BUCKET},
    )
    _git(repo, "rm", "-q", "infra/prod/storage.tf", env=environ)
    unprotected = DATABASE.replace("  lifecycle {\n    prevent_destroy = true\n  }\n", "")
    (repo / "infra/prod/main.tf").write_text(unprotected, encoding="utf-8")
    (repo / "cfn").mkdir()
    (repo / "cfn/db.template.yaml").write_text(TEMPLATE, encoding="utf-8")
    _git(repo, "add", ".", env=environ)
    return subprocess.run(
        [_pre_commit(), "try-repo", str(hook_repo)],
        cwd=repo,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_deleting_a_tf_file_that_holds_a_bucket_is_stopped(
    commit_run: subprocess.CompletedProcess[str],
) -> None:
    assert commit_run.returncode == 1, commit_run.stdout + commit_run.stderr
    terraform = _hook_output(commit_run.stdout, "planlint (Terraform source protections)")
    assert "Failed" in terraform.splitlines()[0]
    assert "infra/prod/storage.tf:1: PL001 approve/high: aws_s3_bucket.logs" in terraform
    assert "SKIP=planlint-terraform-source" in terraform


def test_a_nested_root_is_found_from_the_changed_path(commit_run: subprocess.CompletedProcess[str]) -> None:
    terraform = _hook_output(commit_run.stdout, "planlint (Terraform source protections)")
    assert "infra/prod/main.tf:1: PL060 approve/high: aws_db_instance.main" in terraform


def test_template_warnings_are_shown_on_a_passing_hook(commit_run: subprocess.CompletedProcess[str]) -> None:
    template = _hook_output(commit_run.stdout, "planlint (CloudFormation template policies)")
    assert "Passed" in template.splitlines()[0]
    assert "cfn/db.template.yaml:3: PL061 warn/" in template and "Orders" in template


def _hook_output(stdout: str, name: str) -> str:
    """The block pre-commit prints for one hook: its status line and what the hook printed."""
    start = stdout.index(name)
    following = [stdout.find(other, start + len(name)) for other in ("planlint (",)]
    end = min((i for i in following if i != -1), default=len(stdout))
    return stdout[start:end]


# The same command without pre-commit around it (no install): the cases that need no second try-repo.


def _hook_cli(repo: Path, environ: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "planlint"), "pre-commit", "terraform", *extra],
        cwd=repo,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_first_commit_has_an_empty_base(tmp_path: Path, environ: dict[str, str]) -> None:
    repo = _scratch(tmp_path, environ, {"infra/main.tf": DATABASE + BUCKET}, commit=False)
    run = _hook_cli(repo, environ)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == "planlint: pass: nothing needs approval\n"


def test_a_commit_touching_no_terraform_passes(tmp_path: Path, environ: dict[str, str]) -> None:
    repo = _scratch(tmp_path, environ, {"main.tf": DATABASE, "README.md": "x\n"})
    (repo / "main.tf").unlink()  # not staged and not in the commit: pre-commit stashes it; git diff sees it
    _git(repo, "checkout", "--", "main.tf", env=environ)
    (repo / "README.md").write_text("y\n", encoding="utf-8")
    _git(repo, "add", ".", env=environ)
    run = _hook_cli(repo, environ)
    assert run.returncode == 0 and "nothing needs approval" in run.stdout


def test_a_whole_deleted_directory_and_the_pre_push_range(tmp_path: Path, environ: dict[str, str]) -> None:
    repo = _scratch(tmp_path, environ, {"README.md": "x\n", "envs/prod/storage.tf": BUCKET})
    _git(repo, "rm", "-q", "-r", "envs", env=environ)
    _git(repo, "commit", "-q", "-m", "drop prod", env=environ)
    assert _hook_cli(repo, environ).returncode == 0  # nothing changed since HEAD
    pushed = _hook_cli(repo, {**environ, "PRE_COMMIT_FROM_REF": "HEAD~1", "PRE_COMMIT_TO_REF": "HEAD"})
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr
    assert "envs/prod/storage.tf:1: PL001 approve/high: aws_s3_bucket.logs" in pushed.stdout
    missing = _hook_cli(repo, environ, "--base-ref", "no-such-branch")
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith(
        "git revision 'no-such-branch' not found (the base to compare with)"
    )
