"""Variables whose value runs (rules/commands/env_commands.yaml), replayed in real bash.

Each attack row is a line whose words look harmless but whose program runs a command named by a variable
the line sets: the test runs it in real bash (with real git, dash and less, and a logging stub `terraform`
first on PATH) to show that `terraform destroy` really starts, then asserts the hook denies the line, through
the real `planlint hook claude` entry point. The quiet rows run too: nothing destructive starts, and the hook
stays silent. The hook_table rows (tests/guard/hook_table.py ENV_VARIABLES, ENV_QUIET) go through every agent
adapter.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planlint.guard.envvars import git_setting, guard_environment, lookup
from planlint.guard.shell import Reader

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("bash", "dash", "git", "less")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS), reason=f"needs {', '.join(TOOLS)} on PATH"
)

SSH_URL = "ssh://git@example.invalid/infra.git"
# (line, the hook's kind). Every row starts `terraform destroy` in real bash.
ATTACKS = [
    ("BASH_ENV=./env.sh bash -c 'terraform plan'", "destroy"),
    ("export BASH_ENV=./env.sh; bash -c 'terraform plan'", "destroy"),
    ("BASH_ENV='$(terraform destroy)' bash -c true", "unverifiable"),
    ("ENV=./env.sh sh -i", "destroy"),  # /bin/sh is dash here: an interactive POSIX shell reads ENV
    ("PROMPT_COMMAND='terraform destroy' bash -i", "destroy"),
    ("GIT_EXTERNAL_DIFF='terraform destroy -auto-approve' git diff", "destroy"),
    (f"GIT_SSH_COMMAND='terraform destroy' git ls-remote {SSH_URL}", "destroy"),
    (f"env GIT_SSH_COMMAND='terraform destroy' git ls-remote {SSH_URL}", "destroy"),
    (f"GIT_SSH=./ssh-wrapper.sh git ls-remote {SSH_URL}", "destroy"),
    (f"export GIT_SSH_COMMAND='terraform destroy'; git ls-remote {SSH_URL}", "destroy"),
    (f"GIT_SSH_COMMAND='terraform destroy'; export GIT_SSH_COMMAND; git ls-remote {SSH_URL}", "destroy"),
    (f"set -a; GIT_SSH_COMMAND='terraform destroy'; git ls-remote {SSH_URL}", "destroy"),
    ("GIT_EDITOR='terraform destroy' git commit --allow-empty", "destroy"),
    ("EDITOR='terraform destroy' git commit --allow-empty", "destroy"),
    ("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.x GIT_CONFIG_VALUE_0='!terraform destroy' git x", "destroy"),
    (f"GIT_CONFIG_PARAMETERS=\"'core.sshCommand'='terraform destroy'\" git ls-remote {SSH_URL}", "destroy"),
    ("GIT_CONFIG_PARAMETERS=\"'alias.x'='!terraform destroy'\" git x", "destroy"),
    ("LESSOPEN='|terraform destroy %s' less notes.txt", "destroy"),
]
# Lines that set a variable of the table (or another one) and start nothing destructive.
QUIET = [
    "TERM=xterm git diff",
    "GIT_PAGER=cat git log",
    "GIT_EXTERNAL_DIFF=true git diff",
    "EDITOR=true git commit --allow-empty",
    "BASH_ENV=./safe.sh bash -c 'terraform plan'",
    "ENV=prod terraform plan",
    "LESSOPEN='|cat %s' less notes.txt",
]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with an uncommitted change, the scripts the rows name, and a stub terraform."""
    root = tmp_path_factory.mktemp("envvars")
    (root / "bin").mkdir()
    stub = root / "bin" / "terraform"
    stub.write_text('#!/bin/sh\necho "terraform $*" >> "$STUB_LOG"\n')
    stub.chmod(0o755)
    repo = root / "repo"
    repo.mkdir()
    (repo / "env.sh").write_text("terraform destroy -auto-approve\n")
    (repo / "safe.sh").write_text("echo ready\n")
    (repo / "ssh-wrapper.sh").write_text("#!/bin/sh\nterraform destroy -auto-approve\n")
    (repo / "ssh-wrapper.sh").chmod(0o755)
    (repo / "notes.txt").write_text("notes\n")
    for argv in (["init", "-q"], ["add", "notes.txt"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *argv], cwd=repo, env=_env(root), check=True, capture_output=True)
    (repo / "notes.txt").write_text("changed\n")
    return root


def _env(root: Path) -> dict[str, str]:
    return {
        "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(root),
        "STUB_LOG": str(root / "stub.log"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "TERM": "dumb",
    }  # fmt: skip


def _bash_runs(work: Path, line: str) -> str:
    """What the stub terraform logged when real bash ran `line`."""
    log = work / "stub.log"
    log.unlink(missing_ok=True)
    subprocess.run(["bash", "-c", line], cwd=work / "repo", env=_env(work), stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=30, check=False)  # fmt: skip
    return log.read_text() if log.exists() else ""


def _hook(work: Path, line: str) -> dict[str, object]:
    payload = {"tool_name": "Bash", "tool_input": {"command": line}, "cwd": str(work / "repo")}
    env = {**_env(work), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "planlint", "hook", "claude"], input=json.dumps(payload),
                          cwd=work / "repo", env=env, capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["hookSpecificOutput"] if proc.stdout.strip() else {}


@pytest.mark.parametrize(("line", "kind"), ATTACKS)
def test_a_variable_that_runs_a_command_is_judged(work: Path, line: str, kind: str) -> None:
    assert "terraform destroy" in _bash_runs(work, line), "the row does not attack what it claims"
    from planlint.guard.screen import screen

    old = Path.cwd()
    os.chdir(work / "repo")
    try:
        verdict = screen(line)
    finally:
        os.chdir(old)
    assert verdict.deny and verdict.kind == kind, verdict
    assert len(verdict.reason) < 600
    out = _hook(work, line)
    assert out.get("permissionDecision") == "deny", out


@pytest.mark.parametrize("line", QUIET)
def test_a_harmless_value_stays_quiet(work: Path, line: str) -> None:
    assert "destroy" not in _bash_runs(work, line)
    assert _hook(work, line) == {}


def test_the_deny_names_the_variable(work: Path) -> None:
    from planlint.guard.screen import screen

    reason = screen("GIT_EXTERNAL_DIFF='terraform destroy -auto-approve' git diff").reason
    assert "GIT_EXTERNAL_DIFF" in reason and "planlint guard -- terraform destroy -auto-approve" in reason
    reason = screen("GIT_PAGER=$CMD git log").reason
    assert (
        "GIT_PAGER, which the line sets, names what git will run, and its value '$CMD' is computed" in reason
    )
    reason = screen("BASH_ENV=./nowhere.sh bash -c true").reason
    assert "BASH_ENV, which the line sets, names what runs: bash" in reason and "cannot read" in reason


def test_table_lookups() -> None:
    assert lookup("GIT_CONFIG_KEY_12") is not None and lookup("GIT_CONFIG_VALUE_3") is not None
    assert lookup("TERM") is None and lookup("GIT_DIR") is None
    ssh = lookup("ENV")
    assert ssh is not None and ssh.reach == "reader" and "dash" in ssh.read_by


@pytest.mark.parametrize(
    ("key", "value", "runs"),
    [
        ("core.pager", "terraform destroy", True),
        ("Core.SSHCommand", "terraform destroy", True),  # git config keys are case-insensitive
        ("pager.log", "terraform destroy", True),
        ("diff.tf.textconv", "terraform destroy", True),
        ("alias.x", "!terraform destroy", True),
        ("alias.x", "log --oneline", False),
        ("credential.helper", "!terraform destroy", True),
        ("credential.helper", "store", False),
        ("user.name", "terraform destroy", False),
        ("core.pager.extra", "terraform destroy", False),  # core.pager has no subsection
    ],
)
def test_git_settings(key: str, value: str, runs: bool) -> None:
    acc = Reader()
    git_setting(key, value, acc, 0, ())
    assert any(c.argv[:2] == ("terraform", "destroy") for c in acc.commands) is runs


def test_git_settings_that_name_files_are_refused() -> None:
    acc = Reader()
    git_setting("includeIf.gitdir:~/work/.path", "./x.gitconfig", acc, 0, ())
    git_setting("core.hooksPath", "./hooks", acc, 0, ())
    assert len(acc.unverifiable) == 2


def test_guard_environment_drops_every_program_variable() -> None:
    env = {"PATH": "/usr/bin", "HOME": "/h", "TF_VAR_region": "eu-west-1", "GIT_SSH_COMMAND": "x",
           "GIT_CONFIG_KEY_0": "core.pager", "BASH_ENV": "./x", "TF_CLI_CONFIG_FILE": "./dev.tfrc",
           "LD_PRELOAD": "./x.so", "AWS_PROFILE": "prod", "EDITOR": "vim"}  # fmt: skip
    kept, removed = guard_environment(env)
    assert kept == {"PATH": "/usr/bin", "HOME": "/h", "TF_VAR_region": "eu-west-1", "AWS_PROFILE": "prod"}
    assert removed == sorted(set(env) - set(kept))
