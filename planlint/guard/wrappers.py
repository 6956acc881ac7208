"""Launchers planlint sees through: programs that run a string or their own arguments as a command.

Which programs, and how each finds what it runs, is data: `rules/commands/launchers.yaml` (schema
`planlint/schemas/launchers.schema.json`, each entry with the documentation it comes from). This
module holds one function per `runs:` style and hands the launched command back to the shell reader,
which judges it like any other (recursively, for nested shells).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from planlint.guard.shell import STDIN_COMPUTED, SimpleCommand
from planlint.guard.shellwords import is_dynamic, mentions_iac, tool_basename

if TYPE_CHECKING:
    from planlint.guard.shell import Env, Reader

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
TOOL_NAME = re.compile(
    r"^(?:terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|aws|gcloud|az|kubectl|helm|planlint)"
    r"(?:[-_]?v?\d[\w.]*)?(?:\.exe)?$",
    re.IGNORECASE,
)
# Inline code that starts other programs (Python, Node, Ruby, Perl, PHP, PowerShell, Lua, awk, ...).
SPAWNS = (  # patterns below are compiled on first use (re caches them): most lines need none
    r"\b(?:os\.system|os\.popen|os\.exec\w*|os\.spawn\w*|subprocess|pty\.spawn|commands\.getoutput|child_process"
    r"|execSync|spawnSync|Deno\.Command|Deno\.run|Bun\.spawn|system|exec|popen|spawn|shell_exec|passthru"
    r"|proc_open|Start-Process|Invoke-Expression|iex|io\.popen|Process\.spawn|IO\.popen|Open3)\b|`[^`]*`|\|&"
)
_NPX_PACKAGES = {"aws-cdk": "cdk", "cdktf-cli": "cdktf", "@pulumi/pulumi": "pulumi", "opentofu": "tofu"}
_SCRIPT_WORDS = r"(?i)deploy|destroy|teardown|nuke|apply|delete|drop|migrate|release|provision"


@dataclass(frozen=True, slots=True)
class Launcher:
    """One entry of rules/commands/launchers.yaml."""

    names: tuple[str, ...]
    runs: str
    source: str
    subcommands: tuple[str, ...] = ()
    builtin_subcommands: frozenset[str] = frozenset()
    positional: int = 0
    options_with_value: frozenset[str] = frozenset()
    string_options: frozenset[str] = frozenset()
    argv_options: frozenset[str] = frozenset()
    code_options: frozenset[str] = frozenset()
    code_in_args: bool = False
    exec_options: frozenset[str] = frozenset()
    lookup_options: frozenset[str] = frozenset()
    option_prefixes: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    assignments: bool = False
    stdin_args: bool = False
    default_command: tuple[str, ...] = ()
    interactive: bool = False


def _launcher(entry: dict[str, Any]) -> Launcher:
    sets = ("builtin_subcommands", "options_with_value", "string_options", "argv_options", "code_options",
            "exec_options", "lookup_options")  # fmt: skip
    tuples = ("names", "subcommands", "default_command")
    values: dict[str, Any] = {
        k: frozenset(v) if k in sets else tuple(v) if k in tuples else v for k, v in entry.items()
    }
    values["option_prefixes"] = {k: tuple(v) for k, v in entry.get("option_prefixes", {}).items()}
    return Launcher(**values)


@lru_cache(maxsize=1)
def launchers() -> dict[str, tuple[Launcher, ...]]:
    """Program name → its launcher entries (entries with `subcommands` are tried first)."""
    from planlint.guard.tables import load_table

    table: dict[str, list[Launcher]] = {}
    for entry in load_table("launchers")["launchers"]:
        launcher = _launcher(entry)
        for name in launcher.names:
            table.setdefault(name, []).append(launcher)
    return {k: tuple(sorted(v, key=lambda x: not x.subcommands)) for k, v in table.items()}


def unwrap(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> bool:
    """Run `words` through its launcher entry when it has one; False when the program is no launcher."""
    entries = launchers().get(tool_basename(words[0]))
    if not entries:
        return False
    for launcher in entries:
        start = 1
        if launcher.subcommands:
            start = _skip(words, 1, launcher, stop_at_positional=True)
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


class Call(NamedTuple):
    """One launcher invocation being read: the entry, the words, where its own words end, the reader."""

    launcher: Launcher
    words: list[str]
    start: int
    acc: Reader
    depth: int
    via: tuple[str, ...]
    env: Env


Style = Callable[[Call], None]


def _skip(words: list[str], i: int, launcher: Launcher, stop_at_positional: bool = False) -> int:
    """Index of the first word after `launcher`'s options (`--` ends them)."""
    while i < len(words):
        word = words[i]
        if word == "--" and not stop_at_positional:
            return i + 1
        if not word.startswith("-") or word in ("-", "--"):
            return i
        i += 2 if word in launcher.options_with_value else 1
    return i


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
    while launcher.assignments and i < len(words) and ASSIGNMENT.match(words[i]):
        env_list.append(tuple(words[i].split("=", 1)))  # type: ignore[arg-type]
        i += 1
    i = _skip(words, i, launcher) + launcher.positional
    after = _options(call, i)  # `flock FILE -c TEXT`, `aws-vault exec P -- …`
    if after is None:
        return
    tail = words[after:] or list(launcher.default_command)
    if not tail:
        if launcher.interactive:
            _read_stdin(acc, depth, via, tool_basename(words[0]))
        return
    before = len(acc.commands)
    acc.peel(tail, depth, via, tuple(env_list))
    if launcher.stdin_args:  # whatever xargs starts gets more arguments from its input at run time
        acc.commands[before:] = [dataclasses.replace(c, stdin_args=True) for c in acc.commands[before:]]


def _after_dashdash(call: Call) -> None:
    _launcher, words, start, acc, depth, via, env = call
    if _options(call, start) is not None and "--" in words[start:]:
        acc.peel(words[words.index("--", start) + 1 :], depth, via, env)


def _string(call: Call) -> None:
    launcher, words, start, acc, depth, via, _env = call
    i = _options(call, start)
    if i is None:
        return
    i = len(words) if launcher.runs == "string-only" else _skip(words, i, launcher) + launcher.positional
    positional = [w for w in words[start:] if not w.startswith("-")]
    if launcher.runs == "string" and i < len(words):
        acc.parse_into(" ".join(words[i:]), depth + 1, via)
    elif launcher.interactive and len(positional) <= launcher.positional + (tool_basename(words[0]) == "su"):
        _read_stdin(acc, depth, via, tool_basename(words[0]))


def _none(call: Call) -> None:
    _launcher, words, start, acc, _depth, via, env = call
    if _options(call, start) is not None:
        acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file))


def _shell(call: Call) -> None:
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
        # `bash script.sh`: a script planlint cannot see. Next to an infrastructure tool's name
        # (`echo 'terraform destroy' > x.sh && bash x.sh`) it is unverifiable.
        if acc.mentions:
            acc.unverifiable.append(
                "a shell runs a script planlint cannot see, next to an infrastructure tool"
            )
        return
    _read_stdin(acc, depth, via, "a shell")


def _read_stdin(acc: Reader, depth: int, via: tuple[str, ...], who: str) -> None:
    """A shell reading its program from standard input: read a literal text, refuse a computed one."""
    if acc.stdin == STDIN_COMPUTED:
        acc.unverifiable.append(f"{who} reads its commands from input computed at run time")
    elif acc.stdin:
        acc.parse_into(acc.stdin, depth + 1, via)


def _code(call: Call) -> None:
    """`python3 -c "os.system('terraform destroy')"`: code planlint cannot follow, when it starts programs."""
    launcher, words, _start, acc, _depth, via, env = call
    name = tool_basename(words[0])
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file))
    codes = [words[i + 1] for i, w in enumerate(words[1:-1], start=1) if w in launcher.code_options]
    if launcher.code_in_args:
        codes.append(" ".join(words[1:]))
    script = _skip(words, 1, launcher) < len(words)
    if not codes and not script and acc.stdin is not None:
        codes.append(acc.stdin)  # `echo '…' | python3`: the program is its standard input
    for code in codes:
        if code == STDIN_COMPUTED:
            acc.unverifiable.append(f"{name} reads its program from input computed at run time")
        elif re.search(SPAWNS, code) and mentions_iac(code):
            acc.unverifiable.append(f"{name} code that runs an infrastructure tool")
        elif re.search(SPAWNS, code) and _computed_spawn(code):
            acc.unverifiable.append(f"{name} code that starts programs it computes at run time")


def _computed_spawn(code: str) -> bool:
    """Spawned text that is not written out in the code (decoded, joined, read from elsewhere)."""
    return bool(
        re.search(r"b64|base64|decode|fromhex|chr\(|join|getenv|environ|argv|input\(|read\(|\+", code)
    )


def _script(call: Call) -> None:
    _launcher, words, _start, acc, _depth, _via, _env = call
    if acc.mentions or len(words) < 2 or acc.stdin == STDIN_COMPUTED:
        acc.unverifiable.append(
            "a shell sources commands planlint cannot see, next to an infrastructure tool"
        )


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
    """`docker run … hashicorp/terraform:1.9 destroy`, `kubectl exec pod -- terraform destroy`."""
    _launcher, words, _start, acc, depth, via, env = call
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file))
    if "--" in words:
        acc.peel(words[words.index("--") + 1 :], depth, via, env)
        return
    for i, word in enumerate(words[1:], start=1):
        if TOOL_NAME.match(tool_basename(word)) and tool_basename(word) != tool_basename(words[0]):
            acc.peel(words[i:], depth, via, env)
            return
        if " " in word and mentions_iac(word):
            acc.parse_into(word, depth + 1, via)


def _package_exec(call: Call) -> None:
    _launcher, words, start, acc, depth, via, env = call
    i = _options(call, start)
    if i is None or i >= len(words):
        return
    word = words[i]
    package = (word.rsplit("@", 1)[0] or word) if word.startswith("@") else tool_basename(word).split("@")[0]
    acc.peel([_NPX_PACKAGES.get(package, package), *words[i + 1 :]], depth, via, env)


def _package_script(call: Call) -> None:
    """`npm run cdk -- destroy`, `yarn cdk destroy`, `make deploy`: the script's text is judged when planlint
    can read it (package.json), and refused when it cannot and its name or arguments suggest infrastructure."""
    launcher, words, start, acc, depth, via, env = call
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file))
    i = _skip(words, start, launcher, stop_at_positional=True)
    if i >= len(words):
        return
    name, args = words[i], [w for w in words[i + 1 :] if w != "--"]
    script = _package_json_scripts().get(name) if launcher.runs == "package-script" else None
    program = tool_basename(words[0])
    if script is not None and program not in ("make", "gmake", "just", "task", "mage", "invoke", "rake"):
        acc.parse_into(" ".join([script, *map(shlex.quote, args)]), depth + 1, via)
        return
    if program in ("yarn", "pnpm", "bun") and script is None:
        acc.peel([name, *args], depth, via, env)  # `yarn cdk destroy` runs the package's `cdk` binary
        return
    text = " ".join([name, *args])
    if mentions_iac(text) or re.search(_SCRIPT_WORDS, text) or is_dynamic(text):
        acc.unverifiable.append(f"`{program} {text}` runs a project script planlint cannot read")


def _package_json_scripts() -> dict[str, str]:
    try:
        data = json.loads(Path("package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in scripts.items()} if isinstance(scripts, dict) else {}


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
        if mentions_iac(body):
            acc.unverifiable.append("an alias for an infrastructure tool")
        acc.parse_into(body, depth + 1, via)


def _trap(call: Call) -> None:
    """`trap 'terraform destroy' EXIT`: the handler runs later; it is judged now."""
    launcher, words, _start, acc, depth, via, _env = call
    i = _skip(words, 1, launcher)
    if i < len(words) - 1 and words[i] not in ("-", ""):
        acc.parse_into(words[i], depth + 1, via)


def _coproc(call: Call) -> None:
    """`coproc terraform apply`, `coproc NAME { …; }` (bash manual 3.2.6: NAME only before a compound)."""
    _launcher, words, _start, acc, depth, via, env = call
    args = words[1:]
    if len(args) > 1 and args[1] in ("{", "("):
        args = args[2:]
    acc.peel(args, depth, via, env)


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
    "package-exec": _package_exec,
    "package-script": _package_script,
    "copy": _copy,
    "alias": _alias,
    "trap": _trap,
    "coproc": _coproc,
}
