"""`git config KEY VALUE`: a line that writes a git setting is judged by the value it writes.

`git config alias.st '!terraform destroy'` runs nothing today and `terraform destroy` at the next `git st`;
`git config core.hooksPath ./h` makes every later commit run the hooks in ./h. The value is judged as what it
will run (rules/commands/git.yaml): shell text and programs as commands; a hooks or template directory by
every hook in it; an include file by the settings in it, as git itself lists them (`git config --file F
--includes --list`). Reading, unsetting and renaming settings start nothing and stay quiet.
"""

from __future__ import annotations

from pathlib import Path

from planlint.guard.git_settings import judge_setting, named
from planlint.guard.shellwords import is_dynamic

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence

    from planlint.guard.git_line import GitLine
    from planlint.guard.shell import Reader

# `git config` forms that only read or remove settings (git-config(1), both the option and the subcommand
# spellings): they start nothing new.
_READS = frozenset(("--get", "--get-all", "--get-regexp", "--get-urlmatch", "--unset", "--unset-all", "--list",
                    "-l", "--remove-section", "--rename-section", "--get-color", "--get-colorbool", "--edit",
                    "-e", "get", "list", "unset", "rename-section", "remove-section", "edit"))  # fmt: skip
_WITH_VALUE = frozenset(("-f", "--file", "--blob", "--type", "--default", "--comment", "--value", "--url"))


def judge_config_write(line: GitLine, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Judge `git [OPTIONS] config ARGS…` by the setting it writes, if it writes one."""
    args: Sequence[str] = line.rest
    positional: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word in _READS:
            return
        if word in _WITH_VALUE:
            i += 2
            continue
        if not word.startswith("-") or word == "-":
            positional.append(word)
        i += 1
    if positional[:1] == ["set"]:  # git 2.46: `git config set KEY VALUE`
        positional = positional[1:]
    if len(positional) < 2:
        return
    key, value = positional[0], positional[1]
    label = f"git setting {key}, which the line writes"
    before = len(acc.unverifiable)
    if is_dynamic(key) or is_dynamic(value):
        acc.unverifiable.append(f"the line writes a git setting whose {'key' if is_dynamic(key) else 'value'} is "
                                "computed at run time")  # fmt: skip
        return
    kind = judge_setting(key, value, acc, depth + 1, (*via, label))
    if kind in ("hooks", "template", "include"):
        _judge_path(kind, value, line, acc, depth=depth, via=(*via, label))
    named(acc, before, f"the setting the line writes ({key})")


def _judge_path(
    kind: str, value: str, line: GitLine, acc: Reader, *, depth: int, via: tuple[str, ...]
) -> None:
    """A hooks or template directory: every hook in it; an include file: its settings, as git lists them."""
    from planlint.guard.files import UNKNOWN_DIR
    from planlint.guard.git_line import judge_hooks
    from planlint.guard.git_repo import ask_git

    path = Path(value).expanduser()
    here = str(Path("." if line.cwd == UNKNOWN_DIR else line.cwd).resolve())
    if not path.is_absolute():
        repo = ask_git(line.options, here, line.env)  # hooks paths are relative to the working tree's top
        if line.cwd == UNKNOWN_DIR or kind == "include" or repo.top is None:
            acc.unverifiable.append(f"planlint cannot tell which file or directory {value!r} names")
            return
        path = Path(repo.top, path)
    if kind != "include":
        judge_hooks(str(path / "hooks" if kind == "template" else path), None, acc, depth, via)
        return
    if not path.is_file():
        return  # nothing to include yet: a later git line reads it, through git's own listing
    listed = ask_git([], here, line.env, file=str(path))
    if listed.problem:
        acc.unverifiable.append(listed.problem)
    for setting in listed.settings:
        before = len(acc.unverifiable)
        sub_kind = judge_setting(
            setting.key, setting.value, acc, depth + 1, (*via, setting.key), as_file=True
        )
        if sub_kind in ("hooks", "template"):
            _judge_path(sub_kind, setting.value, line, acc, depth=depth, via=via)
        named(acc, before, f"{setting.key} in {setting.origin}")
