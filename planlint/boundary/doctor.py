"""`planlint doctor`: from the agent's side, what can it still reach around guard? One line per finding.

Run it as the agent's OS account. Each line starts with `ok`, `EXPOSED` (the agent can go around guard or
change what guard trusts) or `warn` (worth a look). Checks, in order: the agent is not the guard account;
cloud credential variables in its environment and credential files readable in its home or the guard
account's home (`credentials.yaml`); the trust directory, its files, the ledger and the work dir not
writable (or replaceable) by the agent; the agent hook configurations not writable by it; the `planlint` on
its PATH is the one sudo runs and neither it nor planlint's own code is writable by it; what `sudo -n -l`
lets it run; groups that are root in disguise (docker, sudo, wheel, lxd, disk).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["ok", "EXPOSED", "warn"]
_ROOTISH_GROUPS = ("root", "sudo", "wheel", "admin", "docker", "lxd", "disk", "shadow")


@dataclass(frozen=True, slots=True)
class Finding:
    level: Level
    text: str

    def line(self) -> str:
        return f"{self.level:<7} {self.text}"


def _credentials_table() -> dict[str, list[dict[str, str]]]:
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "credentials.yaml").read_text(encoding="utf-8"))
    return {"env": list(data["env"]), "file": list(data["file"])}


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:  # missing, or a directory above it this account cannot enter
        return None


def _writable(path: Path) -> bool:
    """Could this account change `path` (write it, or replace it through a writable directory above)?"""
    if _stat(path) is not None and os.access(path, os.W_OK):
        return True
    above = _stat(path.parent)
    return above is not None and os.access(path.parent, os.W_OK) and not above.st_mode & stat.S_ISVTX


def _readable(path: Path) -> bool:
    info = _stat(path)
    if info is None:
        return False
    if stat.S_ISDIR(info.st_mode):
        return os.access(path, os.R_OK | os.X_OK) and any(True for _ in _safe_iter(path))
    return os.access(path, os.R_OK)


def _safe_iter(path: Path) -> Iterable[Path]:
    try:
        yield from path.iterdir()
    except OSError:
        return


def check_identity(guard_account: str) -> list[Finding]:
    me = pwd.getpwuid(os.getuid()).pw_name
    if me == guard_account or os.getuid() == 0:
        return [Finding("EXPOSED", f"the agent runs as {me}: it holds everything guard holds")]
    found = [Finding("ok", f"the agent runs as {me}, not as the guard account {guard_account}")]
    groups = {grp.getgrgid(g).gr_name for g in os.getgroups()}
    for name in sorted(groups & set(_ROOTISH_GROUPS)):
        found.append(Finding("EXPOSED", f"the agent is in group {name}, which can become root"))
    return found


def check_credentials(env: Mapping[str, str], homes: Iterable[Path]) -> list[Finding]:
    table = _credentials_table()
    found = [
        Finding("EXPOSED", f"environment variable {e['name']} is set ({e['what']})")
        for e in table["env"]
        if env.get(e["name"])
    ]
    found += [
        Finding("EXPOSED", f"environment variable {name} is set (a token or credential)")
        for name in sorted(env)
        if name.startswith("TF_TOKEN_") and name not in {e["name"] for e in table["env"]}
    ]
    for home in homes:
        for entry in table["file"]:
            path = home / entry["path"]
            if _readable(path):
                found.append(Finding("EXPOSED", f"{path} is readable ({entry['what']})"))
    if not found:
        found.append(Finding("ok", "no cloud credential variables set and no credential files readable"))
    return found


def check_trust(trust_dir: Path, ledger: Path, work_dir: Path) -> list[Finding]:
    found: list[Finding] = []
    for what, path in (
        ("trust directory", trust_dir),
        ("ledger", ledger),
        ("guard's work directory", work_dir),
    ):
        if _writable(path):
            found.append(Finding("EXPOSED", f"the {what} {path} is writable or replaceable by the agent"))
        else:
            found.append(Finding("ok", f"the {what} {path} is out of the agent's reach"))
    for name in ("allowed_signers", "identities", "policy.yml"):
        if _stat(trust_dir / name) is not None and _writable(trust_dir / name):
            found.append(Finding("EXPOSED", f"{trust_dir / name} is writable by the agent"))
    return found


def check_hooks(roots: Iterable[Path]) -> list[Finding]:
    import importlib

    from planlint.hooks import ADAPTERS

    found: list[Finding] = []
    for agent, module in ADAPTERS.items():
        target = getattr(importlib.import_module(module), "CONFIG", None)
        for root in roots:
            for relative in (getattr(target, "project", None), getattr(target, "user", None)):
                path = root / relative if relative else None
                if path is not None and _stat(path) is not None and _writable(path):
                    found.append(Finding("warn", f"{agent} hook config {path} is writable by the agent: the "
                                                 "hook warns, it does not enforce"))  # fmt: skip
    managed = Path("/etc/claude-code/managed-settings.json")
    if _stat(managed) is not None and _writable(managed):
        found.append(Finding("EXPOSED", f"{managed} (managed settings) is writable by the agent"))
    return found or [Finding("ok", "no agent hook configuration the agent can rewrite was found")]


def check_planlint(expected: Path | None) -> list[Finding]:
    found: list[Finding] = []
    on_path = shutil.which("planlint")
    if on_path is None:
        found.append(Finding("warn", "no planlint on the agent's PATH"))
    elif expected is not None and Path(on_path).resolve() != expected.resolve():
        found.append(Finding("EXPOSED", f"`planlint` on PATH is {on_path}, not the real {expected}"))
    import planlint

    package = Path(planlint.__file__).parent
    for path in (package, package / "guard" / "runner.py", *(p for p in [expected] if p)):
        if _writable(path):
            found.append(Finding("EXPOSED", f"{path} (planlint's own code) is writable by the agent"))
    return found or [
        Finding("ok", f"planlint on PATH is {on_path} and its code is not writable by the agent")
    ]


def check_sudo(guard_account: str) -> tuple[list[Finding], Path | None]:
    """What `sudo -n -l` admits, and the planlint path of the guard rule (None when there is none)."""
    sudo = shutil.which("sudo")
    if sudo is None:
        return [
            Finding("warn", "sudo is not installed: the agent cannot reach guard through the boundary")
        ], None
    proc = subprocess.run([sudo, "-n", "-l"], capture_output=True, text=True, check=False)
    text = proc.stdout
    rules = [line.strip() for line in text.splitlines() if line.startswith((" ", "\t")) and "(" in line]
    found: list[Finding] = []
    guard_path: Path | None = None
    for rule in rules:
        runas, _, command = rule.partition(")")
        command = command.replace("NOPASSWD:", "").strip()
        words = command.split()
        if runas.strip("( ") == guard_account and words[1:] == ["guard", "*"]:
            guard_path = Path(words[0])
            found.append(Finding("ok", f"sudo admits only `{command}` as {guard_account}"))
        else:
            found.append(Finding("EXPOSED", f"sudo also admits `{rule}`"))
    if guard_path is None:
        found.append(
            Finding("warn", f"sudo has no `planlint guard *` rule for {guard_account} for this account")
        )
    return found, guard_path
