"""Programs in the agent's configuration, replayed from a real agent account against the real `terraform` run by
guard as its own account (tests/guard/boundary_rig.py: real `useradd`, real `planlint guard setup`, real
`sudo -n -u GUARD`). The agent writes a `local-exec` provisioner and a kubeconfig the kubernetes provider
would read; guard refuses both before Terraform starts, so nothing runs with the guard account's
credentials. An operator's exact allowance in the trust directory's programs.yml lets the provisioner run.
The configurations are small synthetic ones.
"""

from __future__ import annotations

import os
import pwd
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .boundary_rig import NEEDS_ROOT, Accounts, deployed, sh

pytestmark = [
    NEEDS_ROOT,
    pytest.mark.skipif(
        shutil.which("terraform") is None, reason="terraform is not on PATH (real-binary tests)"
    ),
]
MARKER = "ran-as-guard"


@pytest.fixture(scope="module")
def accounts() -> Iterator[Accounts]:
    with deployed() as made:
        guard_ids = pwd.getpwnam(made.guard_account)
        rc = made.home / ".terraformrc"
        rc.write_text("disable_checkpoint = true\n")
        os.chown(rc, guard_ids.pw_uid, guard_ids.pw_gid)
        made.held_file(made.trust / "allowed_signers", "")
        sh("chown", "-R", f"{made.agent}:{guard_ids.pw_gid}", str(made.repo))
        made.repo.chmod(0o2770)  # the agent's repository, shared with the guard account's group
        yield made


def _agent_writes(a: Accounts, name: str, text: str) -> Path:
    path = a.repo / name
    written = a.as_agent("sh", "-c", 'printf "%s" "$1" > "$2" && chmod 664 "$2"', "sh", text, str(path))
    assert written.returncode == 0, written.stderr
    return path


def test_an_agent_written_local_exec_never_runs_as_guard_until_the_operator_allows_it(
    accounts: Accounts,
) -> None:
    a = accounts
    (a.repo / "kube.tf").unlink(missing_ok=True)
    _agent_writes(a, "main.tf", 'resource "terraform_data" "x" {\n  provisioner "local-exec" {\n'
                  f'    command = "id -un > {MARKER}"\n  }}\n}}\n')  # fmt: skip
    assert a.guard("--", "terraform", "init", "-input=false").returncode == 0
    refused = a.guard("--", "terraform", "apply")
    assert refused.returncode == 16, refused.stderr
    assert (
        f'main.tf:3: resource "terraform_data" "x" provisioner "local-exec" runs `/bin/sh -c id -un > {MARKER}`'
        in refused.stderr
    )
    assert not (a.repo / MARKER).exists()
    a.held_file(a.trust / "programs.yml", f'programs:\n  - argv: ["/bin/sh", "-c", "id -un > {MARKER}"]\n')
    applied = a.guard("--", "terraform", "apply")
    assert applied.returncode == 0, applied.stderr
    assert (a.repo / MARKER).read_text().strip() == a.guard_account
    (a.trust / "programs.yml").unlink()


def test_a_kubeconfig_the_agent_owns_is_refused_and_one_guard_holds_is_not(accounts: Accounts) -> None:
    a = accounts
    (a.repo / "main.tf").unlink(missing_ok=True)
    _agent_writes(a, "kubeconfig", "apiVersion: v1\nkind: Config\n")
    _agent_writes(a, "kube.tf", 'provider "kubernetes" {\n  config_path = "./kubeconfig"\n}\n')
    refused = a.guard("--", "terraform", "plan")
    assert refused.returncode == 16, refused.stderr
    uid = pwd.getpwnam(a.agent).pw_uid
    assert (
        'kube.tf:2: provider "kubernetes" `config_path` names a file whose entries run programs'
        in refused.stderr
    )
    assert f"is owned by uid {uid}" in refused.stderr
    held = a.home / "kubeconfig"
    a.held_file(held, "apiVersion: v1\nkind: Config\n")
    _agent_writes(a, "kube.tf", f'provider "kubernetes" {{\n  config_path = "{held}"\n}}\n')
    planned = a.guard("--", "terraform", "plan")  # the provider is not installed here: Terraform's own error
    assert planned.returncode != 16 and "names a file" not in planned.stderr, planned.stderr
