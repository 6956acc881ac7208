"""Ask real git what a git command line would run: the settings it reads and where its hooks are.

planlint does not parse git's configuration itself: git answers for every scope (system, global,
$XDG_CONFIG_HOME, local, worktree), follows include.path and includeIf, core.hooksPath and linked
worktrees, exactly as the command the agent runs would. The two questions asked:

- `git [OPTIONS] config --null --list --show-origin`: every setting, with the file it comes from;
- `git [OPTIONS] rev-parse --git-path hooks --is-inside-work-tree --show-cdup`: the hooks directory and the
  working tree's top, where git runs hooks and `!` aliases.

OPTIONS are the line's own global options (`-c`, `--git-dir`, `--work-tree`, `--config-env`, …), the
directory is the line's (`cd`, `-C`), and the environment the agent's plus what the line sets. Neither
question runs a hook, a pager or fsmonitor. When git is missing or fails (other than "not a repository"),
the answer carries the problem, and the caller refuses the line as unverifiable.
"""

from __future__ import annotations

import os

from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

GIT_TIMEOUT_SECONDS = 10


class Setting(NamedTuple):
    """One setting git reports: where it comes from (`file:.git/config`, `command line:`), key, value."""

    origin: str
    key: str
    value: str


class RepoView(NamedTuple):
    """What git reports for one command: its settings and, inside a repository, hooks and top directory."""

    settings: tuple[Setting, ...] = ()
    hooks_dir: str | None = None  # absolute; None outside a repository
    top: str | None = None  # the directory git runs hooks and `!` aliases in
    problem: str = ""  # why git could not answer; the caller refuses the line


def ask_git(options: Sequence[str], cwd: str, env: Mapping[str, str], *, file: str = "") -> RepoView:
    """Git's own answer for `git OPTIONS …` run in `cwd` with `env` added to this process's environment.

    With `file`, only the settings of that file (and the files it includes) are listed.
    """
    full_env = {**os.environ, **env, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    which = ["--file", file, "--includes"] if file else []
    listed = _git([*options, "config", *which, "--null", "--list", "--show-origin"], cwd, full_env)
    if isinstance(listed, str):
        return RepoView(problem=listed)
    settings = _settings(listed)
    if file:
        return RepoView(settings)
    located = _git([*options, "rev-parse", "--git-path", "hooks", "--is-inside-work-tree", "--show-cdup"],
                   cwd, full_env, outside_ok=True)  # fmt: skip
    if isinstance(located, str):
        return RepoView(settings, problem=located)
    if not located:  # not a repository: no hooks of its own
        return RepoView(settings)
    lines = located.decode("utf-8", errors="surrogateescape").split("\n")
    hooks = os.path.normpath(os.path.join(cwd, lines[0]))
    inside = len(lines) > 1 and lines[1] == "true"
    top = os.path.normpath(os.path.join(cwd, lines[2])) if inside and len(lines) > 2 else cwd
    return RepoView(settings, hooks, top)


def _settings(listed: bytes) -> tuple[Setting, ...]:
    """`--null --list --show-origin` output: ORIGIN NUL KEY LF VALUE NUL, repeated."""
    fields = listed.decode("utf-8", errors="surrogateescape").split("\0")
    found = []
    for origin, entry in zip(fields[0::2], fields[1::2], strict=False):
        key, _, value = entry.partition("\n")
        found.append(Setting(origin, key, value))
    return tuple(found)


def _git(args: list[str], cwd: str, env: Mapping[str, str], *, outside_ok: bool = False) -> bytes | str:
    """git's standard output, or a one-line problem; b"" when `outside_ok` and there is no repository."""
    import subprocess  # only a line that runs git asks it

    try:
        proc = subprocess.run(["git", *args], cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"planlint could not ask git what it would run ({type(exc).__name__}: {exc})"
    if proc.returncode == 0:
        return proc.stdout
    error = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
    last = error[-1] if error else f"exit code {proc.returncode}"
    if outside_ok and "not a git repository" in last:
        return b""
    return f"git cannot say what it would run (`git {' '.join(args[-6:])}`: {last[:160]})"
