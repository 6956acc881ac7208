"""`planlint guard` end to end against the real `terraform` binary (built-in `terraform_data` only).

The fake terraform (fake_terraform.py) stays for what a real one cannot do here (tampering, failures,
replaying corpus plans); these tests prove the same flow on plans real Terraform writes, with the
conformance suite's configurations: a guarded apply that only creates goes through, one that deletes a
stateful resource (removed block, -destroy) is refused and leaves the state as it was, and a peer's
signed approval lets exactly that destroy through once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_guard_terraform import make_trust

TERRAFORM = shutil.which("terraform")


def _data(name: str) -> str:
    """The conformance suite's stand-in for a database (tests/test_real_terraform.py)."""
    return f'resource "terraform_data" "{name}" {{\n  input = "v"\n}}\n'


pytestmark = pytest.mark.skipif(
    TERRAFORM is None, reason="terraform is not on PATH (real-binary guard tests)"
)

REPO = Path(__file__).resolve().parents[2]


class RealRig:
    def __init__(self, root: Path) -> None:
        self.work = root / "repo"
        (self.work / ".git").mkdir(parents=True)
        self.home = root / "home"
        self.home.mkdir()
        self.keys: dict[str, Path] = {}
        for name in ("alice", "agent"):
            key = root / f"id_{name}"
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
            )
            self.keys[name] = key
        signers = "".join(
            f'{n} namespaces="planlint-approval" {k.with_suffix(".pub").read_text().strip()}\n'
            for n, k in self.keys.items()
        )
        self.trust = make_trust(root / "trust", signers)
        # trusted judgement config: terraform_data stands in for a database
        (self.trust / "planlint.yml").write_text("stateful_types:\n  terraform_data: data\n")
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_STATE_HOME": str(self.home / ".state"),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "PYTHONPATH": str(REPO),
        }

    def write(self, main_tf: str) -> None:
        (self.work / "main.tf").write_text(main_tf)

    def terraform(self, *args: str) -> str:
        done = subprocess.run(
            [str(TERRAFORM), *args], cwd=self.work, env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def state(self) -> list[str]:
        return self.terraform("state", "list").split()

    def guard(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(self.trust), *args],
            cwd=self.work, env={**self.env, **env}, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def approve(self, refusal: str, approver: str, out: str) -> Path:
        found = re.search(r"planlint approve (\S+) --scope '([^']+)' --requester (\S+)", refusal)
        assert found, refusal
        argv = [sys.executable, "-m", "planlint", "approve", found.group(1), "--scope", found.group(2),
                "--requester", found.group(3), "--approver", approver, "--key", str(self.keys[approver]),
                "-o", out]  # fmt: skip
        subprocess.run(argv, cwd=self.work, env=self.env, check=True, capture_output=True)
        return self.work / out


@pytest.fixture()
def rig(tmp_path: Path) -> RealRig:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not on PATH (needed to sign an approval)")
    rig = RealRig(tmp_path)
    rig.write(_data("db") + _data("cache"))
    rig.terraform("init", "-input=false")
    rig.terraform("apply", "-auto-approve", "-input=false")
    return rig


def test_guarded_apply_that_only_creates_goes_through(rig: RealRig) -> None:
    rig.write(_data("db") + _data("cache") + _data("queue"))
    proc = rig.guard("--", "terraform", "apply", "-auto-approve")
    assert proc.returncode == 0, proc.stderr
    assert sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db", "terraform_data.queue"]


def test_guarded_apply_that_deletes_is_refused_and_nothing_changes(rig: RealRig) -> None:
    rig.write(_data("cache"))  # the db's resource block is gone
    proc = rig.guard("--", "terraform", "apply", "-auto-approve")
    assert proc.returncode == 10, proc.stderr
    assert "terraform_data.db" in proc.stderr and "REFUSED (exit 10)" in proc.stderr
    assert sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db"]


def test_guarded_destroy_needs_a_peer_approval_and_it_works_once(rig: RealRig) -> None:
    refused = rig.guard("--", "terraform", "destroy")
    assert refused.returncode == 10, refused.stderr
    assert sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db"]
    approval = rig.approve(refused.stderr, "alice", "ok.json")
    applied = rig.guard("--approval", str(approval), "--", "terraform", "destroy")
    assert applied.returncode == 0, applied.stderr
    assert rig.state() == []
    rig.terraform("apply", "-auto-approve", "-input=false")
    reused = rig.guard("--approval", str(approval), "--", "terraform", "destroy")
    assert reused.returncode == 12 and sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db"]


@pytest.mark.parametrize(
    "env",
    [{"TF_CLI_ARGS": "-lock=false"}, {"TF_CLI_ARGS_state": "list"}, {"TF_CLI_ARGS_state_rm": "-lock=false"}],
)
def test_tf_cli_args_do_not_hide_state_surgery(rig: RealRig, env: dict[str, str]) -> None:
    """Terraform puts TF_CLI_ARGS after a nested command's last word (`state rm -lock=false x`) and reads
    TF_CLI_ARGS_state_rm, not TF_CLI_ARGS_state, for it: real terraform removes the object either way, so
    guard must not read the line as `state -lock=false rm x` or `state list rm x` (a read) and run it."""
    proc = rig.guard("--", "terraform", "state", "rm", "terraform_data.db", **env)
    assert proc.returncode == 10, proc.stderr
    assert "state rm is state surgery" in proc.stderr
    assert sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db"]
