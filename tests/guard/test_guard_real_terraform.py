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

    def run_raw(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """The real terraform itself, without guard, whatever its exit code."""
        return subprocess.run(
            [str(TERRAFORM), *args], cwd=self.work, env={**self.env, **env}, capture_output=True, text=True,
            check=False,
        )  # fmt: skip

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


_INDEXED = (
    'resource "terraform_data" "logs" {\n  count = 2\n  input = "v"\n}\nmodule "x" {\n  source = "./mod"\n}\n'
)
_KEYED = 'resource "terraform_data" "db" {\n  for_each = toset(["a", "b"])\n  input    = each.key\n}\n'


@pytest.fixture()
def indexed(rig: RealRig) -> RealRig:
    """The rig with `count` instances and a module's `for_each` instances (addresses with index keys)."""
    (rig.work / "mod").mkdir()
    (rig.work / "mod" / "main.tf").write_text(_KEYED)
    rig.write(_INDEXED)
    rig.terraform("init", "-input=false")
    rig.terraform("apply", "-auto-approve", "-input=false")
    return rig


_INDEXED_STATE = [
    'module.x.terraform_data.db["a"]',
    'module.x.terraform_data.db["b"]',
    "terraform_data.logs[0]",
    "terraform_data.logs[1]",
]


@pytest.mark.parametrize("address", ["terraform_data.logs[0]", 'module.x.terraform_data.db["a"]'])
def test_state_rm_of_an_indexed_address_is_bound_to_an_approval_not_refused_as_a_glob(
    indexed: RealRig, address: str
) -> None:
    """`[0]` and `["a"]` are instance keys, not shell patterns: guard asks for an approval of exactly this
    command (exit 10) instead of refusing the address as computed (exit 13), and the approved command
    removes exactly that instance."""
    refused = indexed.guard("--", "terraform", "state", "rm", address)
    assert refused.returncode == 10, refused.stderr
    assert sorted(indexed.state()) == _INDEXED_STATE
    approval = indexed.approve(refused.stderr, "alice", "rm.json")
    done = indexed.guard("--approval", str(approval), "--", "terraform", "state", "rm", address)
    assert done.returncode == 0, done.stderr
    assert sorted(indexed.state()) == sorted(set(_INDEXED_STATE) - {address})


def test_import_to_an_indexed_address_is_bound_to_an_approval(indexed: RealRig) -> None:
    indexed.terraform("state", "rm", "terraform_data.logs[1]")
    refused = indexed.guard("--", "terraform", "import", "terraform_data.logs[1]", "adopted-id")
    assert refused.returncode == 10 and "import writes a real object into state" in refused.stderr
    approval = indexed.approve(refused.stderr, "alice", "import.json")
    done = indexed.guard(
        "--approval", str(approval), "--", "terraform", "import", "terraform_data.logs[1]", "adopted-id"
    )
    assert done.returncode == 0, done.stderr
    assert "adopted-id" in indexed.terraform("state", "show", "terraform_data.logs[1]")


def test_target_and_replace_take_indexed_addresses(indexed: RealRig) -> None:
    """`-target=ADDR[2]` and `-replace ADDR["b"]` are read as the addresses they are, and planned: the
    targeted plan is refused for what it is (incomplete, planlint judges whole plans: exit 2), the
    replacement of a stateful resource is judged (exit 10); neither is refused as computed (exit 13)."""
    indexed.write(_INDEXED.replace("count = 2", "count = 3"))
    targeted = indexed.guard("--", "terraform", "apply", "-auto-approve", "-target=terraform_data.logs[2]")
    assert targeted.returncode == 2 and "the plan is incomplete" in targeted.stderr, targeted.stderr
    replaced = indexed.guard("--", "terraform", "apply", "-replace", 'module.x.terraform_data.db["b"]')
    assert replaced.returncode == 10 and "REFUSED (exit 10)" in replaced.stderr, replaced.stderr
    assert 'module.x.terraform_data.db["b"]' in replaced.stderr
    assert sorted(indexed.state()) == _INDEXED_STATE


@pytest.mark.parametrize(
    "argv",
    [
        ["state", "rm", "terraform_data.logs[*]"],
        ["state", "rm", "terraform_data.*"],
        ["state", "rm", "module.x.terraform_data.db[?]"],
        ["import", "terraform_data.logs[1]", "id-[1]"],
        ["apply", "-target=terraform_data.logs[$I]"],
    ],
)
def test_a_real_pattern_next_to_an_address_is_still_refused(indexed: RealRig, argv: list[str]) -> None:
    proc = indexed.guard("--", "terraform", *argv)
    assert proc.returncode == 13 and "is computed at run time" in proc.stderr, proc.stderr
    assert sorted(indexed.state()) == _INDEXED_STATE
