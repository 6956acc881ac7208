"""`git …` on a line: what git itself would run, judged before the line runs.

git runs programs the agent can write: hook scripts (`.git/hooks/pre-commit`, or under core.hooksPath),
`!` aliases, and settings whose value is a command (core.pager, core.fsmonitor, filter drivers, …; see
rules/commands/git.yaml). The launcher style `git` (rules/commands/launchers.yaml) lands here:

1. the line's own settings (`git -c KEY=VALUE`, `--config-env`) are judged by their value;
2. a line that writes a setting (`git config alias.st '!…'`, `git config core.hooksPath DIR`) is judged by
   what it writes, and nothing else: reading or removing settings stays quiet;
3. any other subcommand asks real git (planlint/guard/git_repo.py) for the settings it reads and its hooks
   directory, then judges the hooks that subcommand runs (githooks(5), from the table), every runnable
   setting, the alias it invokes, and options of the subcommand that hold shell text (`rebase --exec`).

A hook or value is judged like a script the line runs: destructive → denied, naming the hook file or the
setting and the file it is set in; unreadable, binary or computed → refused as unverifiable. If git cannot
answer, the line is refused: unknown is asked about, not passed. `*.sample` hooks are not hooks.
"""

from __future__ import annotations

import os

from planlint.guard.git_settings import git_table, judge_setting, named, run_text
from planlint.guard.shell import SimpleCommand
from planlint.guard.shellwords import is_dynamic

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from planlint.guard.git_repo import RepoView, Setting
    from planlint.guard.launcher import Call
    from planlint.guard.shell import Reader

# Global options the queries need to see: they change which repository and settings git uses.
_PASSED_ON = frozenset(("-c", "--git-dir", "--work-tree", "--config-env", "--namespace"))
_QUIET = frozenset(("help", "version"))
_ENV_READ = ("GIT_", "HOME", "XDG_CONFIG_HOME")  # variables that change which settings git reads


class GitLine:
    """One git invocation read: its global options as passed to the queries, directory, subcommand."""

    __slots__ = ("cwd", "earlier", "env", "options", "rest", "settings", "sub")

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.options: list[str] = []
        self.settings: list[tuple[str, str]] = []
        self.env: dict[str, str] = {}
        self.sub = ""
        self.rest: list[str] = []
        self.earlier: tuple[SimpleCommand, ...] = ()  # the commands of the line before this git


def git_style(call: Call) -> None:
    """Judge what `git …` runs besides itself (see the module docstring)."""
    launcher, words, _start, acc, depth, via, env = call
    acc.commands.append(
        SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file, cwd=acc.cwd)
    )
    line = _read_options(words, launcher.options_with_value, acc, env)
    if line is None:
        return
    line.earlier = tuple(acc.commands[:-1])
    for key, value in line.settings:
        before = len(acc.unverifiable)
        judge_setting(key, value, acc, depth + 1, (*via, f"git setting {key}, which the line sets"))
        named(acc, before, f"git's {key}, which the line sets")
    if not line.sub or line.sub in _QUIET:
        return
    if line.sub == "config":
        from planlint.guard.git_writes import judge_config_write

        judge_config_write(line, acc, depth, via)
        return
    _options_that_run(line, acc, depth, via)
    repo = ask(line, acc)
    if repo is not None:
        _judge_repo(line, repo, acc, depth, via)


def _read_options(words: list[str], with_value: frozenset[str], acc: Reader, env: tuple[tuple[str, str], ...]
                  ) -> GitLine | None:  # fmt: skip
    """The global options before the subcommand; None when the line runs no subcommand (`git --version`)."""
    from planlint.guard.files import change_directory

    line = GitLine(acc.cwd)
    line.env = {**{k: v for k, v in acc.exported.items() if k.startswith(_ENV_READ)}, **dict(env)}
    i = 1
    while i < len(words) and words[i].startswith("-"):
        word = words[i]
        name, eq, value = word.partition("=")
        if word in with_value:
            value, i = (words[i + 1] if i + 1 < len(words) else ""), i + 2
        elif eq and name in with_value | {"--exec-path"}:
            i += 1
        else:
            name, i = word, i + 1
            if word == "--bare":
                line.options.append(word)
            continue
        if name == "-C":
            line.cwd = change_directory(line.cwd, value, computed=is_dynamic(value))
        elif name == "--exec-path":
            acc.unverifiable.append(f"`git --exec-path={value}` runs git's own commands from that directory")
        elif name in _PASSED_ON:
            line.options += [name, value]
            if name == "-c":
                key, _, setting = value.partition("=")
                line.settings.append((key, setting))
            elif name == "--config-env":
                key, _, variable = value.partition("=")
                line.settings.append((key, line.env.get(variable, f"${variable}")))
    if i >= len(words):
        return None
    line.sub, line.rest = words[i], words[i + 1 :]
    return line


def ask(line: GitLine, acc: Reader) -> RepoView | None:
    """Git's answer for this invocation, or None (with the reason refused) when it cannot be had."""
    from planlint.guard.files import UNKNOWN_DIR
    from planlint.guard.git_repo import ask_git

    computed = [
        k for k, v in line.env.items() if k.startswith(_ENV_READ) and (is_dynamic(v) or v.startswith("$"))
    ]
    computed += [o for o in line.options if is_dynamic(o)]
    if computed:
        acc.unverifiable.append(f"git {line.sub}: {computed[0]} is computed at run time, so planlint cannot ask "
                                "git which settings and hooks it would use")  # fmt: skip
        return None
    cwd = line.cwd
    if cwd == UNKNOWN_DIR:
        if not acc.in_file:
            acc.unverifiable.append(f"git {line.sub} runs in a directory only known at run time, so its hooks "
                                    "and settings cannot be read")  # fmt: skip
            return None
        cwd = "."  # a script that names no infrastructure tool: its own directory, as well as can be told
    cwd = os.path.abspath(cwd)
    while not os.path.isdir(cwd) and os.path.dirname(cwd) != cwd:  # `mkdir x && cd x && git init`: git there
        cwd = os.path.dirname(cwd)  # finds the repository around it, as from its nearest existing parent
    env = {k: v for k, v in line.env.items() if not (is_dynamic(v) or v.startswith("$"))}
    repo = ask_git(line.options, cwd, env)
    if repo.problem:
        acc.unverifiable.append(f"git {line.sub}: {repo.problem}")
        return None
    return repo


def _judge_repo(line: GitLine, repo: RepoView, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """The alias the line invokes, the hooks its subcommand runs, and every runnable setting git reads."""
    table = git_table()
    sub = line.sub
    known = sub in table.subcommands and not is_dynamic(sub)
    saved, acc.cwd = acc.cwd, repo.top or acc.cwd  # hooks and `!` aliases run at the working tree's top
    touched = _hooks_touched(line, repo)
    if touched:
        acc.unverifiable.append(f"`{touched}` changes git's hooks before `git {sub}` runs them, and planlint reads "
                                "hooks as they are before the line runs: change them on a line of their own")  # fmt: skip
    try:
        if sub in ("clone", "init"):
            _new_repository_options(sub, line.rest, acc, depth, via)
        aliased = not known and _alias(line, repo, acc, depth, via)
        names = table.subcommands[sub].hooks if known else frozenset() if aliased else None
        if repo.hooks_dir:
            judge_hooks(repo.hooks_dir, names, acc, depth, via)
        for setting in repo.settings:
            if setting.key.startswith("alias.") or _set_by_line(line, setting):
                continue
            before = len(acc.unverifiable)
            label = f"git setting {setting.key} ({setting.origin})"
            kind = judge_setting(setting.key, setting.value, acc, depth + 1, (*via, label), as_file=True)
            if sub in ("clone", "init"):
                _new_repository(kind, setting.value, acc, depth, via)
            named(acc, before, f"the {label}")
    finally:
        acc.cwd = saved


def _hooks_touched(line: GitLine, repo: RepoView) -> str:
    """An earlier command of the line that names a file of the hooks directory (`chmod +x .git/hooks/x`,
    `cp x .git/hooks/pre-commit`, `tee …`; with a hook framework, of the directory its scripts are in): its
    words, or "". What a redirection writes is not seen (`echo … > .git/hooks/x` without a chmod)."""
    from planlint.guard.files import UNKNOWN_DIR

    if repo.hooks_dir is None:
        return ""
    watched = [repo.hooks_dir]
    if os.path.basename(repo.hooks_dir) in git_table().hook_scripts:  # husky: .husky/_ runs .husky/NAME
        watched.append(os.path.dirname(repo.hooks_dir))
    for command in line.earlier:
        if command.cwd == UNKNOWN_DIR:
            continue
        for word in command.argv[1:]:
            target = word.split("=", 1)[-1]  # `dd of=.git/hooks/x`, `--target-directory=…`
            if not target or target.startswith("-") or is_dynamic(target):
                continue
            path = os.path.normpath(os.path.join(os.path.abspath(command.cwd), os.path.expanduser(target)))
            if any(path == w or path.startswith(w + os.sep) for w in watched):
                return " ".join(command.argv)
    return ""


def _set_by_line(line: GitLine, setting: Setting) -> bool:
    """A setting of the line's own `-c` or GIT_CONFIG_* (git reports them as `command line:`): judged where
    the line sets it. One already in the agent's environment is judged with the repository's."""
    if setting.origin != "command line:":
        return False
    return setting.key.lower() in {k.lower() for k, _ in line.settings} or any(
        name.startswith("GIT_CONFIG") for name in line.env
    )


def _new_repository(kind: str | None, value: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """`git clone`/`git init` give the new repository the template's hooks, or the core.hooksPath of the
    user's settings; clone then runs its post-checkout."""
    directory = os.path.expanduser(value)
    if kind == "template":
        judge_hooks(os.path.join(directory, "hooks"), None, acc, depth, via)
    elif kind == "hooks" and os.path.isabs(directory):
        judge_hooks(directory, None, acc, depth, via)


def _new_repository_options(sub: str, rest: list[str], acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """`git clone|init --template=DIR` copies DIR/hooks into the new repository, and `git clone --config
    core.hooksPath=DIR` (`-c`) points it at DIR: clone then runs their post-checkout
    (git-scm.com/docs/git-clone#Documentation/git-clone.txt---templatelttemplate-directorygt)."""
    options = ("--template", "--config", "-c") if sub == "clone" else ("--template",)
    for i, word in enumerate(rest):
        option, value = _option_of(word, options)
        if option is None:
            continue
        if value is None:
            value = rest[i + 1] if i + 1 < len(rest) else ""
        if option == "--template":
            _new_repository("template", value, acc, depth, via)
            continue
        key, _, directory = value.partition("=")
        if key.lower() != "core.hookspath":
            continue
        if os.path.isabs(os.path.expanduser(directory)):
            judge_hooks(os.path.expanduser(directory), None, acc, depth, via)
        else:  # relative to the new clone: its hooks come from what the clone checks out
            acc.unverifiable.append(
                f"`git clone {word}` takes hooks from the clone's own files, unread before it runs"
            )


def _alias(line: GitLine, repo: RepoView, acc: Reader, depth: int, via: tuple[str, ...]) -> bool:
    """`git st`: the alias git expands it to (the last setting wins); every alias when the name is computed.
    True when the subcommand is an alias (its expansion, not the subcommand, decides the hooks)."""
    import shlex

    wanted = None if is_dynamic(line.sub) else f"alias.{line.sub.lower()}"
    values = [
        s for s in repo.settings if s.key.lower() == wanted or (wanted is None and s.key.startswith("alias."))
    ]
    for setting in values[-1:] if wanted else values:
        label = f"git setting {setting.key} ({setting.origin})"
        before = len(acc.unverifiable)
        if setting.value.startswith("!"):  # git runs `sh -c 'TEXT "$@"'` with the line's arguments
            if _set_by_line(line, setting):
                continue
            text = " ".join([setting.value[1:], *map(shlex.quote, line.rest)])
            run_text(text, acc, depth + 1, (*via, label), as_file=True)
        else:
            try:
                expansion = shlex.split(setting.value)
            except ValueError:
                acc.unverifiable.append("planlint cannot split the alias's words")
                expansion = []
            if expansion:
                acc.peel(["git", *line.options, *expansion, *line.rest], depth + 1, via, ())
        named(acc, before, f"the {label}")
    return bool(values) and wanted is not None


def judge_hooks(directory: str, names: frozenset[str] | None, acc: Reader, depth: int, via: tuple[str, ...]
                ) -> None:  # fmt: skip
    """Judge the hook files in `directory` that git would run (`names`; None: every hook there)."""
    try:
        present = sorted(os.listdir(directory))
    except OSError:
        return  # no hooks directory: git runs no hooks
    companions = git_table().hook_scripts.get(os.path.basename(os.path.normpath(directory)), ())
    for name in present:
        if name.endswith(".sample") or name.startswith(".") or (names is not None and name not in names):
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            continue
        judge_hook(path, acc, depth, via)
        for script in companions:  # husky 9: .husky/_/pre-commit runs .husky/pre-commit
            companion = os.path.normpath(os.path.join(directory, script.replace("{hook}", name)))
            if os.path.isfile(companion):
                judge_hook(companion, acc, depth, via)


def judge_hook(path: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """One hook file, read like a program the line runs by path (its `#!` line decides who reads it; git
    hands a file without one to /bin/sh). A binary or unreadable hook is refused."""
    from planlint.guard.files import read_text, shebang

    found = read_text(path)
    label = f"git hook {path}"
    if found.text is None:
        acc.unverifiable.append(f"the {label} cannot be read ({found.problem}), so what git runs is unknown")
        return
    before = len(acc.unverifiable)
    interpreter = shebang(found.text)
    if interpreter:
        acc.peel([*interpreter, path], depth + 1, (*via, label), ())
    else:
        acc.parse_file(found.text, depth + 1, (*via, label))
    named(acc, before, f"the {label}")


def _options_that_run(line: GitLine, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """`git rebase --exec CMD`, `git bisect run CMD…`, `git submodule foreach TEXT`: shell text the subcommand
    runs, from the table's `options`, `command_after` and `text_after`."""
    rest = line.rest
    for word in rest:  # git-remote-ext: `ext::CMD ARG…` runs CMD when protocol.ext.allow lets it
        if word.startswith("ext::"):
            acc.peel(_ext_argv(word[5:]), depth + 1, (*via, f"git {line.sub} ext::"), ())
    entry = git_table().subcommands.get(line.sub)
    if entry is None:
        return
    for i, word in enumerate(rest):
        option, value = _option_of(word, entry.options)
        if option is None:
            continue
        if value is None and i + 1 < len(rest):
            run_text(rest[i + 1], acc, depth + 1, (*via, f"git {line.sub} {option}"))
        elif value is not None:
            run_text(value, acc, depth + 1, (*via, f"git {line.sub} {option}"))
    marker = entry.command_after or entry.text_after
    if marker and marker in rest:
        after = rest[rest.index(marker) + 1 :]
        while entry.text_after and after and after[0].startswith("-"):  # `foreach --recursive TEXT`
            after = after[1:]
        if entry.command_after:
            acc.peel(after, depth + 1, (*via, f"git {line.sub} {marker}"), ())
        elif after:
            run_text(" ".join(after), acc, depth + 1, (*via, f"git {line.sub} {marker}"))


def _option_of(word: str, options: frozenset[str] | tuple[str, ...]) -> tuple[str | None, str | None]:
    """(the option of `options` that `word` gives, its value when glued to it, else None), as git's
    parse-options reads them (git-scm.com/docs/gitcli): `--exec=CMD`, a long option shortened to a prefix
    (`--exe CMD`, `--upload=CMD`), a short option with its value glued (`-xCMD`), also after flags bundled
    in front of it (`-ixCMD`). (None, None) when `word` gives none of them."""
    if word in options:
        return word, None
    name, eq, value = word.partition("=")
    if name.startswith("--") and len(name) > 2:
        found = next((o for o in sorted(options) if o.startswith("--") and o.startswith(name)), None)
        return (found, value if eq else None) if found else (None, None)
    if word.startswith("-") and not word.startswith("--") and len(word) > 2:
        for at in range(1, len(word)):
            if f"-{word[at]}" in options:
                return f"-{word[at]}", word[at + 1 :] or None
    return None, None


def _ext_argv(text: str) -> list[str]:
    """The argv of a `git-remote-ext` URL's command (git-scm.com/docs/git-remote-ext): arguments split at
    spaces; `% ` is a space inside an argument and `%%` a percent sign."""
    argv: list[str] = []
    current = ""
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in ("% ", "%%"):
            current += pair[1]
            i += 2
            continue
        if text[i] == " ":
            if current:
                argv.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    return [*argv, current] if current else argv
