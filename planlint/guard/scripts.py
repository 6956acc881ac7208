"""Launcher styles that run files and code: shells (`bash -c`, `bash x.sh`, `bash < x.sh`), `source`, and
interpreters (`python -c`, `python x.py`, `node -e`, `echo CODE | python3`).

A script's text is judged as a shell program, recursively (planlint/guard/shell.py `Reader.parse_file`);
interpreter code by planlint/guard/code.py. A file planlint cannot read is refused.
"""

from __future__ import annotations

from planlint.guard.launcher import launchers, skip_options
from planlint.guard.shell import SimpleCommand
from planlint.guard.shell_text import STDIN_COMPUTED
from planlint.guard.shellwords import is_dynamic, tool_basename

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from planlint.guard.launcher import Call
    from planlint.guard.shell import Reader


def shell_style(call: Call) -> None:
    launcher, words, _start, acc, depth, via, env = call
    i = 1
    if tool_basename(words[0]) == "busybox":
        if len(words) < 2 or words[1] not in launchers() or launchers()[words[1]][0].runs != "shell":
            acc.peel(words[1:], depth, via, env)
            return
        i = 2
    while i < len(words):
        word = words[i]
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            acc.parse_into(words[i + 1] if i + 1 < len(words) else "", depth + 1, via)
            return
        if word in ("-s", "--"):
            break
        if word.startswith(("-", "+")):
            i += 2 if word in launcher.options_with_value else 1
            continue
        run_script(acc, word, depth, via, tool_basename(words[0]))  # `bash x.sh`: its text is judged
        return
    read_stdin(acc, depth, via, "a shell")


def run_script(acc: Reader, path: str, depth: int, via: tuple[str, ...], who: str) -> None:
    """`bash x.sh`, `source x.sh`: judge the script's text; refuse one planlint cannot read."""
    from planlint.guard.files import read_text

    found = read_text(path, acc.cwd)
    if found.text is None:
        acc.unverifiable.append(f"{who} runs the script {found.shown}, which planlint cannot read")
    else:
        acc.parse_file(found.text, depth + 1, via)


def read_stdin(acc: Reader, depth: int, via: tuple[str, ...], who: str) -> None:
    """A shell reading its program from standard input: read a literal text, refuse a computed one."""
    if acc.stdin == STDIN_COMPUTED:
        acc.unverifiable.append(f"{who} reads its commands from input computed at run time")
    elif acc.stdin:
        acc.parse_into(acc.stdin, depth + 1, via)


def code_style(call: Call) -> None:
    """`python3 -c CODE`, `node x.js`, `echo CODE | python3`: the code is read by planlint/guard/code.py."""
    from planlint.guard.code import judge_code  # only lines that run an interpreter need it

    launcher, words, start, acc, depth, via, env = call
    name = tool_basename(words[0])
    acc.commands.append(
        SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file, cwd=acc.cwd)
    )
    from planlint.guard.destructive import program_argv

    program = program_argv(words)
    if program[0] != words[0]:  # `python3 -m awscli ssm send-command …`: read as the `aws` command it is
        acc.peel(list(program), depth, via, env)
        return
    codes = [words[i + 1] for i, w in enumerate(words[1:-1], start=1) if w in launcher.code_options]
    if launcher.code_in_args:
        codes.append(" ".join(words[1:]))
    at = skip_options(words, start, launcher)
    script = words[at] if at < len(words) and not codes and not launcher.code_in_args else None
    if script in (None, "-") and not codes and acc.stdin is not None:
        codes.append(acc.stdin)  # `echo '…' | python3`: the program is its standard input
    for code in codes:
        if code == STDIN_COMPUTED:
            acc.unverifiable.append(f"{name} reads its program from input computed at run time")
        else:
            judge_code(acc, name, code, depth=depth, via=via, origin="code")
    if script not in (None, "-") and depth < 8:
        _code_file(acc, name, words[at - 1 : at + 1], depth=depth, via=via)


def _code_file(acc: Reader, name: str, words: list[str], *, depth: int, via: tuple[str, ...]) -> None:
    """`python x.py`, `python -m tools.deploy`, `node x.js`: the file it runs (`words`: the word before it
    and its name), judged like inline code."""
    from planlint.guard.code import judge_code
    from planlint.guard.files import read_text

    path = words[-1]
    if words[0] == "-m":  # `python -m pkg.mod`: a module of the working directory, else an installed one
        module = path.replace(".", "/")
        found = read_text(f"{module}.py", acc.cwd)
        if found.problem == "missing":
            found = read_text(f"{module}/__main__.py", acc.cwd)
        if found.text is None:
            return
    else:
        found = read_text(path, acc.cwd)
    if found.text is None:
        acc.unverifiable.append(f"{name} runs {found.shown}, which planlint cannot read")
    else:
        judge_code(acc, name, found.text, depth=depth + 1, via=via, origin=f"script {path}")


def script_style(call: Call) -> None:
    """`source x.sh`, `. x.sh`: the script's text runs in this shell; it is judged."""
    _launcher, words, _start, acc, depth, via, _env = call
    if len(words) < 2:
        acc.unverifiable.append(f"`{words[0]}` without a file reads commands planlint cannot see")
        return
    if acc.in_file and is_dynamic(words[1]):
        return  # `. "$(dirname "$0")/h"` in a file that names no infrastructure tool: tolerated like a computed
        # program name there (planlint/guard/shell.py); what the file runs literally is still judged
    run_script(acc, words[1], depth, via, f"`{words[0]}`")
