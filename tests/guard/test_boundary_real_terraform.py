"""Issue 10's attacks replayed from a real agent account against the real `terraform` run by guard as `planlint`.

One deployment per module (tests/guard/boundary_rig.py: real `useradd`, real `planlint guard setup`, real
`sudo -n -u GUARD` with the sudoers rule setup wrote). The guard account holds the Terraform state (a
`local` backend whose path is in its 0700 home), the trust directory, the ledger and its work directory;
the agent owns the repository (shared with the guard account's group, as `setfacl` would). The
configuration is the conformance suite's stand-in for a database: `terraform_data` resources, which plan,
apply and destroy without providers; the trusted `planlint.yml` classes them as data. Approvals are
signed with real `ssh-keygen` keys. Each test leaves the state as it found it (two resources in the
`default` and `prod` workspaces), except where it says otherwise.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .boundary_rig import (
    NEEDS_ROOT,
    Accounts,
    agent_key,
    agent_signs,
    approve,
    deployed,
    keygen,
    listed_as_approver,
    printed_request,
    sh,
)

pytestmark = [
    NEEDS_ROOT,
    pytest.mark.skipif(
        shutil.which("terraform") is None, reason="terraform is not on PATH (real-binary tests)"
    ),
    pytest.mark.skipif(
        shutil.which("ssh-keygen") is None, reason="ssh-keygen is not on PATH (signed approvals)"
    ),
]
RESOURCES = ["terraform_data.cache", "terraform_data.db"]


def _main_tf(state: Path) -> str:
    return (
        f'terraform {{\n  backend "local" {{\n    path          = "{state}/terraform.tfstate"\n'
        f'    workspace_dir = "{state}/workspaces"\n  }}\n}}\n'
        'variable "env" {\n  type    = string\n  default = "dev"\n}\n'
        'resource "terraform_data" "db" {\n  input = var.env\n}\n'
        'resource "terraform_data" "cache" {\n  input = var.env\n}\n'
    )


@dataclass
class Rig:
    accounts: Accounts
    state: Path  # the guard account's state directory (the backend)
    alice: Path  # a human approver's private key (never on the agent's side)

    def guard(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.accounts.guard(*args, **env)

    def ok(self, *terraform: str) -> str:
        """A command guard passes or applies without approval (init, workspace, a create-only apply)."""
        proc = self.guard("--", "terraform", *terraform)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def resources(self, workspace: str = "default") -> list[str]:
        """What the state holds (read as root from the guard account's backend: faster than `state list`)."""
        path = self.state / (
            "terraform.tfstate" if workspace == "default" else f"workspaces/{workspace}/terraform.tfstate"
        )
        document = json.loads(path.read_text())
        return sorted(f"{r['type']}.{r['name']}" for r in document["resources"] if r["mode"] == "managed")

    def refused(self, *terraform: str) -> str:
        """Guard refuses this destroy for want of an approval (exit 10); returns what it printed."""
        proc = self.guard("--", "terraform", *terraform)
        assert proc.returncode == 10, proc.stderr
        return proc.stderr

    def signed(self, refusal: str, name: str) -> str:
        """Alice signs exactly what guard printed; returns the record's path as the agent passes it."""
        return str(approve(self.accounts, refusal, self.accounts.repo / name, self.alice))


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    with deployed() as accounts:
        guard_ids = pwd.getpwnam(accounts.guard_account)
        state = accounts.home / "state"
        state.mkdir(mode=0o700)
        rc = accounts.home / ".terraformrc"
        rc.write_text("disable_checkpoint = true\n")  # sudo resets the environment: no CHECKPOINT_DISABLE
        for path in (state, rc):
            os.chown(path, guard_ids.pw_uid, guard_ids.pw_gid)
        accounts.held_file(accounts.trust / "planlint.yml", "stateful_types:\n  terraform_data: data\n")
        alice = keygen(accounts.base / "id_alice", "alice")
        accounts.held_file(
            accounts.trust / "allowed_signers",
            f'alice@test.example namespaces="planlint-approval" {alice.with_suffix(".pub").read_text()}',
        )
        repo = accounts.repo
        (repo / "main.tf").write_text(_main_tf(state))
        (repo / "dev.tfvars").write_text('env = "dev"\n')
        (repo / "prod.tfvars").write_text('env = "prod"\n')
        sh("chown", "-R", f"{accounts.agent}:{guard_ids.pw_gid}", str(repo))
        repo.chmod(0o2770)  # the agent's repository, shared with the guard account (as `setfacl` would)
        made = Rig(accounts, state, alice)
        made.ok("init", "-input=false")
        made.ok("apply", "-auto-approve")  # creates only: guard lets it through
        made.ok("workspace", "new", "prod")
        made.ok("apply", "-auto-approve")
        made.ok("workspace", "select", "default")
        assert made.resources() == made.resources("prod") == RESOURCES
        yield made


def test_the_agent_cannot_reach_state_ledger_trust_or_guards_plans(rig: Rig) -> None:
    a = rig.accounts
    for argv in (
        ["cat", str(rig.state / "terraform.tfstate")],
        ["ls", str(a.home / "ledger")],
        ["touch", str(a.home / "work" / "swapped.tfplan")],
        ["sh", "-c", f"echo 'agent@test.example ssh-ed25519 AAAA' >> {a.trust / 'allowed_signers'}"],
        ["sh", "-c", f"echo 'config: /tmp/x' > {a.trust / 'policy.yml'}"],
        ["mv", str(a.trust), str(a.base / "moved")],
    ):
        proc = a.as_agent(*argv)
        assert proc.returncode != 0 and "ermission denied" in proc.stderr, (argv, proc.stderr)
    # With the real binary and no guard in between, the agent cannot even read the state it would destroy.
    for lock in ("-lock=true", "-lock=false"):
        raw = a.as_agent("terraform", "destroy", "-auto-approve", "-input=false", "-no-color", lock,
                         CHECKPOINT_DISABLE="1")  # fmt: skip
        said = " ".join((raw.stderr + raw.stdout).split())
        assert raw.returncode != 0 and "permission denied" in said, said
    assert rig.resources() == RESOURCES


def test_destroy_without_an_approval_is_refused_and_nothing_changes(rig: Rig) -> None:
    refusal = rig.refused("destroy")
    assert "terraform_data.db" in refusal and "REFUSED (exit 10)" in refusal
    assert "requester: agent@test.example" in refusal
    assert f"sudo -n -u {rig.accounts.guard_account} planlint guard --approval" in refusal
    assert rig.resources() == RESOURCES


def test_an_approval_for_another_workspace_backend_or_var_file_is_refused(rig: Rig) -> None:
    dev = rig.signed(rig.refused("destroy", "-var-file=dev.tfvars"), "dev.json")
    tries = []  # (the attempt, what the scope it met says instead)
    # another var file, then another workspace (selected the way Terraform reads it: .terraform/environment)
    tries.append((rig.guard("--approval", dev, "--", "terraform", "destroy", "-var-file=prod.tfvars"),
                  "var_files=prod.tfvars"))  # fmt: skip
    rig.ok("workspace", "select", "prod")
    try:
        tries.append((rig.guard("--approval", dev, "--", "terraform", "destroy", "-var-file=dev.tfvars"),
                      "workspace=prod"))  # fmt: skip
        assert rig.resources("prod") == RESOURCES
    finally:
        rig.ok("workspace", "select", "default")
    # another backend: the same resources in a state file elsewhere (`init -reconfigure -backend-config`)
    other = rig.state / "other"
    rig.ok("init", "-input=false", "-reconfigure", f"-backend-config=path={other}.tfstate")
    try:
        rig.ok("apply", "-auto-approve")
        tries.append((rig.guard("--approval", dev, "--", "terraform", "destroy", "-var-file=dev.tfvars"),
                      f"backend=local+path:{other}.tfstate"))  # fmt: skip
        assert rig.resources() == RESOURCES
    finally:
        rig.ok("init", "-input=false", "-reconfigure")
    for proc, moved in tries:
        assert proc.returncode == 12 and "approval refused: it is for scope" in proc.stderr, proc.stderr
        assert re.search(rf"not 'terraform;[^']*{re.escape(moved)}", proc.stderr), (moved, proc.stderr)
    assert rig.resources() == RESOURCES


def test_a_plan_file_swapped_after_approval_is_refused(rig: Rig) -> None:
    a = rig.accounts
    main_tf = (a.repo / "main.tf").read_text()
    without_cache = main_tf.split('resource "terraform_data" "cache"')[0]
    edited = a.as_agent("sh", "-c", f"cp main.tf full.tf.txt && printf '%s' '{without_cache}' > main.tf")
    assert edited.returncode == 0, edited.stderr
    try:
        rig.ok("plan", "-out=narrow.tfplan")  # deletes the cache only (its block is gone)
    finally:
        assert a.as_agent("mv", "-f", "full.tf.txt", "main.tf").returncode == 0
    # the saved plan holds guard's state in clear: the agent, owner of the directory, cannot read it
    assert a.as_agent("cat", "narrow.tfplan").returncode != 0
    narrow = rig.signed(rig.refused("apply", "narrow.tfplan"), "narrow.json")
    rig.ok("plan", "-destroy", "-out=wide.tfplan")  # deletes everything
    swapped = a.as_agent("mv", "-f", "wide.tfplan", "narrow.tfplan")  # the agent owns the repository
    assert swapped.returncode == 0, swapped.stderr
    proc = rig.guard("--approval", narrow, "--", "terraform", "apply", "narrow.tfplan")
    assert proc.returncode == 12 and "but this change has digest" in proc.stderr, proc.stderr
    assert rig.resources() == RESOURCES


def test_self_approval_is_refused_even_with_the_agents_key_listed(rig: Rig) -> None:
    a = rig.accounts
    key = agent_key(a)
    refusal = rig.refused("destroy")
    assert printed_request(refusal)[2] == "agent@test.example"
    with listed_as_approver(a, "agent@test.example", key):
        # `planlint approve` itself refuses approver == requester, so the agent names its OS account as the
        # requester (the approver `root@corp.example` for requester `root`): guard compares principals,
        # the requester's from the identity map for the account sudo names in SUDO_UID.
        record = agent_signs(a, refusal, a.agent, "agent@test.example", key, "self.json")
        proc = rig.guard("--approval", str(record), "--", "terraform", "destroy")
        assert proc.returncode == 12 and "cannot approve their own request" in proc.stderr, proc.stderr
    assert rig.resources() == RESOURCES


def test_home_and_xdg_config_home_in_front_of_sudo_do_not_move_trust(rig: Rig) -> None:
    a = rig.accounts
    mine = a.agent_home / "mytrust" / "planlint"
    made = a.as_agent("sh", "-c", f"mkdir -p {mine} && ssh-keygen -q -t ed25519 -N '' -f {mine}/key -C me && "
                      f"printf 'me@evil.example namespaces=\"planlint-approval\" %s\\n' \"$(cat {mine}/key.pub)\" "
                      f"> {mine}/allowed_signers && echo 'rules: []' > {mine}/policy.yml")  # fmt: skip
    assert made.returncode == 0, made.stderr
    moved = {"HOME": str(mine.parent), "XDG_CONFIG_HOME": str(mine.parent), "PLANLINT_TRUST_DIR": str(mine)}
    refusal = rig.guard("--", "terraform", "destroy", **moved)
    assert refusal.returncode == 10 and str(a.trust / "allowed_signers") in refusal.stderr, refusal.stderr
    _, _, requester = printed_request(refusal.stderr)
    record = agent_signs(a, refusal.stderr, requester, "me@evil.example", mine / "key", "mine.json")
    proc = rig.guard("--approval", str(record), "--", "terraform", "destroy", **moved)
    assert proc.returncode == 12 and "unknown signer" in proc.stderr, proc.stderr
    assert rig.resources() == RESOURCES


def test_abbreviated_options_are_refused_before_anything_runs(rig: Rig) -> None:
    mine = str(rig.accounts.agent_home / "mytrust" / "planlint")
    for args in ([f"--tr={mine}"], [f"--trust={mine}"], ["--tr", mine], ["--appr=x.json"], ["--github=1"]):
        proc = rig.guard(*args, "--", "terraform", "destroy")
        assert proc.returncode == 2 and "unrecognized arguments" in proc.stderr, (args, proc.stderr)
    assert rig.resources() == RESOURCES


def test_a_peer_approval_destroys_exactly_once(rig: Rig) -> None:
    approval = rig.signed(rig.refused("destroy"), "peer.json")
    applied = rig.guard("--approval", approval, "--", "terraform", "destroy")
    assert applied.returncode == 0, applied.stderr
    assert "approved by alice@test.example for agent@test.example" in applied.stderr
    assert rig.resources() == []
    assert rig.resources("prod") == RESOURCES  # the other workspace is untouched
    rig.ok("apply", "-auto-approve")  # the same resources again: the same digest, the same scope
    again = rig.guard("--approval", approval, "--", "terraform", "destroy")
    assert again.returncode == 12 and "already used" in again.stderr, again.stderr
    assert rig.resources() == RESOURCES
    ledger = rig.accounts.home / "ledger"
    assert any(ledger.iterdir()) and rig.accounts.as_agent("ls", str(ledger)).returncode != 0
