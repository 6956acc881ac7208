"""git as `planlint guard` runs it: settings that cannot start a program, an environment the caller did not set.

Guard reads the checkout it runs in (the commit and origin bound into an approval's scope, the head of a
pull request's merge commit) with its own account's credentials, in a working tree the agent can write.
Read-only questions (`rev-parse HEAD`, `config --get`) start nothing today, but a repository's settings and
hooks are the agent's: every call goes through here, with command-line settings (git's highest precedence)
that switch off everything that could run a program (fsmonitor, hooks, pager, external diff, credential
helpers, any transport), and with the environment guard gives the tools it starts (planlint/guard/envvars.py
`guard_environment`: no GIT_DIR, GIT_CONFIG_*, GIT_SSH_COMMAND, …).

Filter and diff drivers (`filter.<driver>.clean`, `diff.<driver>.textconv`) are named by the repository and
cannot be switched off by name: only ask questions that never convert file content (rev-parse, config --get).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# git-config(1): an empty credential.helper clears the list; protocol.allow=never refuses every transport.
NO_PROGRAMS = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=",
               "credential.helper=", "core.alternateRefsCommand=", "protocol.allow=never")  # fmt: skip
GIT_TIMEOUT_SECONDS = 30


def trusted_git_argv(directory: Path, *args: str) -> list[str]:
    """`git -c …(NO_PROGRAMS) -C DIRECTORY ARGS`."""
    settings = [word for setting in NO_PROGRAMS for word in ("-c", setting)]
    return ["git", *settings, "-C", str(directory), *args]


def trusted_git_environment() -> dict[str, str]:
    """Guard's environment without the variables that choose programs or repositories, paging off."""
    from planlint.guard.envvars import guard_environment

    kept, _removed = guard_environment(os.environ)
    return {**kept, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"}


def git_output(directory: Path, *args: str) -> str | None:
    """The stripped output of a read-only `git ARGS` in `directory`, or None when git fails or prints nothing."""
    try:
        proc = subprocess.run(trusted_git_argv(directory, *args), env=trusted_git_environment(),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None
