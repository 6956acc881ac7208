"""Real OS accounts for the account-boundary tests: the guard account (made by `planlint guard setup`) and an agent.

`deployed(tag)` creates both accounts with unique names, a root-owned `planlint` launcher the sudoers rule
names, runs the real `planlint guard setup`, and removes accounts, files and the sudoers drop-in afterwards.
The agent's moves run as the agent (`runuser`, a clean environment of its own); guard runs as the guard
account through real `sudo -n -u GUARD` and the rule setup wrote when sudo is installed, else through
`runuser` with the environment sudo would give it (`env -i`, SUDO_UID).
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NEEDS_ROOT = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"),
    reason="the account boundary tests create real OS accounts: they need root, useradd and runuser (CI runs as root)",
)


@dataclass
class Accounts:
    base: Path
    guard_account: str
    agent: str
    home: Path  # the guard account's home
    agent_home: Path
    planlint: Path  # root-owned launcher the sudoers rule names
    sudoers: Path
    use_sudo: bool
    python: str  # an interpreter every account can run, with this test's packages

    @property
    def trust(self) -> Path:
        return self.home / ".config" / "planlint"

    @property
    def repo(self) -> Path:
        return self.agent_home / "repo"

    def as_agent(self, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `argv` as the agent account, with a clean environment of its own (plus `env`)."""
        base = {"PATH": PATH, "HOME": str(self.agent_home), "USER": self.agent, "LOGNAME": self.agent}
        settings = [f"{k}={v}" for k, v in {**base, **env}.items()]
        return subprocess.run(
            ["runuser", "-u", self.agent, "--", "env", "-i", *settings, *argv],
            cwd=self.repo, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def guard(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`sudo -n -u GUARD planlint guard ARGS` as the agent (or what sudo would run, without sudo)."""
        if self.use_sudo:
            return self.as_agent(
                "sudo", "-n", "-u", self.guard_account, str(self.planlint), "guard", *args, **env
            )
        uid = pwd.getpwnam(self.agent).pw_uid
        settings = {
            "PATH": PATH,
            "HOME": str(self.home),
            "SUDO_UID": str(uid),
            "SUDO_USER": self.agent,
            **env,
        }
        return subprocess.run(
            ["runuser", "-u", self.guard_account, "--", "env", "-i", *(f"{k}={v}" for k, v in settings.items()),
             str(self.planlint), "guard", *args],
            cwd=self.repo, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def setup_argv(self, principal: str = "agent@test.example") -> list[str]:
        """The `planlint guard setup` command line this deployment was made with (run it again: idempotent)."""
        return [str(self.planlint), "guard", "setup", "--agent", f"{self.agent}={principal}",
                "--account", self.guard_account, "--home", str(self.home), "--planlint", str(self.planlint),
                "--sudoers", str(self.sudoers)]  # fmt: skip

    def held_file(self, path: Path, text: str) -> None:
        """Write a trust-directory file as the operator would: root-owned, readable by the guard group."""
        path.write_text(text)
        os.chown(path, 0, pwd.getpwnam(self.guard_account).pw_gid)
        path.chmod(0o640)


def reachable_python() -> tuple[str, str]:
    """(interpreter, PYTHONPATH) that other accounts can run with this test's packages.

    The test's own interpreter may live under a home other accounts cannot enter (pyenv under /root);
    then a system Python of the same version runs with this environment's site-packages.
    """
    import site
    import sysconfig

    paths = ":".join([str(REPO), *site.getsitepackages(), sysconfig.get_paths()["purelib"]])
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        if not Path(candidate).exists():
            continue
        probe = subprocess.run(
            ["runuser", "-u", "nobody", "--", "env", "-i", f"PYTHONPATH={paths}", candidate, "-c",
             "import msgspec, yaml, jsonschema, planlint.cli"], capture_output=True, check=False,
        )  # fmt: skip
        if probe.returncode == 0:
            return candidate, paths
    pytest.skip(f"no Python {version} with this test's packages is runnable by other accounts")


def sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def keygen(path: Path, comment: str) -> Path:
    """A real ed25519 key pair (no passphrase); returns the private key's path."""
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path))
    return path


@contextmanager
def deployed() -> Iterator[Accounts]:
    """Two fresh accounts, the root-owned launcher and `planlint guard setup`; everything removed afterwards."""
    tag = secrets.token_hex(3)
    guard_account, agent = f"plg{tag}", f"pla{tag}"
    base = Path(f"/tmp/planlint-boundary-{tag}")  # pytest's own tmp dirs are 0700 root: accounts can't enter
    base.mkdir(mode=0o755)
    use_sudo = shutil.which("sudo") is not None and Path("/etc/sudoers.d").is_dir()
    use_sudo = use_sudo and not os.environ.get("PLANLINT_TEST_WITHOUT_SUDO")  # to exercise the fallback
    sudoers = Path(f"/etc/sudoers.d/planlint-test-{tag}") if use_sudo else base / "sudoers"
    try:
        agent_home = base / "agent-home"
        sh("useradd", "--no-create-home", "--home-dir", str(agent_home), "--shell", "/bin/sh", agent)
        (agent_home / "repo" / ".git").mkdir(parents=True)
        sh("chown", "-R", f"{agent}:{agent}", str(agent_home))
        python, pythonpath = reachable_python()
        bin_dir = base / "bin"
        bin_dir.mkdir()
        planlint = bin_dir / "planlint"
        planlint.write_text(f'#!/bin/sh\nPYTHONPATH={pythonpath} exec {python} -m planlint "$@"\n')
        planlint.chmod(0o755)
        accounts = Accounts(
            base, guard_account, agent, base / "home", agent_home, planlint, sudoers, use_sudo, python
        )
        setup = subprocess.run(accounts.setup_argv(), capture_output=True, text=True, check=False)
        assert setup.returncode == 0, setup.stderr
        yield accounts
    finally:
        sudoers.unlink(missing_ok=True)
        for account in (agent, guard_account):
            subprocess.run(["userdel", account], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


APPROVE_LINE = re.compile(r"planlint approve (\S+) --scope '([^']+)' --requester (\S+)")


def printed_request(refusal: str) -> tuple[str, str, str]:
    """(digest, scope, requester) of the `planlint approve …` line a refusal prints."""
    found = APPROVE_LINE.search(refusal)
    assert found, refusal
    return found.group(1), found.group(2), found.group(3)


def approve(
    accounts: Accounts, refusal: str, out: Path, key: Path, approver: str = "alice@test.example"
) -> Path:
    """A human (root here) signs what guard printed; the record lands where the agent can pass it to guard."""
    digest, scope, requester = printed_request(refusal)
    argv = [str(accounts.planlint), "approve", digest, "--scope", scope, "--requester", requester,
            "--approver", approver, "--key", str(key), "-o", str(out)]  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True)
    out.chmod(0o644)
    return out


def agent_key(accounts: Accounts) -> Path:
    """The agent makes a key pair of its own (as the agent); returns the private key's path."""
    ssh = accounts.agent_home / ".ssh"
    made = accounts.as_agent(
        "sh", "-c", f"mkdir -p {ssh} && ssh-keygen -q -t ed25519 -N '' -f {ssh}/id -C agent"
    )
    assert made.returncode == 0, made.stderr
    return ssh / "id"


def agent_signs(accounts: Accounts, refusal: str, requester: str, approver: str, key: Path, out: str) -> Path:
    """The agent runs `planlint approve` itself with its own key; returns the record (in its repository)."""
    digest, scope, _ = printed_request(refusal)
    signed = accounts.as_agent(
        str(accounts.planlint), "approve", digest, "--scope", scope, "--requester", requester,
        "--approver", approver, "--key", str(key), "-o", out,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    return accounts.repo / out


@contextmanager
def listed_as_approver(accounts: Accounts, principal: str, key: Path) -> Iterator[None]:
    """The operator wrongly lists `key` as approver `principal` in allowed_signers, for the duration."""
    signers = accounts.trust / "allowed_signers"
    before = signers.read_text()
    public = key.with_suffix(".pub").read_text()
    signers.write_text(before + f'{principal} namespaces="planlint-approval" {public}')
    try:
        yield
    finally:
        signers.write_text(before)
