"""`planlint guard setup`: create the guard account, its held directories and the sudoers rule (as root).

The deployment it writes (every path held: owned by root or the guard account, writable by no one else):

| path | owner:group mode | what |
|---|---|---|
| `HOME` (default /var/lib/planlint) | planlint:planlint 0700 | the guard account's home: cloud credentials go here |
| `HOME/.config/planlint` | root:planlint 0750 | the trust directory guard finds by itself (password-database home) |
| `…/allowed_signers`, `identities`, `policy.yml` | root:planlint 0640 | approvers, OS account → principal, settings |
| `HOME/ledger`, `HOME/work` | planlint:planlint 0700 | single-use ledger; guard's private plans |
| `/etc/sudoers.d/planlint-guard` | root:root 0440 | `AGENT ALL=(planlint) NOPASSWD: PLANLINT guard *` |

Through sudo the environment is reset (sudoers(5) `env_reset`) and `SUDO_UID` names the agent; guard then
takes its trust directory from its own account, refuses `--trust-dir`, and runs only tools it can hold.
Existing files are kept (identities are merged, and the agents already in the sudoers drop-in keep their
rules: a run for another agent adds it); owners and modes are set again, so a second run repairs any
loosening and otherwise changes nothing.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from planlint.approvals.identity import read_identities
from planlint.approvals.trustdir import held_problem
from planlint.errors import ConfigError

SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SUDOERS = Path("/etc/sudoers.d/planlint-guard")


@dataclass(frozen=True, slots=True)
class Deployment:
    """What `guard setup` creates."""

    agents: tuple[tuple[str, str], ...]  # (OS account, principal)
    planlint: Path  # the real planlint executable the sudoers rule names
    account: str = "planlint"
    home: Path = Path("/var/lib/planlint")
    sudoers: Path = SUDOERS

    @property
    def trust_dir(self) -> Path:
        return self.home / ".config" / "planlint"


def default_planlint() -> Path:
    """The planlint executable next to this interpreter (the installed one), else the one on PATH."""
    beside = Path(sys.executable).parent / "planlint"
    found = beside if beside.is_file() else Path(shutil.which("planlint") or beside)
    return found.absolute()


_DROP_IN_AGENT = re.compile(r"^Defaults:(\S+) env_reset\b", re.MULTILINE)


def sudoers_agents(path: Path) -> list[str]:
    """The agent accounts a drop-in written by `guard setup` already admits (none when there is no file)."""
    try:
        return _DROP_IN_AGENT.findall(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the existing sudoers drop-in: {exc}", origin=str(path)) from exc


def sudoers_text(d: Deployment, kept: Sequence[str] = ()) -> str:
    """The sudoers(5) drop-in: each agent (`kept` first) may run exactly `planlint guard …` as the guard account."""
    lines = [
        "# Written by `planlint guard setup`. The agent accounts below may run planlint guard as the guard",
        "# account and nothing else; the environment is reset, so no variable of theirs reaches guard.",
    ]
    for agent in dict.fromkeys([*kept, *(account for account, _ in d.agents)]):
        lines += [
            f'Defaults:{agent} env_reset, !setenv, secure_path="{SECURE_PATH}"',
            f"{agent} ALL=({d.account}) NOPASSWD: {d.planlint} guard *",
        ]
    return "\n".join(lines) + "\n"


def _ids(account: str) -> tuple[int, int]:
    entry = pwd.getpwnam(account)
    return entry.pw_uid, entry.pw_gid


def _dir(path: Path, uid: int, gid: int, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    path.chmod(mode)


def _file(path: Path, text: str, owner: tuple[int, int], mode: int, keep: bool = True) -> None:
    if not (keep and path.exists()):
        path.write_text(text, encoding="utf-8")
    os.chown(path, *owner)
    path.chmod(mode)


def _create_account(d: Deployment) -> str:
    try:
        pwd.getpwnam(d.account)
        return f"account {d.account}: exists"
    except KeyError:
        pass
    shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    argv = ["useradd", "--system", "--user-group", "--home-dir", str(d.home), "--shell", shell, d.account]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ConfigError(f"useradd failed ({proc.returncode}): {proc.stderr.strip()}", origin=d.account)
    return f"account {d.account}: created (system account, no login shell, home {d.home})"


def _install_sudoers(d: Deployment) -> str:
    text = sudoers_text(d, sudoers_agents(d.sudoers))
    d.sudoers.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=d.sudoers.parent, prefix=".planlint-", delete=False) as tmp:
        tmp.write(text)
    staged = Path(tmp.name)
    staged.chmod(0o440)
    visudo = shutil.which("visudo")
    if visudo:
        check = subprocess.run(
            [visudo, "-c", "-q", "-f", str(staged)], capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            staged.unlink()
            raise ConfigError(f"visudo rejects the rule: {check.stderr.strip()}", origin=str(d.sudoers))
    staged.replace(d.sudoers)
    note = (
        ""
        if shutil.which("sudo")
        else " (sudo is not installed here: install it, or nothing can reach guard)"
    )
    return f"sudoers: {d.sudoers} admits `{d.planlint} guard *` as {d.account}{note}"


def setup(d: Deployment) -> list[str]:
    """Create (or re-check) the whole deployment; returns one line per step. ConfigError when it cannot."""
    if os.geteuid() != 0:
        raise ConfigError(
            "`planlint guard setup` must run as root (it creates an account and a sudoers rule)"
        )
    problem = held_problem(d.planlint)
    if problem:
        raise ConfigError(f"the planlint executable {problem}; install planlint where only root can write "
                          "(e.g. a root-owned virtual environment) before pointing sudo at it", str(d.planlint))  # fmt: skip
    done = [_create_account(d)]
    uid, gid = _ids(d.account)
    _dir(d.home, uid, gid, 0o700)
    _dir(d.home / ".config", uid, gid, 0o700)
    _dir(d.trust_dir, 0, gid, 0o750)
    _dir(d.home / "ledger", uid, gid, 0o700)
    _dir(d.home / "work", uid, gid, 0o700)
    signers = '# principal namespaces="planlint-approval" ssh-ed25519 AAAA… — one line per human approver\n'
    _file(d.trust_dir / "allowed_signers", signers, (0, gid), 0o640)
    identities = read_identities(d.trust_dir / "identities")
    for agent, principal in d.agents:
        mapped = identities.setdefault(agent, principal)
        if mapped != principal:
            done.append(f"identities: {agent} keeps its principal {mapped} from the file, not {principal} "
                        "(edit the file to change it)")  # fmt: skip
    mapping = "".join(f"{account} {principal}\n" for account, principal in sorted(identities.items()))
    header = "# OS account → principal; written by `planlint guard setup`, edited by the operator\n"
    _file(d.trust_dir / "identities", header + mapping, (0, gid), 0o640, keep=False)
    policy = (f"guard_account: {d.account}\nledger: {d.home / 'ledger'}\nwork_dir: {d.home / 'work'}\n"
              "max_ttl_hours: 24\nstrict: false\n")  # fmt: skip
    _file(d.trust_dir / "policy.yml", policy, (0, gid), 0o640)
    done.append(
        f"trust directory: {d.trust_dir} (root:{grp.getgrgid(gid).gr_name} 0750); ledger and work dir 0700"
    )
    done.append(_install_sudoers(d))
    done += [
        f"next: add each human approver's public key to {d.trust_dir / 'allowed_signers'}",
        f"next: move cloud credentials into {d.home} (e.g. {d.home / '.aws'}) and out of the agent's account",
        f"next: let {d.account} read the agent's repositories (e.g. `setfacl -R -m u:{d.account}:rwX REPO`)",
        "next: run `planlint doctor` as the agent to see what it can still reach",
    ]
    return done


def parse_agents(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """`--agent USER[=PRINCIPAL]` values; the principal defaults to USER@<this host's name>."""
    agents = []
    for value in values:
        account, _, principal = value.partition("=")
        try:
            pwd.getpwnam(account)
        except KeyError as exc:
            raise ConfigError(f"--agent {account}: no such OS account") from exc
        agents.append((account, principal or f"{account}@{socket.getfqdn()}"))
    if not agents:
        raise ConfigError("name the agent's OS account: --agent USER (repeatable)")
    return tuple(agents)
