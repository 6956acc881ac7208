"""Wrappers planlint sees through: each peels its own options and hands the wrapped command back.

One function per wrapper family, registered by name in `WRAPPERS` (`sudo`, `env`, `xargs`, `bash -c`, …).
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from planlint.guard.shellwords import is_dynamic, mentions_iac, tool_basename

if TYPE_CHECKING:
    from planlint.guard.shell import Env, Reader

Wrapper = Callable[[list[str], "Reader", int, tuple[str, ...], "Env"], None]
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SHELLS = frozenset(("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox"))
INTERPRETERS = frozenset(
    ("python", "python3", "python2", "node", "nodejs", "deno", "ruby", "perl", "php", "pwsh", "powershell")
)


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


def _w_sudo(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    opts = frozenset(("-u", "-g", "-p", "-C", "-h", "-r", "-t", "-U", "-D", "-R", "-T", "--user", "--group"))
    acc.peel(words[_skip_options(words, 1, opts) :], depth, via, env)


def _w_env(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    i = 1
    env_list = list(env)
    while i < len(words):
        word = words[i]
        if word in ("-S", "--split-string") and i + 1 < len(words):
            acc.parse_into(" ".join([words[i + 1], *map(shlex.quote, words[i + 2 :])]), depth + 1, via)
            return
        if word.startswith("--split-string="):
            acc.parse_into(
                " ".join([word.split("=", 1)[1], *map(shlex.quote, words[i + 1 :])]), depth + 1, via
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
        if ASSIGNMENT.match(word):
            name, _, value = word.partition("=")
            env_list.append((name, value))
            i += 1
            continue
        break
    acc.peel(words[i:], depth, via, tuple(env_list))


def _simple_wrapper(with_value: frozenset[str], positional: int = 0) -> Wrapper:
    def peel(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
        i = _skip_options(words, 1, with_value) + positional
        acc.peel(words[i:], depth, via, env)

    return peel


def _w_command(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    if any(w in ("-v", "-V") for w in words[1:2]):
        return  # `command -v terraform` only looks the program up
    acc.peel(words[_skip_options(words, 1, frozenset()) :], depth, via, env)


def _w_xargs(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
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
    acc.peel(tail, depth, via, env)
    # Whatever xargs starts gets more arguments from its input at run time.
    acc.commands[before:] = [dataclasses.replace(c, stdin_args=True) for c in acc.commands[before:]]


def _w_shell(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    i = 1
    if tool_basename(words[0]) == "busybox":
        if len(words) < 2 or words[1] not in SHELLS:
            acc.peel(words[1:], depth, via, env)
            return
        i = 2
    while i < len(words):
        word = words[i]
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            if i + 1 < len(words):
                acc.parse_into(words[i + 1], depth + 1, via)
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


def _w_eval(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    text = " ".join(words[1:])
    if is_dynamic(text):
        acc.unverifiable.append("eval of text computed at run time")
        return
    acc.parse_into(text, depth + 1, via)


def _w_source(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    if acc.mentions:
        acc.unverifiable.append(
            "a shell sources commands planlint cannot see, next to an infrastructure tool"
        )


def _w_interpreter(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """`python3 -c "os.system('terraform destroy')"`: code planlint cannot follow."""
    for i, word in enumerate(words[1:-1], start=1):
        if word in ("-c", "-e", "--eval", "-E", "eval", "-p", "--print", "-r") and mentions_iac(words[i + 1]):
            acc.unverifiable.append(f"{tool_basename(words[0])} code that runs an infrastructure tool")
            return


def _w_alias(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """`alias tf=terraform`: a new name for an infrastructure tool hides what later runs."""
    if mentions_iac(" ".join(words[1:])):
        acc.unverifiable.append("an alias for an infrastructure tool")


def _w_copy(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """`ln -s /usr/bin/terraform /tmp/x`: an infrastructure tool under another name."""
    if any(_TOOL_NAME.match(tool_basename(w)) for w in words[1:] if not w.startswith("-")):
        acc.unverifiable.append(f"{tool_basename(words[0])} puts an infrastructure tool under another name")


def _w_watch(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    i = _skip_options(words, 1, frozenset(("-n", "--interval", "-d", "-q")))
    if i < len(words):
        acc.parse_into(" ".join(words[i:]), depth + 1, via)


def _w_find(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    i = 1
    while i < len(words):
        if words[i] in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < len(words) and words[j] not in (";", "+"):
                j += 1
            acc.peel(words[i + 1 : j], depth, via, env)
            i = j
        i += 1


def _w_ssh(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
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
        acc.parse_into(" ".join(words[i:]), depth + 1, via)


def _w_container(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """`docker run … hashicorp/terraform:1.9 destroy`, `kubectl exec pod -- terraform destroy`."""
    if "--" in words:
        acc.peel(words[words.index("--") + 1 :], depth, via, env)
        return
    for i, word in enumerate(words[1:], start=1):
        if _TOOL_NAME.match(tool_basename(word)):
            acc.peel(words[i:], depth, via, env)
            return
        if " " in word and mentions_iac(word):
            acc.parse_into(word, depth + 1, via)


def _w_aws_vault(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    if "--" in words:
        acc.peel(words[words.index("--") + 1 :], depth, via, env)
        return
    if len(words) > 2 and words[1] == "exec":
        opts = frozenset(("-d", "--duration", "-t", "--mfa-token", "--region", "--prompt", "--ec2-server"))
        i = _skip_options(words, 3, opts)
        acc.peel(words[i:], depth, via, env)


_NPX_PACKAGES = {"aws-cdk": "cdk", "cdktf-cli": "cdktf", "@pulumi/pulumi": "pulumi", "opentofu": "tofu"}


def _w_npx(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    start = 1
    if tool_basename(words[0]) in ("npm", "pnpm", "yarn", "bun"):
        if len(words) < 2 or words[1] not in ("exec", "x", "dlx"):
            return  # `npm run deploy` runs a package.json script planlint cannot see
        start = 2
    i = start
    while i < len(words):
        word = words[i]
        if word in ("-c", "--call") and i + 1 < len(words):
            acc.parse_into(words[i + 1], depth + 1, via)
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
        acc.peel([tool, *words[i + 1 :]], depth, via, env)


_TOOL_NAME = re.compile(
    r"^(?:terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|aws)(?:[-_]?v?\d[\w.]*)?(?:\.exe)?$",
    re.IGNORECASE,
)

WRAPPERS: dict[str, Wrapper] = {
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
    **dict.fromkeys(SHELLS, _w_shell),
    **dict.fromkeys(INTERPRETERS, _w_interpreter),
}
