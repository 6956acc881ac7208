"""An infrastructure tool's approval-bound command binds the files it reads (planlint/guard/iac_inputs.py).

`terraform state push new.tfstate` or `terraform import -var-file=prod.tfvars …` run whatever the file holds
when they run: an approval of the words alone would let the agent edit the file after a human read it.
Each attack below ran the edited file before the file words were bound; now the edit gives another
`cmd1:` digest (exit 12) and the approved run reads guard's private copy. Real terraform 1.x
(`terraform_data` only, no provider downloads) and real `ssh-keygen` approvals.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .test_guard_real_terraform import RealRig, _data, rig

__all__ = ["rig"]

pytestmark = pytest.mark.skipif(
    __import__("shutil").which("terraform") is None, reason="terraform is not on PATH"
)


def _guard(
    rig: RealRig, *args: str, stdin: bytes | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`planlint guard` as the agent runs it: standard input from `stdin`, else /dev/null."""
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(rig.trust), *args],
        cwd=rig.work, env={**rig.env, **env}, input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL, capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def _state_without(rig: RealRig, *gone: str) -> bytes:
    """The current state with `gone` resources removed and the serial bumped: a state push that forgets them."""
    state = json.loads(rig.terraform("state", "pull"))
    state["serial"] += 1
    state["resources"] = [r for r in state["resources"] if f"{r['type']}.{r['name']}" not in gone]
    return json.dumps(state).encode()


def test_state_push_of_a_file_edited_after_approval_is_refused_and_the_approved_bytes_are_pushed(
    rig: RealRig,
) -> None:
    pushed = rig.work / "new.tfstate"
    approved = _state_without(rig, "terraform_data.cache")
    pushed.write_bytes(approved)
    refused = _guard(rig, "--", "terraform", "state", "push", "new.tfstate")
    assert refused.returncode == 10, refused.stderr
    sha = __import__("hashlib").sha256(approved).hexdigest()
    assert f"new.tfstate ({len(approved)} bytes, sha256 {sha})" in refused.stderr, refused.stderr
    approval = rig.approve(refused.stderr, "alice", "push.json")
    pushed.write_bytes(_state_without(rig, "terraform_data.cache", "terraform_data.db"))  # the agent's edit
    edited = _guard(rig, "--approval", str(approval), "--", "terraform", "state", "push", "new.tfstate")
    assert edited.returncode == 12 and "digest" in edited.stderr, edited.stderr
    assert sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db"]
    pushed.write_bytes(approved)
    ran = _guard(rig, "--approval", str(approval), "--", "terraform", "state", "push", "new.tfstate")
    assert ran.returncode == 0, ran.stderr
    assert rig.state() == ["terraform_data.db"]
    assert not list((rig.trust / "work").glob("planlint-guard-*")), "the private copy is removed"


def test_state_push_from_standard_input_binds_those_bytes(rig: RealRig) -> None:
    approved = _state_without(rig, "terraform_data.cache")
    refused = _guard(rig, "--", "terraform", "state", "push", "-", stdin=approved)
    assert refused.returncode == 10 and "standard input (" in refused.stderr, refused.stderr
    approval = rig.approve(refused.stderr, "alice", "stdin.json")
    other = _state_without(rig, "terraform_data.db")
    edited = _guard(rig, "--approval", str(approval), "--", "terraform", "state", "push", "-", stdin=other)
    assert edited.returncode == 12, edited.stderr
    ran = _guard(rig, "--approval", str(approval), "--", "terraform", "state", "push", "-", stdin=approved)
    assert ran.returncode == 0, ran.stderr
    assert rig.state() == ["terraform_data.db"]


def test_import_with_a_var_file_edited_after_approval_is_refused(rig: RealRig) -> None:
    rig.write(_data("db") + _data("cache") + 'variable "n" {\n  type = number\n}\n'
              'resource "terraform_data" "extra" {\n  input = var.n\n}\n')  # fmt: skip
    (rig.work / "prod.tfvars").write_text("n = 1\n")
    command = ("--", "terraform", "import", "-input=false", "-var-file=prod.tfvars", "terraform_data.extra",
               "00000000-0000-0000-0000-000000000001")  # fmt: skip
    refused = _guard(rig, *command)
    assert refused.returncode == 10 and "prod.tfvars (6 bytes, sha256 " in refused.stderr, refused.stderr
    approval = rig.approve(refused.stderr, "alice", "import.json")
    (rig.work / "prod.tfvars").write_text("n = 2\n")
    edited = _guard(rig, "--approval", str(approval), *command)
    assert edited.returncode == 12, edited.stderr
    assert "terraform_data.extra" not in rig.state()
    (rig.work / "prod.tfvars").write_text("n = 1\n")
    ran = _guard(rig, "--approval", str(approval), *command)
    assert ran.returncode == 0, ran.stderr
    assert "terraform_data.extra" in rig.state()


def test_init_migrate_state_binds_the_backend_config_file_but_not_key_value_settings(rig: RealRig) -> None:
    rig.write(_data("db") + _data("cache") + 'terraform {\n  backend "local" {}\n}\n')
    (rig.work / "backend.hcl").write_text('path = "moved.tfstate"\n')
    command = ("--", "terraform", "init", "-migrate-state", "-force-copy", "-input=false",
               "-backend-config=backend.hcl")  # fmt: skip
    refused = _guard(rig, *command)
    assert refused.returncode == 10 and "backend.hcl (" in refused.stderr, refused.stderr
    approval = rig.approve(refused.stderr, "alice", "init.json")
    (rig.work / "backend.hcl").write_text('path = "elsewhere.tfstate"\n')
    assert _guard(rig, "--approval", str(approval), *command).returncode == 12
    (rig.work / "backend.hcl").write_text('path = "moved.tfstate"\n')
    ran = _guard(rig, "--approval", str(approval), *command)
    assert ran.returncode == 0, ran.stderr
    assert json.loads((rig.work / "moved.tfstate").read_text())["resources"]
    assert not (rig.work / "elsewhere.tfstate").exists()
    setting = _guard(rig, "--", "terraform", "init", "-migrate-state", "-backend-config=path=x.tfstate")
    assert setting.returncode == 10 and "also binds" not in setting.stderr, setting.stderr


@pytest.mark.parametrize(
    ("command", "env", "why"),
    [
        (["terraform", "state", "rm", "-state=local.tfstate", "terraform_data.db"], {},
         "-state names a local state file"),
        (["terraform", "state", "mv", "--state-out", "local.tfstate", "terraform_data.db", "terraform_data.x"],
         {}, "-state-out names a local state file"),
        (["terraform", "import", "terraform_data.db", "x"], {"TF_CLI_ARGS_import": "-var-file=prod.tfvars"},
         "TF_CLI_ARGS_import names prod.tfvars"),
        (["terraform", "state", "push", "missing.tfstate"], {}, "missing.tfstate does not exist"),
        (["terraform", "state", "push", "-force", "new.tfstate", "prod.tfvars"], {},
         "prod.tfvars names a file in the working directory"),
        (["terraform", "import", "-var-file", "states", "terraform_data.db", "x"], {}, "states is a directory"),
        (["terraform", "-chdir=sub", "import", "-var-file=prod.tfvars", "terraform_data.db", "x"], {},
         "prod.tfvars does not exist"),
    ],
)  # fmt: skip
def test_files_guard_cannot_bind_are_refused_before_anything_runs(
    rig: RealRig, command: list[str], env: dict[str, str], why: str
) -> None:
    """Each would let Terraform read a file the approval does not bind (edited, or created, after it)."""
    for name in ("local.tfstate", "new.tfstate", "prod.tfvars"):
        (rig.work / name).write_text("{}\n")
    (rig.work / "states").mkdir()
    (rig.work / "sub").mkdir()
    proc = _guard(rig, "--", *command, **env)
    assert proc.returncode == 13, proc.stderr
    assert "cannot bind what the command reads" in proc.stderr and why in proc.stderr, proc.stderr
    assert sorted(rig.state()) == ["terraform_data.cache", "terraform_data.db"]


def test_commands_that_read_no_file_keep_their_digest(rig: RealRig) -> None:
    """A command with nothing to bind is approved by its words alone, as before (no `also binds` line)."""
    refused = _guard(rig, "--", "terraform", "state", "rm", "terraform_data.cache")
    assert refused.returncode == 10 and "also binds" not in refused.stderr, refused.stderr
    approval = rig.approve(refused.stderr, "alice", "rm.json")
    ran = _guard(rig, "--approval", str(approval), "--", "terraform", "state", "rm", "terraform_data.cache")
    assert ran.returncode == 0, ran.stderr
    assert rig.state() == ["terraform_data.db"]
    assert re.search(r"cmd1:[0-9a-f]{64}", refused.stderr)


def test_tf_cli_args_that_cannot_be_split_are_refused_without_a_traceback(rig: RealRig) -> None:
    """Before: shlex's ValueError escaped classification as a traceback (exit 1)."""
    proc = _guard(rig, "--", "terraform", "state", "rm", "terraform_data.db", TF_CLI_ARGS="'unclosed")
    assert proc.returncode == 13 and "Traceback" not in proc.stderr, proc.stderr
    assert "cannot be verified" in proc.stderr
