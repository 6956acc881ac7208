"""Application-platform, GitOps and secrets CLIs whose delete commands the hook passed before
(rules/commands/destructive.yaml): Serverless Framework, AWS Copilot, Elastic Beanstalk, Amplify, Heroku,
Fly.io, DigitalOcean, Argo CD, Vault/OpenBao, and `kubectl apply --prune`.

Every row goes through the real `planlint hook claude` entry point with stub programs of those names first
on PATH (synthetic: each stub only exits 0), as on a machine where the CLI is installed: a program that is
not on PATH is refused for that reason alone, which would hide a missing catalogue entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_guard_terraform import make_trust

PROGRAMS = ["serverless", "sls", "copilot", "eb", "amplify", "heroku", "fly", "flyctl", "doctl", "argocd",
            "vault", "bao", "kubectl"]  # fmt: skip
DENIED = {
    "sls remove": "serverless-remove",
    "serverless remove --stage prod --region eu-west-1": "serverless-remove",
    "copilot app delete --yes": "copilot-delete",
    "copilot env delete --name prod --yes": "copilot-delete",
    "copilot svc delete --env prod --yes": "copilot-delete",
    "eb terminate prod --force": "eb-terminate",
    "eb terminate --all": "eb-terminate",
    "amplify delete": "amplify-delete",
    "heroku apps:destroy --app shop --confirm shop": "heroku-destroy",
    "heroku addons:destroy heroku-postgresql -a shop": "heroku-destroy",
    "heroku pg:reset DATABASE --confirm shop": "heroku-destroy",
    "fly apps destroy shop --yes": "fly-destroy",
    "flyctl volumes destroy vol_123 -y": "fly-destroy",
    "fly vol delete vol_123": "fly-destroy",
    "fly destroy shop": "fly-destroy-app",
    "doctl databases delete 9cc10173 --force": "doctl-delete",
    "doctl -t TOKEN databases rm 9cc10173": "doctl-delete",
    "doctl databases db delete 9cc10173 orders": "doctl-database-db-delete",
    "doctl kubernetes cluster delete prod --dangerous": "doctl-kubernetes-delete",
    "doctl compute volume delete data-vol": "doctl-compute-delete",
    "argocd app delete prod --cascade": "argocd-app-delete",
    "argocd --server cd.example.com app delete prod": "argocd-app-delete",
    "vault secrets disable kv/": "vault-secrets-disable",
    "vault kv destroy -mount=secret -versions=3 creds": "vault-kv-destroy",
    "vault kv metadata delete -mount=secret creds": "vault-kv-metadata-delete",
    "bao secrets disable kv/": "vault-secrets-disable",
    "kubectl apply --prune -l app=shop -f manifests/": "kubectl-apply-prune",
}
QUIET = [
    "serverless info --stage prod",
    "copilot svc ls",
    "eb status prod",
    "amplify status",
    "heroku apps:info -a shop",
    "fly volumes list",
    "doctl databases list",
    "doctl kubernetes cluster list",
    "argocd app list",
    "vault secrets list",
    "vault kv metadata get -mount=secret creds",
    "kubectl apply -f manifests/",
]


@pytest.fixture(scope="module")
def stubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stubs")
    for name in PROGRAMS:
        stub = folder / name
        stub.write_text("#!/bin/sh\nexit 0\n")
        stub.chmod(0o755)
    return folder


def _answer(command: str, cwd: Path, stubs: Path) -> str:
    event = {"tool_name": "Bash", "tool_input": {"command": command}, "hook_event_name": "PreToolUse"}
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "hook", "claude", "--guard-account", "none"],
        input=json.dumps(event), capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize(("command", "entry"), DENIED.items())
def test_platform_deletes_are_denied(tmp_path: Path, stubs: Path, command: str, entry: str) -> None:
    answer = _answer(command, tmp_path, stubs)
    assert '"permissionDecision": "deny"' in answer and "peer's approval" in answer, answer
    assert f"({entry})" in answer, answer


@pytest.mark.parametrize("command", QUIET)
def test_platform_reads_stay_quiet(tmp_path: Path, stubs: Path, command: str) -> None:
    assert _answer(command, tmp_path, stubs) == ""


def test_guard_holds_a_serverless_remove_for_an_approval(tmp_path: Path, stubs: Path) -> None:
    """Under guard it is a direct delete needing an approval bound to the exact command (exit 10)."""
    work = tmp_path / "repo"
    (work / ".git").mkdir(parents=True)
    trust = make_trust(tmp_path / "trust")
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(trust), "--", "serverless", "remove",
         "--stage", "prod"],
        cwd=work, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
        env={**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}"},
    )  # fmt: skip
    assert proc.returncode == 10, proc.stderr
    assert "serverless-remove" in proc.stderr and "cmd1:" in proc.stderr
