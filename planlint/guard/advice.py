"""How the hook tells an agent to run a command through guard, in the form that works where it runs.

Under the account boundary (`planlint guard setup`, planlint/boundary/deploy.py) the agent may only run
`sudo -n -u ACCOUNT PLANLINT guard …`: a bare `planlint guard --` would run as the agent, without the
cloud credentials guard holds. The deployment is taken from `planlint hook --guard-account NAME` when the
hook was installed with it, else detected: the guard account (default `planlint`) exists in the password
database and this process is not running as it. Only the wording of a refusal depends on it.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache

DEFAULT_ACCOUNT = "planlint"  # planlint.boundary.deploy.Deployment.account
# The sudoers rule's secure_path (planlint/boundary/deploy.py SECURE_PATH; a test keeps them equal).
SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_configured: list[str] = []  # set once by `planlint hook --guard-account`; empty: detect


def configure(account: str | None) -> None:
    """Use `account` ("none": no deployment) instead of detecting one; called by `planlint hook`."""
    _configured[:] = [] if account is None else [account]
    guard_prefix.cache_clear()


@lru_cache(maxsize=1)
def guard_prefix() -> str:
    """`planlint guard`, or `sudo -n -u ACCOUNT PLANLINT guard` under the account boundary."""
    account = _configured[0] if _configured else _detected()
    if not account or account == "none":
        return "planlint guard"
    return f"sudo -n -u {account} {_sudo_program()} guard"


def guard_form(command: str) -> str:
    """The whole command an agent should run instead, in backticks: `` `PREFIX -- COMMAND` ``."""
    return f"`{guard_prefix()} -- {command}`"


def _detected() -> str:
    import pwd

    try:
        entry = pwd.getpwnam(DEFAULT_ACCOUNT)
    except KeyError:
        return ""
    return "" if entry.pw_uid == os.getuid() else DEFAULT_ACCOUNT


def _sudo_program() -> str:
    """`planlint` when sudo's secure_path finds the installed one, else its absolute path (what sudoers names)."""
    from pathlib import Path  # only when a refusal is worded: not on every hook call

    installed = Path(sys.executable).parent / "planlint"
    if not installed.is_file():
        return "planlint"
    real = os.path.realpath(installed)
    for directory in SECURE_PATH.split(":"):
        candidate = Path(directory) / "planlint"
        if candidate.is_file() and os.path.realpath(candidate) == real:
            return "planlint"
    return str(installed)
