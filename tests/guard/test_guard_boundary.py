"""The account boundary, attacked from a real unprivileged agent account.

Each test session creates two real OS accounts with unique names (the guard account, through
`planlint guard setup`, and the agent), real directories with real owners and modes, and removes them
afterwards. The agent's moves run as the agent (`runuser`); guard runs as the guard account through real
`sudo -n -u GUARD` and the sudoers rule setup wrote when sudo is installed, else through `runuser` with
the environment sudo would give it (`env -i`, SUDO_UID) — the fallback is named in each test's output
(tests/guard/boundary_rig.py).
The terraform guard runs is tests/guard/fake_terraform.py replaying corpus plans, from a root-owned
directory (behind a root-owned wrapper that sets its replay variables, since sudo resets the environment).
"""

from __future__ import annotations

import os
import pwd
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .boundary_rig import (
    NEEDS_ROOT,
    Accounts,
    agent_key,
    agent_signs,
    deployed,
    keygen,
    listed_as_approver,
    sh,
)
from .boundary_rig import approve as sign
from .fake_terraform import install, read_log

pytestmark = NEEDS_ROOT
DESTROY = "terraform/snyk-cli/tf-plan-destroy.json"
CREATE = "terraform/terraform/show-json__basic-create__output.json"


@dataclass
class Boundary(Accounts):
    terraform: Path = Path()  # root-owned fake terraform
    log: Path = Path()
    alice_key: Path = Path()

    def subcommands(self) -> list[str]:
        return [str(c["argv"][0]) for c in read_log(self.log)]  # type: ignore[index]


@pytest.fixture(scope="module")
def boundary(corpus: Path) -> Iterator[Boundary]:
    with deployed() as accounts:
        base = accounts.base
        install(base / "fakebin", accounts.python)
        log_dir = base / "log"
        log_dir.mkdir()
        terraform = base / "bin" / "terraform"
        terraform.write_text(
            f"#!/bin/sh\nFAKE_TF_LOG={log_dir}/calls.jsonl FAKE_TF_PLAN={corpus / CREATE} "
            f'FAKE_TF_DESTROY_PLAN={corpus / DESTROY} exec {base}/fakebin/terraform "$@"\n'
        )
        terraform.chmod(0o755)
        sh("chown", accounts.guard_account, str(log_dir))
        keys = base / "keys"
        keys.mkdir(mode=0o700)
        alice = keygen(keys / "id_alice", "alice")
        signer = f'alice@test.example namespaces="planlint-approval" {alice.with_suffix(".pub").read_text()}'
        (accounts.trust / "allowed_signers").write_text(signer)
        credentials = accounts.home / ".aws"
        credentials.mkdir(mode=0o700)
        (credentials / "credentials").write_text("[default]\naws_access_key_id = AKIASYNTHETICEXAMPLE\n")
        sh("chown", "-R", accounts.guard_account, str(credentials))
        fields = {name: getattr(accounts, name) for name in Accounts.__dataclass_fields__}
        yield Boundary(**fields, terraform=terraform, log=log_dir / "calls.jsonl", alice_key=alice)


def _approve(b: Boundary, refusal: str, name: str) -> Path:
    """Alice (a human, as root here) signs what guard printed; the record lands where the agent can pass it."""
    return sign(b, refusal, b.agent_home / name, b.alice_key)


def test_setup_wrote_a_held_deployment_and_a_sudoers_rule_for_exactly_guard(boundary: Boundary) -> None:
    b = boundary
    trust = b.trust.stat()
    assert (trust.st_uid, oct(trust.st_mode & 0o777)) == (0, "0o750")
    for sub in ("ledger", "work", ".aws"):
        info = (b.home / sub).stat()
        assert info.st_uid == pwd.getpwnam(b.guard_account).pw_uid and info.st_mode & 0o077 == 0
    assert f"{b.agent} agent@test.example" in (b.trust / "identities").read_text()
    rule = b.sudoers.read_text()
    assert f"{b.agent} ALL=({b.guard_account}) NOPASSWD: {b.planlint} guard *" in rule
    assert f"Defaults:{b.agent} env_reset" in rule
    print("guard reached through", "sudo" if b.use_sudo else "runuser (sudo not installed)")


def test_agent_cannot_touch_trust_ledger_work_dir_or_credentials(boundary: Boundary) -> None:
    b = boundary
    before = (b.trust / "allowed_signers").read_text()
    for argv in (
        ["sh", "-c", f"echo 'agent@test.example ssh-ed25519 AAAA' >> {b.trust / 'allowed_signers'}"],
        ["sh", "-c", f"echo '{b.agent} someone@test.example' > {b.trust / 'identities'}"],
        ["sh", "-c", f"echo 'config: /tmp/x' > {b.trust / 'policy.yml'}"],
        ["ls", str(b.home / "ledger")],
        ["touch", str(b.home / "work" / "guarded.tfplan")],
        ["cat", str(b.home / ".aws" / "credentials")],
        ["mv", str(b.trust), str(b.base / "moved")],
    ):
        proc = b.as_agent(*argv)
        assert proc.returncode != 0 and "ermission denied" in proc.stderr, (argv, proc.stderr)
    assert (b.trust / "allowed_signers").read_text() == before


def test_destroy_needs_a_peer_and_the_approval_works_once(boundary: Boundary) -> None:
    b = boundary
    refused = b.guard("--", str(b.terraform), "destroy")
    assert refused.returncode == 10, refused.stderr
    assert "requester: agent@test.example" in refused.stderr
    assert f"then rerun: sudo -n -u {b.guard_account} planlint guard --approval" in refused.stderr
    approval = _approve(b, refused.stderr, "ok.json")
    applied = b.guard("--approval", str(approval), "--", str(b.terraform), "destroy")
    assert applied.returncode == 0, applied.stderr
    assert b.subcommands()[-1] == "apply"
    assert b.log.stat().st_uid == pwd.getpwnam(b.guard_account).pw_uid  # the tool ran as the guard account
    entries = b.as_agent("sh", "-c", f"rm -f {b.home}/ledger/*")  # the agent tries to forget it was used
    assert entries.returncode != 0 or "ermission denied" in entries.stderr
    again = b.guard("--approval", str(approval), "--", str(b.terraform), "destroy")
    assert again.returncode == 12 and "already used" in again.stderr
    assert b.subcommands().count("apply") == 1


def test_agent_signed_approvals_and_self_approval_are_refused(boundary: Boundary) -> None:
    b = boundary
    key = agent_key(b)
    refused = b.guard("--", str(b.terraform), "destroy").stderr
    own = agent_signs(b, refused, "alice@test.example", "agent@test.example", key, "own.json")
    proc = b.guard("--approval", str(own), "--", str(b.terraform), "destroy")
    assert proc.returncode == 12 and "unknown signer" in proc.stderr
    # The operator wrongly lists the agent's key as an approver: it still cannot approve its own request.
    with listed_as_approver(b, "agent@test.example", key):
        selfish = agent_signs(b, refused, b.agent, "agent@test.example", key, "self.json")
        proc = b.guard("--approval", str(selfish), "--", str(b.terraform), "destroy")
        assert proc.returncode == 12 and "cannot approve their own request" in proc.stderr


def test_agent_cannot_move_the_trust_dir_by_flag_or_environment(boundary: Boundary) -> None:
    b = boundary
    mine = b.agent_home / "trust"
    made = b.as_agent("sh", "-c", f"mkdir -m 700 -p {mine} && : > {mine}/allowed_signers && "
                      f"echo 'rules: []' > {mine}/policy.yml")  # fmt: skip
    assert made.returncode == 0, made.stderr
    flag = b.guard("--trust-dir", str(mine), "--", str(b.terraform), "destroy")
    assert flag.returncode == 13 and "--trust-dir is refused" in flag.stderr
    abbreviated = b.guard(f"--trust={mine}", "--", str(b.terraform), "destroy")
    assert abbreviated.returncode == 2
    moved = b.guard("--", str(b.terraform), "destroy", HOME=str(b.agent_home), XDG_CONFIG_HOME=str(mine.parent),
                    PLANLINT_TRUST_DIR=str(mine))  # fmt: skip
    assert moved.returncode == 10 and str(b.trust / "allowed_signers") in moved.stderr, moved.stderr
    if b.use_sudo:  # and sudo itself refuses to pass variables named on its command line (no SETENV)
        named = b.as_agent("sudo", "-n", "-u", b.guard_account, f"PLANLINT_TRUST_DIR={mine}", f"HOME={mine}",
                           str(b.planlint), "guard", "--", str(b.terraform), "destroy")  # fmt: skip
        assert named.returncode == 1 and "not allowed to set" in named.stderr, named.stderr


def test_agent_owned_tool_is_not_run_with_guards_credentials(boundary: Boundary) -> None:
    b = boundary
    fake = b.agent_home / "repo" / "terraform"
    marker = b.base / "agent-tool-ran"
    made = b.as_agent("sh", "-c", f"printf '#!/bin/sh\\ntouch {marker}\\n' > {fake} && chmod 755 {fake}")
    assert made.returncode == 0, made.stderr
    for command in ([str(fake), "plan"], ["./terraform", "destroy"]):
        proc = b.guard("--", *command)
        assert (
            proc.returncode == 13 and "guard will not run" in proc.stderr and "owned by uid" in proc.stderr
        ), proc.stderr
    assert not marker.exists()


def test_broken_ledger_or_loosened_trust_is_a_clear_refusal(boundary: Boundary) -> None:
    b = boundary
    refused = b.guard("--", str(b.terraform), "destroy")
    approval = _approve(b, refused.stderr, "ledger.json")
    ledger = b.home / "ledger"
    os.chown(ledger, 0, 0)
    ledger.chmod(0o755)
    try:
        proc = b.guard("--approval", str(approval), "--", str(b.terraform), "destroy")
        assert proc.returncode == 13 and "ledger" in proc.stderr and "Traceback" not in proc.stderr, (
            proc.stderr
        )
    finally:
        os.chown(ledger, pwd.getpwnam(b.guard_account).pw_uid, -1)
        ledger.chmod(0o700)
    (b.trust / "allowed_signers").chmod(0o660)
    try:
        proc = b.guard("--", str(b.terraform), "destroy")
        assert proc.returncode == 13 and "group- or world-writable" in proc.stderr
    finally:
        (b.trust / "allowed_signers").chmod(0o640)
    assert "apply" not in b.subcommands()[-2:]


def test_doctor_from_the_agents_side(boundary: Boundary) -> None:
    b = boundary
    clean = b.as_agent(str(b.planlint), "doctor", "--guard-account", b.guard_account)
    lines = clean.stdout.splitlines()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert any(line.startswith("ok") and "trust directory" in line and "out of the agent's reach" in line
               for line in lines)  # fmt: skip
    exposed = b.as_agent(
        str(b.planlint), "doctor", "--guard-account", b.guard_account, AWS_SECRET_ACCESS_KEY="synthetic"
    )
    assert exposed.returncode == 1
    assert "EXPOSED environment variable AWS_SECRET_ACCESS_KEY is set (AWS secret key)" in exposed.stdout
    for path, mode in ((b.home / ".aws" / "credentials", 0o644), (b.home / ".aws", 0o755), (b.home, 0o755)):
        path.chmod(mode)  # an operator loosens the guard account's home
    try:
        leaked = b.as_agent(str(b.planlint), "doctor", "--guard-account", b.guard_account)
        assert leaked.returncode == 1
        assert f"EXPOSED {b.home / '.aws' / 'credentials'} is readable" in leaked.stdout
    finally:
        for path, mode in (
            (b.home, 0o700),
            (b.home / ".aws", 0o700),
            (b.home / ".aws" / "credentials", 0o600),
        ):
            path.chmod(mode)
    assert all(re.match(r"^(ok|EXPOSED|warn) ", line) for line in lines[:-1]), lines
