"""`terraform plan -out=FILE` under guard: the saved plan is readable by guard's account only.

A saved plan is a zip that holds the prior state (`tfstate`, `tfstate-prev`), the configuration and the
variables' values, sensitive values in clear (developer.hashicorp.com/terraform/cli/commands/plan#out-filename:
"the saved plan file may contain sensitive values"). Terraform writes it with the process's umask (0644 on
most systems), into the directory the agent owns, where the agent could read every secret in state that
only guard's account can reach. Guard has Terraform write the plan into a private directory and then puts
it where it was asked for as a new file of mode 0600: whatever stood at that path (a file the agent made
world-writable, a symlink) is removed first, and the file is created with O_EXCL | O_NOFOLLOW, so a path
the agent swaps in meanwhile makes guard stop rather than write through it. `guard -- terraform apply FILE`
and `show FILE` then read it as guard. Without the account boundary (guard and the agent one account) this
changes nothing an agent can read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

PLAN_MODE = 0o600


class PlanOutError(Exception):
    """The saved plan could not be put where it was asked for (one line: why)."""


def out_count(words: Sequence[str]) -> int:
    """How many `-out` options `words` holds (Terraform takes the last one: Go's flag package)."""
    return sum(1 for w in words if w.startswith("-") and w.lstrip("-").partition("=")[0] == "out")


def out_option(words: Sequence[str]) -> tuple[int, str] | None:
    """Where `-out` is among `words` (Go flag syntax: `-out=F`, `--out=F`, `-out F`) and its value, or None."""
    for i, word in enumerate(words):
        name, eq, value = word.lstrip("-").partition("=")
        if not word.startswith("-") or name != "out":
            continue
        if eq:
            return i, value
        return (i, words[i + 1]) if i + 1 < len(words) else None
    return None


def run_private_plan(argv: Sequence[str], at: int, target: Path, env: Mapping[str, str], cwd: Path) -> int:
    """Run `argv` (whose word `at` is the `-out` option) with the plan written privately, then install it.

    `target` is where the plan file was asked for (relative paths already resolved against -chdir and
    `cwd`). Returns the tool's exit code; the file is installed only when the tool succeeded.
    Raises PlanOutError when the file cannot be installed as a new 0600 file at `target`.
    """
    private = Path(tempfile.mkdtemp(prefix="planlint-guard-plan-"))  # 0700, guard's own
    try:
        staged = private / "tfplan"
        word = argv[at]
        rewritten = [*argv[:at], f"-out={staged}", *argv[at + (1 if "=" in word else 2) :]]
        done = subprocess.run(rewritten, cwd=cwd, env=dict(env), check=False, umask=0o077)
        if done.returncode == 0 and staged.exists():
            install(staged.read_bytes(), target)
        return done.returncode
    finally:
        shutil.rmtree(private, ignore_errors=True)


def install(data: bytes, target: Path) -> None:
    """Write `data` to `target` as a new regular file of mode 0600 (whatever stood there removed first).

    Raises PlanOutError when `target` is a directory or cannot be created exclusively.
    """
    try:
        if target.is_symlink() or target.exists():
            if target.is_dir() and not target.is_symlink():
                raise PlanOutError(f"{target} is a directory")
            target.unlink()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PLAN_MODE)
    except OSError as exc:
        raise PlanOutError(f"cannot write the saved plan to {target}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), PLAN_MODE)  # the mode argument is masked by umask; this is not
        out.write(data)
