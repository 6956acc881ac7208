"""Cloud CLI commands that run shell text somewhere else: `aws ssm send-command`, `aws ecs execute-command`,
`gcloud compute ssh --command`, a gcloud startup script, `az vm run-command invoke --scripts`.

The launcher style `remote` (rules/commands/launchers.yaml) lands here; which commands, and where their
text is, is data: rules/commands/remote.yaml (schema planlint/schemas/remote.schema.json). The text is
judged like any launcher's command (planlint/guard/shell.py `Reader.parse_into`), so `terraform destroy` or
`psql -c 'DROP …'` sent to an instance is refused as it would be here. What planlint cannot see (a document
other than the shell-script ones, a file it cannot read, a URL, an interactive session) is unverifiable.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

from planlint.guard.shell import SimpleCommand
from planlint.guard.shell_text import STDIN_COMPUTED
from planlint.guard.shellwords import tool_basename
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from planlint.guard.launcher import Call
    from planlint.guard.shell import Reader

_LISTS = frozenset(("aws", "az"))  # argparse `nargs='+'` options: every word up to the next option


class Remote(NamedTuple):
    """One entry of rules/commands/remote.yaml `remote`."""

    id: str
    program: str
    words: tuple[frozenset[str], ...]
    without: str
    what: str
    source: str
    text_options: tuple[str, ...] = ()
    file_prefixes: tuple[str, ...] = ()
    selector: str = ""
    runs: Mapping[str, str] = MappingProxyType({})
    quiet: frozenset[str] = frozenset()
    parameters: tuple[str, ...] = ()
    parameter_files: tuple[str, ...] = ()
    script_keys: frozenset[str] = frozenset()
    unseen_keys: frozenset[str] = frozenset()
    unseen_options: tuple[str, ...] = ()
    ssh_args: bool = False

    def options(self) -> frozenset[str]:
        """Every option this entry reads a value from."""
        named = (*self.text_options, *self.parameters, *self.parameter_files, *self.unseen_options)
        return frozenset((*named, *((self.selector,) if self.selector else ()), *self.runs.values()))


def _remote(item: dict[str, Any]) -> Remote:
    selector = item.pop("selector", {})
    words = tuple(frozenset([w] if isinstance(w, str) else w) for w in item.pop("words"))
    values: dict[str, Any] = {k: frozenset(v) if k.endswith("_keys") else tuple(v) if isinstance(v, list)
                              else v for k, v in item.items()}  # fmt: skip
    return Remote(words=words, selector=selector.get("option", ""), runs=selector.get("runs", {}),
                  quiet=frozenset(selector.get("quiet", ())), **values)  # fmt: skip


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[Remote, ...]]:
    from planlint.guard.tables import load_table

    table: dict[str, list[Remote]] = {}
    for item in load_table("remote")["remote"]:
        entry = _remote(dict(item))
        table.setdefault(entry.program, []).append(entry)
    return {k: tuple(v) for k, v in table.items()}


def remote_style(call: Call) -> None:
    """Record the command itself (the delete catalogue judges it), then judge what it runs elsewhere."""
    from planlint.guard.cli_args import match_words, options
    from planlint.guard.destructive import command_words, file_options, program_argv, value_options

    _launcher, words, _start, acc, depth, via, env = call
    acc.commands.append(SimpleCommand(tuple(words), env, via=via[:-1], writes_file=acc.writes_file,
                                      stdin=acc.stdin, cwd=acc.cwd))  # fmt: skip
    argv = program_argv(words)
    program = tool_basename(argv[0])
    entries = _table().get(program, ())
    own = frozenset(o for e in entries for o in e.options())
    positional, _ = options(argv[1:], value_options(program) | file_options(program) | own)
    positional = command_words(program, positional)
    for entry in entries:
        matched = match_words(entry.words, positional)
        if matched is False:
            acc.unverifiable.append(f"`{program}` is given a subcommand computed at run time")
            return
        if matched:
            _judge(entry, argv, acc, depth, via, shown=" ".join([program, *positional[: len(entry.words)]]))
            return


def _judge(
    entry: Remote, argv: tuple[str, ...], acc: Reader, depth: int, via: tuple[str, ...], *, shown: str
) -> None:
    """Judge the text `argv` (matching `entry`, shown as `shown`: `aws ssm send-command`) runs elsewhere."""
    values = _values(argv[1:], entry.options(), entry.program in _LISTS)
    unseen = next((o for o in entry.unseen_options if o in values), None)
    if unseen is not None:
        acc.unverifiable.append(f"`{shown}` takes what it runs from {unseen}, which planlint does not read")
        return
    texts: list[str] = []
    keys = entry.script_keys
    if entry.selector:
        chosen = values.get(entry.selector, [])
        if not chosen:
            _without(entry, shown, acc, depth, via)
            return
        name = chosen[0].rsplit("document/", 1)[-1]  # an SSM document's ARN ends with document/NAME
        if name in entry.quiet:
            return
        where = entry.runs.get(name)
        if where is None:
            acc.unverifiable.append(f"`{shown}` runs {name!r}, whose commands planlint cannot see")
            return
        texts += _texts(values.get(where, []), entry, acc) if where.startswith("-") else []
        keys = frozenset(()) if where.startswith("-") else frozenset((where,))
    else:
        for option in entry.text_options:
            texts += _texts(values.get(option, []), entry, acc)
    texts += _parameter_texts(entry, values, keys, acc)
    if entry.ssh_args and "--" in argv:
        ssh_args = argv[argv.index("--") + 1 :]
        if "-N" in ssh_args:  # `-- -N -L 8080:localhost:80`: a tunnel, no command
            return
        texts += _ssh_command(list(ssh_args))
    if not texts and not any(o in values for o in (*entry.text_options, *entry.parameters)):
        _without(entry, shown, acc, depth, via)
        return
    stdin = acc.stdin if entry.without == "session" else None  # a session forwards the line's input
    for text in texts:
        if _opens_shell(text):
            _session(shown, text, acc, depth, via)
        else:
            acc.parse_into(text, depth + 1, via, stdin)


def _without(entry: Remote, shown: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Nothing names a command: an interactive session, a required command left out, or nothing runs."""
    if entry.without == "session":
        _session(shown, "an interactive shell", acc, depth, via)
    elif entry.without == "unseen":
        acc.unverifiable.append(f"`{shown}` without a command planlint can read")


def _session(shown: str, what: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """An interactive session elsewhere: its literal standard input is judged; anything else is unseen."""
    if acc.stdin is not None and acc.stdin != STDIN_COMPUTED:
        acc.parse_into(acc.stdin, depth + 1, via)
    else:
        acc.unverifiable.append(
            f"`{shown}` opens {what} on another machine, whose commands planlint cannot see"
        )


def _opens_shell(text: str) -> bool:
    """`/bin/sh`, `bash -l`, `pwsh`: a shell or interpreter given no program, reading its terminal."""
    from planlint.guard.launcher import launchers

    words = text.split()
    if not words or any(not w.startswith("-") for w in words[1:]) or any("c" in w for w in words[1:]):
        return False
    found = launchers().get(tool_basename(words[0]), ())
    return any(launcher.runs in ("shell", "code") for launcher in found)


def _values(args: tuple[str, ...], names: frozenset[str], listed: bool) -> dict[str, list[str]]:
    """Option → its values in `args` (up to `--`); a `listed` option takes every word up to the next option.
    An unambiguous long prefix (`--comm`) counts as the option, as argparse reads it."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for word in args:
        if word == "--":
            break
        if word.startswith("-") and not word.startswith("--") and len(word) > 1:
            current = None  # a short option (`-g RG`) ends a list
        elif word.startswith("--"):
            name, eq, value = word.partition("=")
            prefixed = [n for n in names if n.startswith(name)] if len(name) > 3 else []
            current = name if name in names else prefixed[0] if len(prefixed) == 1 else None
            if current is not None:
                found.setdefault(current, []).extend([value] if eq else [])
                current = None if eq and not listed else current
        elif current is not None:
            found[current].append(word)
            current = current if listed else None
    return found


def _texts(values: list[str], entry: Remote, acc: Reader) -> list[str]:
    """Shell texts of option `values`: a `file://F` or `@F` value is F's text (refused when unreadable)."""
    from planlint.guard.files import read_text

    texts: list[str] = []
    for value in values:
        prefix = next((p for p in entry.file_prefixes if value.startswith(p)), None)
        if prefix is None:
            texts.append(value)
            continue
        found = read_text(value[len(prefix) :], acc.cwd)
        if found.text is None:
            acc.unverifiable.append(
                f"`{entry.program}` runs the text of {found.shown}, which planlint cannot read"
            )
        else:
            texts.append(found.text)
    return texts


def _parameter_texts(
    entry: Remote, values: Mapping[str, list[str]], keys: frozenset[str], acc: Reader
) -> list[str]:
    """The shell text of parameter maps (`--parameters commands=[…]`, `--metadata startup-script=…`)."""
    from planlint.guard.parameter_maps import parameter_map

    texts: list[str] = []
    for option in entry.parameters:
        for raw in _texts(values.get(option, []), entry, acc):
            mapping = parameter_map(raw)
            if mapping is None:
                acc.unverifiable.append(f"`{entry.program}` is given {option} planlint cannot read")
                continue
            for key, items in mapping.items():
                if key in keys or (entry.selector and key == ""):
                    texts.append("\n".join(items))
                elif key in entry.unseen_keys:
                    acc.unverifiable.append(
                        f"`{entry.program}` runs a script from {key}, which planlint cannot read"
                    )
                elif entry.selector:  # `FOO=1 terraform destroy` in a list reads as a key: judged as written
                    texts += [f"{key}={item}" for item in items]
    for option in entry.parameter_files:  # `--metadata-from-file startup-script=s.sh`: the file's text
        for raw in values.get(option, []):
            for key, files in (parameter_map(raw) or {"": [raw]}).items():
                if key in keys or key in entry.unseen_keys or key == "":
                    texts += _texts(files, entry._replace(file_prefixes=("",)), acc)
    return texts


def _ssh_command(args: list[str]) -> list[str]:
    """The remote command in ssh arguments (`-- -L 80:h:80 terraform destroy`), after ssh's options."""
    from planlint.guard.launcher import launchers, skip_options

    ssh = launchers()["ssh"][0]
    rest = args[skip_options(args, 0, ssh) :]
    return [" ".join(rest)] if rest else []


def remote_docs() -> list[str]:
    """The docs/commands.md section for rules/commands/remote.yaml."""
    from planlint.guard.tables import load_table

    table = load_table("remote")
    lines = [
        "",
        "## Remote execution",
        "",
        "Commands that run shell text on an instance, a VM, a container or a pod with the engineer's",
        "credentials. The text is judged like a launcher's command; a document, script or session planlint",
        "cannot see is refused as unverifiable.",
        "",
        "| id | program | words | where the command is | without one | source |",
        "|---|---|---|---|---|---|",
    ]
    for e in table["remote"]:
        words = _shown(e["words"])
        where = [*e.get("text_options", ()), *e.get("parameters", ()), *e.get("parameter_files", ())]
        if "selector" in e:
            documents = "\\|".join(e["selector"]["runs"])
            where.insert(0, f"{e['selector']['option']} {documents}")
        lines.append(f"| `{e['id']}` | {e['program']} | {words} | {'; '.join(where)} | {e['without']} "
                     f"| {e['source']} |")  # fmt: skip
    lines += ["", "| id | programs | words | command starts after | source |", "|---|---|---|---|---|"]
    for c in table["containers"]:
        words = _shown(c["words"])
        programs = c["program"] if isinstance(c["program"], str) else ", ".join(c["program"])
        after = "the image" if c.get("image") else f"{c.get('positional', 0)} word(s) of its own, or `--`"
        lines.append(f"| `{c['id']}` | {programs} | {words} | {after} | {c['source']} |")
    return lines


def _shown(words: list[str | list[str]]) -> str:
    return " ".join(w if isinstance(w, str) else "{" + "\\|".join(w) + "}" for w in words)
