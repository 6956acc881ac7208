"""Split a shell command line into the simple commands it would run, with wrappers peeled off.

This is not a shell. It is a conservative reader for the one question the agent hooks ask: which
programs, with which arguments, would this line start? Separators (`;`, `&&`, `||`, `|`, `&`,
newlines, subshells, braces), wrappers (`sudo`, `env A=b`, `time`, `nohup`, `timeout`, `xargs`,
`aws-vault exec … --`, `npx`, `ssh host …`, `docker run …`) and nested shells (`bash -c '…'`,
recursively) are unwrapped. What cannot be known without running the line — command substitution,
backticks, heredocs, `eval` of computed text, a computed command name, a shell reading its script
from a pipe — is reported as *unverifiable*; the caller decides (the hooks deny when an IaC tool is
in sight).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from planlint.guard.shellwords import (
    is_dynamic,
    mentions_iac,
    segments,
    tokenize,
    tool_basename,
)

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_KEYWORDS = frozenset(
    ["!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "in"]
)
_LOOP_HEADERS = frozenset(("for", "case", "select", "function"))
_SHELLS = frozenset(("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox"))
_INTERPRETERS = frozenset(
    ("python", "python3", "python2", "node", "nodejs", "deno", "ruby", "perl", "php", "pwsh", "powershell")
)
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One program invocation: its argv after wrappers, and the variables set in front of it."""

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    stdin_args: bool = False  # run by xargs: more arguments arrive from a pipe at run time
    via: tuple[str, ...] = ()  # wrappers that were peeled off, outermost first


@dataclass(frozen=True, slots=True)
class ShellLine:
    """What a command line runs, and what about it cannot be known without running it."""

    commands: tuple[SimpleCommand, ...] = ()
    unverifiable: tuple[str, ...] = ()
    mentions_iac: bool = False


@dataclass(slots=True)
class _Acc:
    commands: list[SimpleCommand] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    mentions: bool = False


_Env = tuple[tuple[str, str], ...]
_Wrapper = Callable[[list[str], _Acc, int, tuple[str, ...], _Env], None]


def parse(text: str) -> ShellLine:
    """Every simple command `text` would start, wrappers peeled, plus what cannot be verified."""
    acc = _Acc(mentions=mentions_iac(text))
    _parse_into(text, acc, depth=0, via=())
    unique = tuple(dict.fromkeys(acc.unverifiable))
    return ShellLine(tuple(acc.commands), unique, acc.mentions)


def _parse_into(text: str, acc: _Acc, depth: int, via: tuple[str, ...]) -> None:
    if depth > MAX_DEPTH:
        acc.unverifiable.append("shell nesting too deep to follow")
        return
    mentions = mentions_iac(text)
    if mentions:
        for marker, label in (
            ("$(", "command substitution $(…)"),
            ("`", "backtick command substitution"),
            ("<<", "heredoc"),
            ("<(", "process substitution <(…)"),
            (">(", "process substitution >(…)"),
        ):
            if marker in text:
                acc.unverifiable.append(f"{label} next to an infrastructure tool")
    try:
        tokens = tokenize(text)
    except ValueError as exc:
        if mentions:
            acc.unverifiable.append(f"the shell line cannot be read ({exc})")
        return
    for segment in segments(tokens):
        _peel(segment, acc, depth, via, env=())


def _peel(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    """Strip keywords, assignments and wrappers from one simple command, recursing into nested shells."""
    i = 0
    env_list = list(env)
    while i < len(words) and (words[i] in _KEYWORDS or _ASSIGNMENT.match(words[i])):
        if _ASSIGNMENT.match(words[i]):
            name, _, value = words[i].partition("=")
            env_list.append((name, value))
        i += 1
    rest = words[i:]
    if not rest or rest[0] in _LOOP_HEADERS:
        return
    head = rest[0]
    if is_dynamic(head.replace("${HOME}", "~").replace("$HOME", "~")):
        # `$` alone or `` `…` `` is what is left of a substitution whose commands are read separately;
        # it matters only next to an IaC tool. Any other computed program name is unverifiable.
        if not (head == "$" or (head.startswith("`") and head.endswith("`"))) or acc.mentions:
            acc.unverifiable.append(f"the program name {head!r} is computed at run time")
        return
    name = tool_basename(head)
    wrapper = _WRAPPERS.get(name)
    if wrapper is not None:
        wrapper(rest, acc, depth, (*via, name), tuple(env_list))
        return
    acc.commands.append(SimpleCommand(tuple(rest), tuple(env_list), via=via))


# --- wrappers -------------------------------------------------------------------------------------


def _skip_options(args: list[str], start: int, with_value: frozenset[str]) -> int:
    """Index of the first non-option word at or after `start` (`--` ends options)."""
    i = start
    while i < len(args):
        word = args[i]
        if word == "--":
            return i + 1
        if not word.startswith("-") or word == "-":
            return i
        if word in with_value:
            i += 2
            continue
        i += 1
    return i


def _continue_with(args: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    if args:
        _peel(args, acc, depth, via, env)


def _w_sudo(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    opts = frozenset(("-u", "-g", "-p", "-C", "-h", "-r", "-t", "-U", "-D", "-R", "-T", "--user", "--group"))
    _continue_with(words[_skip_options(words, 1, opts) :], acc, depth, via, env)


def _w_env(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    i = 1
    env_list = list(env)
    while i < len(words):
        word = words[i]
        if word in ("-S", "--split-string") and i + 1 < len(words):
            _parse_into(" ".join([words[i + 1], *map(shlex.quote, words[i + 2 :])]), acc, depth + 1, via)
            return
        if word.startswith("--split-string="):
            _parse_into(
                " ".join([word.split("=", 1)[1], *map(shlex.quote, words[i + 1 :])]), acc, depth + 1, via
            )
            return
        if word in ("-u", "--unset", "-C", "--chdir"):
            i += 2
            continue
        if word == "--":
            i += 1
            break
        if word.startswith("-"):
            i += 1
            continue
        if _ASSIGNMENT.match(word):
            name, _, value = word.partition("=")
            env_list.append((name, value))
            i += 1
            continue
        break
    _continue_with(words[i:], acc, depth, via, tuple(env_list))


def _simple_wrapper(with_value: frozenset[str], positional: int = 0) -> _Wrapper:
    def peel(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
        i = _skip_options(words, 1, with_value) + positional
        _continue_with(words[i:], acc, depth, via, env)

    return peel


def _w_command(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    if any(w in ("-v", "-V") for w in words[1:2]):
        return  # `command -v terraform` only looks the program up
    _continue_with(words[_skip_options(words, 1, frozenset()) :], acc, depth, via, env)


def _w_xargs(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    opts = frozenset(
        (
            "-I",
            "-L",
            "-l",
            "-n",
            "-P",
            "-s",
            "-d",
            "-E",
            "-e",
            "-a",
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-procs",
            "--max-lines",
            "--replace",
            "--eof",
            "--max-chars",
        )
    )
    i = _skip_options(words, 1, opts)
    tail = words[i:] or ["echo"]
    before = len(acc.commands)
    _peel(tail, acc, depth, via, env)
    # Whatever xargs starts gets more arguments from its input at run time.
    acc.commands[before:] = [
        SimpleCommand(c.argv, c.env, stdin_args=True, via=c.via) for c in acc.commands[before:]
    ]


def _w_shell(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    i = 1
    if tool_basename(words[0]) == "busybox":
        if len(words) < 2 or words[1] not in _SHELLS:
            _continue_with(words[1:], acc, depth, via, env)
            return
        i = 2
    while i < len(words):
        word = words[i]
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            if i + 1 < len(words):
                _parse_into(words[i + 1], acc, depth + 1, via)
            return
        if word in ("-o", "+o", "--rcfile", "--init-file"):
            i += 2
            continue
        if word.startswith(("-", "+")):
            i += 1
            continue
        # `bash script.sh`: a script planlint cannot see (the PATH shim covers those). Next to an IaC
        # tool name (`echo 'terraform destroy' > x.sh && bash x.sh`) it is unverifiable.
        if acc.mentions:
            acc.unverifiable.append(
                "a shell runs a script planlint cannot see, next to an infrastructure tool"
            )
        return
    if acc.mentions:
        acc.unverifiable.append("a shell reads its commands from a pipe next to an infrastructure tool")


def _w_eval(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    text = " ".join(words[1:])
    if is_dynamic(text):
        acc.unverifiable.append("eval of text computed at run time")
        return
    _parse_into(text, acc, depth + 1, via)


def _w_source(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    if acc.mentions:
        acc.unverifiable.append(
            "a shell sources commands planlint cannot see, next to an infrastructure tool"
        )


def _w_interpreter(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    """`python3 -c "os.system('terraform destroy')"`: code planlint cannot follow."""
    for i, word in enumerate(words[1:-1], start=1):
        if word in ("-c", "-e", "--eval", "-E", "eval", "-p", "--print", "-r") and mentions_iac(words[i + 1]):
            acc.unverifiable.append(f"{tool_basename(words[0])} code that runs an infrastructure tool")
            return


def _w_alias(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    """`alias tf=terraform`: a new name for an infrastructure tool hides what later runs."""
    if mentions_iac(" ".join(words[1:])):
        acc.unverifiable.append("an alias for an infrastructure tool")


def _w_copy(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    """`ln -s /usr/bin/terraform /tmp/x`: an infrastructure tool under another name."""
    if any(_TOOL_NAME.match(tool_basename(w)) for w in words[1:] if not w.startswith("-")):
        acc.unverifiable.append(f"{tool_basename(words[0])} puts an infrastructure tool under another name")


def _w_watch(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    i = _skip_options(words, 1, frozenset(("-n", "--interval", "-d", "-q")))
    if i < len(words):
        _parse_into(" ".join(words[i:]), acc, depth + 1, via)


def _w_find(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    i = 1
    while i < len(words):
        if words[i] in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < len(words) and words[j] not in (";", "+"):
                j += 1
            _continue_with(words[i + 1 : j], acc, depth, via, env)
            i = j
        i += 1


def _w_ssh(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    opts = frozenset(
        (
            "-p",
            "-i",
            "-l",
            "-o",
            "-F",
            "-J",
            "-L",
            "-R",
            "-D",
            "-b",
            "-c",
            "-E",
            "-e",
            "-m",
            "-O",
            "-Q",
            "-S",
            "-W",
            "-w",
            "-B",
            "-I",
        )
    )
    i = _skip_options(words, 1, opts) + 1  # the host
    if i < len(words):
        _parse_into(" ".join(words[i:]), acc, depth + 1, via)


def _w_container(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    """`docker run … hashicorp/terraform:1.9 destroy`, `kubectl exec pod -- terraform destroy`."""
    if "--" in words:
        _continue_with(words[words.index("--") + 1 :], acc, depth, via, env)
        return
    for i, word in enumerate(words[1:], start=1):
        if _TOOL_NAME.match(tool_basename(word)):
            _continue_with(words[i:], acc, depth, via, env)
            return
        if " " in word and mentions_iac(word):
            _parse_into(word, acc, depth + 1, via)


def _w_aws_vault(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    if "--" in words:
        _continue_with(words[words.index("--") + 1 :], acc, depth, via, env)
        return
    if len(words) > 2 and words[1] == "exec":
        opts = frozenset(("-d", "--duration", "-t", "--mfa-token", "--region", "--prompt", "--ec2-server"))
        i = _skip_options(words, 3, opts)
        _continue_with(words[i:], acc, depth, via, env)


_NPX_PACKAGES = {"aws-cdk": "cdk", "cdktf-cli": "cdktf", "@pulumi/pulumi": "pulumi", "opentofu": "tofu"}


def _w_npx(words: list[str], acc: _Acc, depth: int, via: tuple[str, ...], env: _Env) -> None:
    start = 1
    if tool_basename(words[0]) in ("npm", "pnpm", "yarn", "bun"):
        if len(words) < 2 or words[1] not in ("exec", "x", "dlx"):
            return  # `npm run deploy` runs a package.json script planlint cannot see
        start = 2
    i = start
    while i < len(words):
        word = words[i]
        if word in ("-c", "--call") and i + 1 < len(words):
            _parse_into(words[i + 1], acc, depth + 1, via)
            return
        if word in ("-p", "--package"):
            i += 2
            continue
        if word == "--":
            i += 1
            break
        if word.startswith("-"):
            i += 1
            continue
        break
    if i < len(words):
        word = words[i]
        package = (word.rsplit("@", 1)[0] or word) if word.startswith("@") else tool_basename(word)
        tool = _NPX_PACKAGES.get(package, word)
        _continue_with([tool, *words[i + 1 :]], acc, depth, via, env)


_TOOL_NAME = re.compile(
    r"^(?:terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|aws)(?:[-_]?v?\d[\w.]*)?(?:\.exe)?$",
    re.IGNORECASE,
)

_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _w_sudo,
    "doas": _w_sudo,
    "env": _w_env,
    "time": _simple_wrapper(frozenset(("-f", "-o", "--format", "--output"))),
    "nohup": _simple_wrapper(frozenset()),
    "nice": _simple_wrapper(frozenset(("-n", "--adjustment"))),
    "ionice": _simple_wrapper(frozenset(("-c", "-n", "-p", "-t"))),
    "timeout": _simple_wrapper(frozenset(("-s", "-k", "--signal", "--kill-after")), positional=1),
    "stdbuf": _simple_wrapper(frozenset(("-i", "-o", "-e"))),
    "chronic": _simple_wrapper(frozenset()),
    "caffeinate": _simple_wrapper(frozenset(("-t", "-w"))),
    "flock": _simple_wrapper(frozenset(("-w", "-E", "--timeout", "--conflict-exit-code")), positional=1),
    "unbuffer": _simple_wrapper(frozenset()),
    "exec": _simple_wrapper(frozenset(("-a",))),
    "builtin": _simple_wrapper(frozenset()),
    "command": _w_command,
    "xargs": _w_xargs,
    "eval": _w_eval,
    "source": _w_source,
    ".": _w_source,
    "watch": _w_watch,
    "alias": _w_alias,
    "ln": _w_copy,
    "cp": _w_copy,
    "mv": _w_copy,
    "install": _w_copy,
    "rsync": _w_copy,
    "find": _w_find,
    "ssh": _w_ssh,
    "docker": _w_container,
    "podman": _w_container,
    "nerdctl": _w_container,
    "kubectl": _w_container,
    "aws-vault": _w_aws_vault,
    "npx": _w_npx,
    "bunx": _w_npx,
    "pnpx": _w_npx,
    "npm": _w_npx,
    "pnpm": _w_npx,
    "yarn": _w_npx,
    "bun": _w_npx,
    **dict.fromkeys(_SHELLS, _w_shell),
    **dict.fromkeys(_INTERPRETERS, _w_interpreter),
}
