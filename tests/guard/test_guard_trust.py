"""Trust hardening: where the trusted policy comes from, who can change it, and refusing when it is unusable.

Real files, real permissions, real ownership (`chown` to uid 65534 needs root, as CI runs); guard runs as a
subprocess against the fake terraform of test_guard_terraform.
"""

from __future__ import annotations

import argparse
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

from planlint.approvals.policy import load_policy
from planlint.approvals.trustdir import TrustError, locate
from planlint.cli import build_parser, main

from .test_guard_terraform import Rig, _approve, _argvs, _trust
from .test_guard_terraform import rig as rig  # noqa: PLC0414 (the fixture, shared)

NOBODY = 65534
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="changing file ownership needs root (CI runs as root)"
)


def _refused_13(rig: Rig, *args: str, **env: str) -> str:
    proc = rig.guard(*args, "--", "terraform", "destroy", **env)
    assert proc.returncode == 13, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "apply" not in [a[0] for a in _argvs(rig)]
    return proc.stderr


def test_missing_allowed_signers_refuses_13_never_defaults(rig: Rig) -> None:
    (rig.trust / "allowed_signers").unlink()
    err = _refused_13(rig)
    assert "no `allowed_signers` file" in err and rig.calls() == []


@pytest.mark.parametrize("target", ["allowed_signers", "identities", "."])
def test_group_writable_trust_files_refuse_13(rig: Rig, target: str) -> None:
    (rig.trust / target).chmod(0o770 if target == "." else 0o664)
    assert "group- or world-writable" in _refused_13(rig)


@needs_root
def test_trust_dir_owned_by_another_account_refuses_13(rig: Rig) -> None:
    os.chown(rig.trust / "allowed_signers", NOBODY, NOBODY)
    assert f"owned by uid {NOBODY}" in _refused_13(rig)


def test_symlinked_allowed_signers_refuses_13(rig: Rig, tmp_path: Path) -> None:
    elsewhere = tmp_path / "agent-signers"
    (rig.trust / "allowed_signers").rename(elsewhere)
    (rig.trust / "allowed_signers").symlink_to(elsewhere)
    assert "symbolic link" in _refused_13(rig)


def test_trust_location_ignores_home_xdg_and_planlint_trust_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOME", "XDG_CONFIG_HOME", "PLANLINT_TRUST_DIR"):
        monkeypatch.setenv(name, str(tmp_path / "agent-owned"))
    home = Path(pwd.getpwuid(os.geteuid()).pw_dir)
    assert locate(None)[0] == home / ".config" / "planlint"
    with pytest.raises(TrustError, match="absolute path"):
        locate("~/trust")


def test_agent_environment_cannot_move_the_trust_dir(rig: Rig, tmp_path: Path) -> None:
    """An agent-made trust dir named by HOME/XDG_CONFIG_HOME/PLANLINT_TRUST_DIR is never read."""
    agent = tmp_path / "agent-home" / ".config" / "planlint"
    agent.mkdir(parents=True, mode=0o700)
    (agent / "allowed_signers").write_text("")
    (agent / "policy.yml").write_text("config: waive-everything.yml\n")
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--", "terraform", "destroy"], cwd=rig.work,
        env={**rig.env, "HOME": str(agent.parents[1]), "XDG_CONFIG_HOME": str(agent.parent),
             "PLANLINT_TRUST_DIR": str(agent)}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    home = Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".config" / "planlint"
    if home.exists():
        pytest.skip(f"{home} exists on this machine; the refusal below needs it absent")
    assert proc.returncode == 13 and str(home) in proc.stderr and str(agent) not in proc.stderr


def test_abbreviated_options_are_refused_everywhere(rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guard", f"--tr={rig.trust}", "--", "terraform", "destroy"]) == 2
    assert "--tr=" in capsys.readouterr().err
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", f"--trust={rig.trust}", "--", "terraform", "destroy"],
        cwd=rig.work, env=rig.env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and rig.calls() == []
    from planlint.cli import COMMANDS

    for name in COMMANDS:
        stack: list[argparse.ArgumentParser] = [build_parser(name)]
        while stack:
            current = stack.pop()
            assert current.allow_abbrev is False, (name, current.prog)
            for action in current._actions:
                if isinstance(action, argparse._SubParsersAction):
                    stack += list(action.choices.values())


def test_relative_policy_paths_resolve_in_the_trust_dir_not_the_working_tree(rig: Rig) -> None:
    # The agent plants a config that waives everything in its working tree, named like the policy's.
    (rig.work / "relaxed.yml").write_text("rules: {PL001: {enforcement: info}}\n")
    (rig.trust / "policy.yml").write_text("config: relaxed.yml\n")
    err = _refused_13(rig)
    assert str(rig.trust / "relaxed.yml") in err
    (rig.trust / "relaxed.yml").write_text("rules: {PL002: {enforcement: warn}}\n")
    assert load_policy(str(rig.trust), cwd=rig.work).config == rig.trust / "relaxed.yml"
    assert rig.guard("--", "terraform", "destroy").returncode == 10  # judged with the trusted file


@needs_root
def test_ledger_not_held_or_broken_is_a_clear_refusal(rig: Rig) -> None:
    keys = _trust(rig)
    refused = rig.guard("--", "terraform", "destroy")
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "ok.json")
    ledger = rig.trust / "ledger"
    ledger.write_text("not a directory\n")
    err = _refused_13(rig, "--approval", str(approval))
    assert "ledger" in err
    ledger.unlink()
    ledger.mkdir()
    os.chown(ledger, NOBODY, NOBODY)
    assert "single use cannot be enforced" in _refused_13(rig, "--approval", str(approval))
    ledger.rmdir()
    assert rig.guard("--approval", str(approval), "--", "terraform", "destroy").returncode == 0


def test_root_principal_and_root_account_are_one_person(rig: Rig) -> None:
    """Approver `root@corp.example` and the OS account `root` mapped to it: self-approval, refused."""
    keys = _trust(rig)
    account = pwd.getpwuid(os.getuid()).pw_name
    signers = (
        (rig.trust / "allowed_signers")
        .read_text()
        .replace("agent namespaces", "root@corp.example namespaces")
    )
    (rig.trust / "allowed_signers").write_text(signers)
    (rig.trust / "identities").write_text(f"{account} root@corp.example\n")
    refused = rig.guard("--", "terraform", "destroy")
    assert "requester: root@corp.example" in refused.stderr
    # The attack: a record naming the OS user `root` as requester, signed by principal root@corp.example.
    as_os_user = refused.stderr.replace("--requester root@corp.example", "--requester root")
    selfish = _approve(rig, as_os_user, keys["agent"], "root@corp.example", "self.json")
    proc = rig.guard("--approval", str(selfish), "--", "terraform", "destroy")
    assert proc.returncode == 12 and "cannot approve their own request" in proc.stderr


def test_unmapped_account_cannot_have_requests_approved(rig: Rig) -> None:
    keys = _trust(rig)
    (rig.trust / "identities").write_text("someone-else someone@corp.example\n")
    refused = rig.guard("--", "terraform", "destroy")
    assert "requester: unmapped OS account" in refused.stderr
    text = refused.stderr.replace("--requester unmapped OS account", "--requester nobody@x #")
    approval = _approve(rig, text, keys["alice"], "alice", "x.json")
    proc = rig.guard("--approval", str(approval), "--", "terraform", "destroy")
    assert proc.returncode == 12 and "has no principal" in proc.stderr
