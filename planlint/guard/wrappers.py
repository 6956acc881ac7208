"""Launchers planlint sees through: programs that run a string or their own arguments as a command.

Which programs, and how each finds what it runs, is data: `rules/commands/launchers.yaml` (schema
`planlint/schemas/launchers.schema.json`, each entry with the documentation it comes from). This
module holds one function per `runs:` style and hands the launched command back to the shell reader,
which judges it like any other (recursively, for nested shells).
"""

from __future__ import annotations

import re

from planlint.guard.launcher import Call, launchers, skip_options
from planlint.guard.shell import SimpleCommand
from planlint.guard.shell_text import STDIN_COMPUTED
from planlint.guard.shellwords import is_dynamic, mentions_iac, tool_basename

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from planlint.guard.launcher import Launcher, Style
    from planlint.guard.shell import Env, Reader

__all__ = ["STYLES", "TOOL_NAME", "is_assignment", "launchers", "names_tool", "unwrap"]

_ASSIGNMENT = r"^[A-Za-z_][A-Za-z0-9_]*="  # compiled on first use (re caches it): only words with `=` need it
TOOL_NAME = re.compile(
    r"^(?:terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|aws|gcloud|az|kubectl|helm|planlint)"
    r"(?:[-_]?v?\d[\w.]*)?(?:\.exe)?$",
    re.IGNORECASE,
)
_NPX_PACKAGES = {"aws-cdk": "cdk", "cdktf-cli": "cdktf", "@pulumi/pulumi": "pulumi", "opentofu": "tofu"}


def unwrap(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> bool:
    """Run `words` through its launcher entry when it has one; False when the program is no launcher."""
    entries = launchers().get(tool_basename(words[0]))
    if not entries:
        return False
    for launcher in entries:
        start = 1
        if launcher.subcommands:
            start = skip_options(words, 1, launcher, stop_at_positional=True)
            word = words[start] if start < len(words) else ""
            star = "*" in launcher.subcommands and word and word not in launcher.builtin_subcommands
            if word in launcher.subcommands:
                start += 1
            elif not star:
                continue
        STYLES[launcher.runs](Call(launcher, words, start, acc, depth, (*via, tool_basename(words[0])), env))
        return True
    acc.commands.append(SimpleCommand(tuple(words), env, via=via, writes_file=acc.writes_file))
    return True


def _options(call: Call, start: int) -> int | None:
    """Read string, argv and prefixed options from `start`; None when one of them already ran a command.

    `string-only` launchers (`su - root -c …`) accept their options after positional words too.
    """
    launcher, words, _, acc, depth, via, _ = call
    i = start
    anywhere = launcher.runs == "string-only"
    while i < len(words):
        word = words[i]
        if word == "--" and not anywhere:
            return i + 1
        if not word.startswith("-") or word == "-":
            if not anywhere:
                return i
            i += 1
            continue
        option, attached = _string_option(word, launcher)
        if option is not None:
            if attached is not None:  # `env -S'terraform destroy'`, `env --split=…`: the value is in the word
                text, rest = attached, words[i + 1 :]
            else:
                text, rest = (words[i + 1] if i + 1 < len(words) else ""), words[i + 2 :]
            split = option in ("-S", "--split-string")  # env runs the string with the words after it
            import shlex  # a launcher's string option only: not on a plain line's path

            acc.parse_into(" ".join([text, *map(shlex.quote, rest)]) if split else text, depth + 1, via)
            return None
        if word in launcher.argv_options:
            acc.peel(words[i + 1 :], depth, via, ())
            return None
        if word in launcher.option_prefixes and i + 1 < len(words):
            _prefixed(words[i + 1], launcher.option_prefixes[word], acc, depth, via)
        i += 2 if word in launcher.options_with_value else 1
    return i


def _string_option(word: str, launcher: Launcher) -> tuple[str | None, str | None]:
    """(the string option `word` sets, its value when attached to the word), read the way getopt reads it.

    `-S TEXT`, `--split-string=TEXT`; short bundles `script -qc TEXT` and `env -iSTEXT` (after a string
    option's letter, the rest of the word is its value; after an option that takes a value, the rest is
    that value and no string option follows); and GNU getopt_long's unambiguous prefixes (`--split=TEXT`).
    (None, None) when the word sets no string option.
    """
    name, eq, inline = word.partition("=")
    if word in launcher.string_options:
        return word, None
    if name.startswith("--"):
        longs = [o for o in launcher.string_options if o.startswith(name)] if len(name) > 3 else []
        if name in launcher.string_options or longs:
            return (name if name in launcher.string_options else longs[0]), (inline if eq else None)
        return None, None
    if len(word) < 2 or word[0] != "-":
        return None, None
    for at, letter in enumerate(word[1:], start=2):
        if f"-{letter}" in launcher.string_options:
            return f"-{letter}", (word[at:] or None)
        if f"-{letter}" in launcher.options_with_value:
            return None, None
    return None, None


def _prefixed(value: str, prefixes: tuple[str, ...], acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    for prefix in prefixes:
        head, star, tail = prefix.partition("*")
        match = re.match(re.escape(head) + (r"[^=]*" + re.escape(tail) if star else ""), value, re.IGNORECASE)
        if match:
            acc.parse_into(value[match.end() :], depth + 1, via)


def _argv(call: Call) -> None:
    launcher, words, start, acc, depth, via, env = call
    if any(w in launcher.lookup_options for w in words[1:2]):
        return  # `command -v terraform` only looks the program up
    i = _options(call, start)
    if i is None:
        return
    env_list = list(env)
    while launcher.assignments and i < len(words) and is_assignment(words[i]):
        env_list.append(tuple(words[i].split("=", 1)))  # type: ignore[arg-type]
        i += 1
    i = skip_options(words, i, launcher) + launcher.positional
    after = _options(call, i)  # `flock FILE -c TEXT`, `aws-vault exec P -- …`
    if after is None:
        return
    tail = words[after:] or list(launcher.default_command)
    if not tail:
        if launcher.interactive:
            from planlint.guard.scripts import read_stdin

            read_stdin(acc, depth, via, tool_basename(words[0]))
        return
    before = len(acc.commands)
    acc.peel(tail, depth, via, tuple(env_list))
    if launcher.stdin_args:  # whatever xargs starts gets more arguments from its input at run time
        acc.commands[before:] = [c._replace(stdin_args=True) for c in acc.commands[before:]]


def _after_dashdash(call: Call) -> None:
    _launcher, words, start, acc, depth, via, env = call
    if _options(call, start) is not None and "--" in words[start:]:
        acc.peel(words[words.index("--", start) + 1 :], depth, via, env)


def _string(call: Call) -> None:
    launcher, words, start, acc, depth, via, _env = call
    i = _options(call, start)
    if i is None:
        return
    i = (
        len(words)
        if launcher.runs == "string-only"
        else skip_options(words, i, launcher) + launcher.positional
    )
    positional = [w for w in words[start:] if not w.startswith("-")]
    if launcher.runs == "string" and i < len(words):  # `ssh host psql < drop.sql`: the input goes along
        acc.parse_into(" ".join(words[i:]), depth + 1, via, acc.stdin)
    elif launcher.interactive and len(positional) <= launcher.positional + (tool_basename(words[0]) == "su"):
        from planlint.guard.scripts import read_stdin

        read_stdin(acc, depth, via, tool_basename(words[0]))


def _none(call: Call) -> None:
    _launcher, words, start, acc, _depth, via, env = call
    if _options(call, start) is not None:
        acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file))


def _exec_options(call: Call) -> None:
    launcher, words, _start, acc, depth, via, env = call
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1]))
    i = 1
    while i < len(words):
        if words[i] in launcher.exec_options:
            j = i + 1
            while j < len(words) and words[j] not in (";", "+", "\\;"):
                j += 1
            acc.peel(words[i + 1 : j], depth, via, env)
            i = j
        i += 1


def _container(call: Call) -> None:
    from planlint.guard.containers import container_style  # only lines that run a container need it

    container_style(call)


def _remote(call: Call) -> None:
    from planlint.guard.remote import remote_style  # only cloud CLI lines need it

    remote_style(call)


def _package_exec(call: Call) -> None:
    """`npx aws-cdk deploy` runs `cdk deploy`; `npx eslint` runs the project's node_modules/.bin/eslint
    when there is one (the agent can write it): that file is read like `./x.sh`."""
    launcher, words, start, acc, depth, via, env = call
    i = _options(call, start)
    if i is None or i >= len(words):
        return
    word = words[i]
    package = (word.rsplit("@", 1)[0] or word) if word.startswith("@") else tool_basename(word).split("@")[0]
    program = _NPX_PACKAGES.get(package, package)
    if launcher.local_bin and "/" not in program:
        from planlint.guard.files import UNKNOWN_DIR, resolve

        local = f"./{launcher.local_bin}/{program}"
        if acc.cwd != UNKNOWN_DIR and resolve(local, acc.cwd).exists():
            program = local
    acc.peel([program, *words[i + 1 :]], depth, via, env)


def _copy(call: Call) -> None:
    """`cp "$(command -v terraform)" ./t`, `cat /usr/bin/terraform > t`: a tool's binary under another name."""
    _launcher, words, _start, acc, _depth, via, env = call
    if _options(call, 1) is None:
        return
    files = [w.removeprefix("if=") for w in words[1:] if not w.startswith("-") or w.startswith("if=")]
    copies = tool_basename(words[0]) in ("cp", "ln", "mv", "install", "rsync") or acc.writes_file
    if copies and any(names_tool(w) for w in files):
        acc.unverifiable.append(f"{tool_basename(words[0])} copies an infrastructure tool under another name")
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file))


def is_assignment(word: str) -> bool:
    """`NAME=value`: a variable assignment where bash reads one, in front of a command."""
    return "=" in word and re.match(_ASSIGNMENT, word) is not None


def names_tool(word: str) -> bool:
    """A path to an infrastructure tool's binary, literal or computed (`$(which terraform)`)."""
    return bool(TOOL_NAME.match(tool_basename(word))) or (is_dynamic(word) and mentions_iac(word))


def _alias(call: Call) -> None:
    """`alias tf='terraform destroy'`: the body is judged, and a new name for a tool is refused."""
    _launcher, words, _start, acc, depth, via, _env = call
    for word in words[1:]:
        name, eq, body = word.partition("=")
        if not eq or name.startswith("-"):
            continue
        acc.functions.add(name)
        if mentions_iac(body):
            acc.unverifiable.append("an alias for an infrastructure tool")
        acc.parse_into(body, depth + 1, via)


def _trap(call: Call) -> None:
    """`trap 'terraform destroy' EXIT`: the handler runs later; it is judged now."""
    launcher, words, _start, acc, depth, via, _env = call
    i = skip_options(words, 1, launcher)
    if i < len(words) - 1 and words[i] not in ("-", ""):
        acc.parse_into(words[i], depth + 1, via)


def _coproc(call: Call) -> None:
    """`coproc terraform apply`, `coproc NAME { …; }` (bash manual 3.2.6: NAME only before a compound)."""
    _launcher, words, _start, acc, depth, via, env = call
    args = words[1:]
    if len(args) > 1 and args[1] in ("{", "("):
        args = args[2:]
    acc.stdin = STDIN_COMPUTED  # the coprocess reads what the line writes to ${COPROC[1]} at run time
    acc.peel(args, depth, via, env)


def _package_script(call: Call) -> None:
    from planlint.guard.runners import package_script  # recipes are read only when a runner is called

    package_script(call)


def _git(call: Call) -> None:
    from planlint.guard.git_line import git_style  # asks git itself: only a line that runs git

    git_style(call)


# Shells, `source` and interpreters (planlint/guard/scripts.py) are imported when a line runs one.
def _shell(call: Call) -> None:
    from planlint.guard.scripts import shell_style

    shell_style(call)


def _code(call: Call) -> None:
    from planlint.guard.scripts import code_style

    code_style(call)


def _script(call: Call) -> None:
    from planlint.guard.scripts import script_style

    script_style(call)


STYLES: dict[str, Style] = {
    "argv": _argv,
    "after-dashdash": _after_dashdash,
    "string": _string,
    "string-only": _string,
    "none": _none,
    "shell": _shell,
    "code": _code,
    "script": _script,
    "exec-options": _exec_options,
    "container": _container,
    "remote": _remote,
    "package-exec": _package_exec,
    "package-script": _package_script,
    "copy": _copy,
    "alias": _alias,
    "trap": _trap,
    "coproc": _coproc,
    "git": _git,
}
