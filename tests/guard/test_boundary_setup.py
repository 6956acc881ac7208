"""`planlint guard setup` run again and again, and `planlint doctor` catching each way an operator can loosen it.

One real deployment per module (tests/guard/boundary_rig.py: real accounts, real `planlint guard setup`,
the real sudoers drop-in when sudo is installed). Every loosening is undone by running setup again, which
is itself part of what is tested: a second run restores owners and modes and changes nothing else.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from .boundary_rig import NEEDS_ROOT, Accounts, deployed, sh

pytestmark = NEEDS_ROOT


@pytest.fixture(scope="module")
def accounts() -> Iterator[Accounts]:
    with deployed() as made:
        yield made


def _snapshot(a: Accounts) -> dict[str, tuple[int, int, str, str]]:
    """(uid, gid, mode, sha256 of the content) of every path setup manages, the sudoers drop-in included."""
    paths = [a.sudoers, *sorted(a.home.rglob("*")), a.home]
    seen = {}
    for path in paths:
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"
        seen[str(path)] = (info.st_uid, info.st_gid, oct(info.st_mode), content)
    return seen


def _setup(a: Accounts, *extra: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*a.setup_argv(), *extra], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc


def _doctor(a: Accounts, **env: str) -> subprocess.CompletedProcess[str]:
    return a.as_agent(str(a.planlint), "doctor", "--guard-account", a.guard_account, **env)


def test_a_second_setup_changes_nothing_and_the_rule_passes_visudo(accounts: Accounts) -> None:
    a = accounts
    before = _snapshot(a)
    _setup(a)
    assert _snapshot(a) == before
    rule = a.sudoers.read_text()
    assert rule.count(f"{a.agent} ALL=({a.guard_account}) NOPASSWD: {a.planlint} guard *") == 1
    assert rule.count(f"Defaults:{a.agent} env_reset") == 1
    assert (a.trust / "identities").read_text().count(f"{a.agent} ") == 1
    assert sorted(p.name for p in a.sudoers.parent.iterdir() if p.name.startswith(".planlint-")) == []
    visudo = shutil.which("visudo")
    if visudo is None:
        pytest.skip("visudo is not installed: the drop-in could not be checked")
    checked = subprocess.run(
        [visudo, "-c", "-f", str(a.sudoers)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    if a.use_sudo:  # the whole sudoers configuration, with the drop-in included, still parses
        whole = subprocess.run([visudo, "-c"], capture_output=True, text=True, check=False)
        assert whole.returncode == 0, whole.stdout + whole.stderr


def test_setup_restores_loosened_modes_and_keeps_the_operators_edits(accounts: Accounts) -> None:
    a = accounts
    before = _snapshot(a)
    signers = a.trust / "allowed_signers"
    operator_key = "alice@test.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISYNTHETICKEY\n"
    signers.write_text(operator_key)
    for path, mode in ((a.trust, 0o777), (signers, 0o666), (a.home / "ledger", 0o777), (a.home, 0o755)):
        path.chmod(mode)
    os.chown(a.home / "work", 0, 0)
    _setup(a)
    after = _snapshot(a)
    assert signers.read_text() == operator_key  # setup keeps what the operator wrote
    before[str(signers)] = (*before[str(signers)][:3], after[str(signers)][3])
    assert after == before


def test_a_second_agent_is_added_without_dropping_the_first(accounts: Accounts) -> None:
    a = accounts
    second = f"{a.agent}b"
    sh("useradd", "--no-create-home", "--home-dir", str(a.base / "second"), "--shell", "/bin/sh", second)
    kept = {path: path.read_text() for path in (a.sudoers, a.trust / "identities")}
    try:
        argv = a.setup_argv()
        argv[argv.index("--agent") + 1] = f"{second}=second@test.example"
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        rule = a.sudoers.read_text()
        for agent in (a.agent, second):
            assert rule.count(f"{agent} ALL=({a.guard_account}) NOPASSWD: {a.planlint} guard *") == 1, rule
            assert rule.count(f"Defaults:{agent} env_reset") == 1, rule
        identities = (a.trust / "identities").read_text()
        assert f"{a.agent} agent@test.example" in identities and f"{second} second@test.example" in identities
        # the first agent again, with another principal: the operator's mapping stays, and setup says so
        again = subprocess.run(
            a.setup_argv("someone@else.example"), capture_output=True, text=True, check=False
        )
        assert again.returncode == 0 and "keeps its principal agent@test.example" in again.stdout, (
            again.stdout
        )
        assert a.sudoers.read_text() == rule
    finally:
        for path, text in kept.items():  # setup only adds; an operator removes an agent by editing
            path.write_text(text)
        subprocess.run(["userdel", second], capture_output=True, check=False)


def test_doctor_says_ok_from_the_agents_side_after_setup(accounts: Accounts) -> None:
    proc = _doctor(accounts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert not [line for line in lines if line.startswith("EXPOSED")], lines
    for what in ("trust directory", "ledger", "guard's work directory"):
        assert any(line.startswith("ok") and f"the {what} " in line for line in lines), (what, lines)
    if accounts.use_sudo:
        assert any(line.startswith("ok") and "sudo admits only" in line for line in lines), lines


@pytest.mark.parametrize(
    ("loosen", "expected"),
    [
        ("trust", "EXPOSED the trust directory {trust} is writable or replaceable by the agent"),
        ("signers", "EXPOSED {trust}/allowed_signers is writable by the agent"),
        ("ledger", "EXPOSED the ledger {home}/ledger is writable or replaceable by the agent"),
        ("hook", "warn    claude hook config {repo}/.claude/settings.json is writable by the agent"),
        ("impostor", "EXPOSED `planlint` on PATH is {agent_home}/bin/planlint, not the real {planlint}"),
    ],
)
def test_doctor_names_each_misconfiguration(accounts: Accounts, loosen: str, expected: str) -> None:
    a = accounts
    env: dict[str, str] = {}
    for path in (a.home, a.home / ".config"):  # an operator opens the guard account's home for reading
        path.chmod(0o755)
    try:
        if loosen == "trust":
            os.chown(a.trust, pwd.getpwnam(a.agent).pw_uid, -1)
        elif loosen == "signers":
            a.trust.chmod(0o755)
            (a.trust / "allowed_signers").chmod(0o666)
        elif loosen == "ledger":
            (a.home / "ledger").chmod(0o777)
        elif loosen == "hook":
            made = a.as_agent("sh", "-c", "mkdir -p .claude && echo '{}' > .claude/settings.json")
            assert made.returncode == 0, made.stderr
        else:
            if not a.use_sudo:
                pytest.skip("sudo is not installed: doctor cannot learn the real planlint from the sudo rule")
            fake = a.agent_home / "bin" / "planlint"
            made = a.as_agent("sh", "-c", f"mkdir -p {fake.parent} && "
                              f"printf '#!/bin/sh\\nexec {a.planlint} \"$@\"\\n' > {fake} && chmod 755 {fake}")  # fmt: skip
            assert made.returncode == 0, made.stderr
            env["PATH"] = f"{fake.parent}:/usr/local/bin:/usr/bin:/bin"
        proc = _doctor(a, **env)
        line = expected.format(trust=a.trust, home=a.home, repo=a.repo, agent_home=a.agent_home,
                               planlint=a.planlint)  # fmt: skip
        assert line in proc.stdout, proc.stdout
        assert proc.returncode == (0 if line.startswith("warn") else 1), proc.stdout
    finally:
        shutil.rmtree(a.repo / ".claude", ignore_errors=True)
        shutil.rmtree(a.agent_home / "bin", ignore_errors=True)
        _setup(a)  # puts every owner and mode back
