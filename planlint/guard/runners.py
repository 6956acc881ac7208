"""`make destroy`, `just apply`, `task deploy`, `npm run cdk -- destroy`, `yarn deploy`: judged by their recipe.

The launcher style `package-script` (rules/commands/launchers.yaml) lands here. The runner's recipe file is
found as the runner finds it (rules/commands/runners.yaml: file names, `-C DIR`, `-f FILE`), its recipe text
read by planlint/guard/recipes.py, and that text judged as a shell script, recursively. When the recipe
cannot be read (no file, no such target, a format planlint cannot follow) the command is refused if its
words or the recipe file point at infrastructure, and left alone otherwise (`make test` without a
Makefile fails by itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from planlint.guard.files import change_directory
from planlint.guard.shell import SimpleCommand
from planlint.guard.shellwords import is_dynamic, mentions_iac, tool_basename

if TYPE_CHECKING:
    from planlint.guard.launcher import Call

SCRIPT_WORDS = r"(?i)deploy|destroy|teardown|nuke|apply|delete|drop|migrate|release|provision|infra"
_LIFECYCLE = {
    "start": "start",
    "test": "test",
    "t": "test",
    "tst": "test",
    "stop": "stop",
    "restart": "restart",
}


@dataclass(frozen=True, slots=True)
class Runner:
    """One entry of rules/commands/runners.yaml."""

    names: tuple[str, ...]
    format: str
    files: tuple[str, ...]
    directory_options: frozenset[str]
    file_options: frozenset[str]
    options_with_value: frozenset[str]


@lru_cache(maxsize=1)
def runners() -> dict[str, Runner]:
    """Program name → its runner entry."""
    from planlint.guard.tables import load_table

    table: dict[str, Runner] = {}
    for e in load_table("runners")["runners"]:
        runner = Runner(tuple(e["names"]), e["format"], tuple(e["files"]), frozenset(e["directory_options"]),
                        frozenset(e["file_options"]), frozenset(e["options_with_value"]))  # fmt: skip
        for name in runner.names:
            table[name] = runner
    return table


def package_script(call: Call) -> None:
    """Judge what a task runner's recipe runs; refuse an unreadable one that points at infrastructure."""
    from planlint.guard.recipes import find_file, recipe_text

    launcher, words, start, acc, depth, via, env = call
    acc.commands.append(
        SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file, cwd=acc.cwd)
    )
    program = tool_basename(words[0])
    runner = runners().get(program)
    if runner is None:  # mage, invoke, rake: recipes are code planlint does not read
        _unreadable(acc, program, words[start:], "")
        return
    directory, explicit, names, args = _read_options(words, start, runner, launcher.options_with_value)
    if runner.format == "package-json":
        sub = words[start - 1] if start > 1 else ""
        if sub in _LIFECYCLE:  # `npm test -- --watch`
            names, args = [_LIFECYCLE[sub]], [*names, *args]
        if not names:
            return  # `npm run` alone lists the scripts
    where = acc.cwd if directory is None else _join(acc.cwd, directory)
    recipe = recipe_text(runner.format, find_file(runner.files, where, explicit), names, args)
    if recipe.text is not None:  # recipes run in the directory the runner read them from
        saved, acc.cwd = acc.cwd, where
        acc.parse_file(recipe.text, depth + 1, via)
        acc.cwd = saved
        return
    if runner.format == "package-json" and program in ("yarn", "pnpm", "bun"):
        acc.peel([*names, *args], depth, via, env)  # `yarn cdk destroy` runs the package's `cdk` binary
        return
    _unreadable(acc, program, [*names, *args], recipe.problem, recipe.file_text)


def _unreadable(acc: object, program: str, words: list[str], problem: str, file_text: str = "") -> None:
    from planlint.guard.shell import Reader

    assert isinstance(acc, Reader)
    text = " ".join(words)
    if mentions_iac(text) or re.search(SCRIPT_WORDS, text) or is_dynamic(text) or mentions_iac(file_text):
        why = f": {problem}" if problem else ""
        acc.unverifiable.append(f"`{program} {text}` runs a recipe planlint cannot read{why}")


def _read_options(
    words: list[str], start: int, runner: Runner, launcher_options: frozenset[str]
) -> tuple[str | None, str | None, list[str], list[str]]:
    """(directory, recipe file, recipe names, their arguments) from a runner's words after `start`."""
    directory: str | None = None
    explicit: str | None = None
    names: list[str] = []
    args: list[str] = []
    i = start
    while i < len(words):
        word = words[i]
        option, eq, value = word.partition("=")
        takes = runner.directory_options | runner.file_options | runner.options_with_value | launcher_options
        if word == "--":
            args += words[i + 1 :]
            break
        if option in runner.directory_options | runner.file_options and option.startswith("-"):
            given = value if eq else (words[i + 1] if i + 1 < len(words) else "")
            if option in runner.directory_options:
                directory = given if directory is None else _join(directory, given)
            else:
                explicit = given
            i += 1 if eq or (len(option) == 2 and len(word) > 2) else 2
            continue
        if len(word) > 2 and word[:2] in runner.directory_options and not word.startswith("--"):
            directory = word[2:]  # `make -Cinfra`
        elif word.startswith("-"):
            i += 2 if word in takes else 1
            continue
        elif "=" in word and re.match(r"^[A-Za-z_][\w.-]*=", word):
            args.append(word)  # `make apply TF=tofu`: a variable for the recipe
        elif not names or runner.format in ("makefile", "justfile", "taskfile"):
            names.append(word)
        else:
            args.append(word)
        i += 1
    return directory, explicit, names, args


def _join(cwd: str, directory: str) -> str:
    return change_directory(cwd, directory, computed=is_dynamic(directory))
