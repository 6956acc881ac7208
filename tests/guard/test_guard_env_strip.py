"""Guard starts the real `terraform` without the variables that would let its caller choose what runs.

Trust rule 6 (DESIGN.md): nothing the agent sets in its environment changes what guard does. Terraform
reads `TF_CLI_CONFIG_FILE` (a CLI configuration: provider installation overrides, credential helpers) and
runs git for module sources, which runs `GIT_SSH_COMMAND`. Each test first shows the effect with the raw
`terraform` (so the test can fail), then runs the same command through `planlint guard`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .test_guard_real_terraform import RealRig

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None or shutil.which("git") is None or shutil.which("ssh-keygen") is None,
    reason="needs terraform, git and ssh-keygen on PATH",
)


@pytest.fixture()
def rig(tmp_path: Path) -> RealRig:
    return RealRig(tmp_path)


def test_init_does_not_run_the_callers_git_ssh_command(rig: RealRig, tmp_path: Path) -> None:
    rig.write('module "m" {\n  source = "git::ssh://git@example.invalid/infra.git"\n}\n')
    marker = tmp_path / "ssh-ran"
    ssh = tmp_path / "ssh.sh"
    ssh.write_text(f'#!/bin/sh\necho "$@" > {marker}\nexit 1\n')
    ssh.chmod(0o755)
    subprocess.run(["terraform", "init", "-input=false"], cwd=rig.work, env={**rig.env, "GIT_SSH_COMMAND": str(ssh)},
                   capture_output=True, timeout=120, check=False)  # fmt: skip
    assert marker.exists(), "terraform init did not run GIT_SSH_COMMAND: the control is broken"
    marker.unlink()
    shutil.rmtree(rig.work / ".terraform", ignore_errors=True)

    proc = rig.guard("--", "terraform", "init", "-input=false", GIT_SSH_COMMAND=str(ssh))
    assert not marker.exists(), proc.stderr
    assert proc.returncode != 0  # the module cannot be fetched without the agent's ssh: init fails honestly
    assert "not passing GIT_SSH_COMMAND, PYTHONPATH to the tools it runs" in proc.stderr


def test_terraform_does_not_read_the_callers_cli_config(rig: RealRig, tmp_path: Path) -> None:
    rig.write('resource "terraform_data" "x" {}\n')
    config = tmp_path / "agent.tfrc"
    config.write_text("this is { not a CLI configuration\n")
    shown = "There are some problems with the CLI configuration"

    raw = subprocess.run(["terraform", "init", "-input=false"], cwd=rig.work, capture_output=True, text=True,
                         env={**rig.env, "TF_CLI_CONFIG_FILE": str(config)}, timeout=120, check=False)  # fmt: skip
    assert shown in raw.stdout + raw.stderr, "terraform ignored TF_CLI_CONFIG_FILE: the control is broken"

    proc = rig.guard("--", "terraform", "init", "-input=false", TF_CLI_CONFIG_FILE=str(config))
    assert proc.returncode == 0, proc.stderr
    assert shown not in proc.stdout + proc.stderr
    proc = rig.guard("--", "terraform", "validate", TF_CLI_CONFIG_FILE=str(config), BASH_ENV=str(config))
    assert proc.returncode == 0 and shown not in proc.stdout + proc.stderr
    assert "not passing BASH_ENV, PYTHONPATH, TF_CLI_CONFIG_FILE to the tools it runs" in proc.stderr


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd), "PATH": "/usr/bin:/bin",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_scope_names_the_working_trees_commit_whatever_git_dir_says(rig: RealRig, tmp_path: Path) -> None:
    shutil.rmtree(rig.work / ".git")
    other = tmp_path / "other"
    other.mkdir()
    for repo, message in ((rig.work, "reviewed"), (other, "elsewhere")):
        _git(repo, "init", "-q")
        _git(repo, "commit", "-q", "--allow-empty", "-m", message)
    ours, theirs = _git(rig.work, "rev-parse", "HEAD"), _git(other, "rev-parse", "HEAD")
    rig.write('resource "terraform_data" "x" {}\n')
    control = _git(rig.work, "--git-dir", str(other / ".git"), "rev-parse", "HEAD")
    assert control == theirs  # what an unscrubbed GIT_DIR would make guard's git answer

    proc = rig.guard("--", "terraform", "workspace", "delete", "prod", GIT_DIR=str(other / ".git"))
    assert proc.returncode == 10, proc.stderr
    assert f"commit={ours}" in proc.stderr and theirs not in proc.stderr
