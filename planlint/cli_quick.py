"""Read a plain `planlint check …` command line without argparse (issue 13: a small check's start-up).

Importing argparse (with the `warnings`, `gettext`, `locale` and `shutil` — `bz2`, `lzma` — it brings)
and building the command's parser is ~10 ms of a small check. The command's own `add_arguments` runs
against a recorder instead of a parser, and a command line is read here only when it uses nothing but
what argparse would read the same way without a doubt: options spelled out in full with their value as
the next argument, flags, and one run of positional arguments. Anything else — `--help`, `--opt=value`,
`-fjson`, combined flags, an unknown or abbreviated option, a value that starts with `-`, `--`, a second
run of positional arguments, a value outside its choices — gives None, and argparse reads the line (with
its errors and its help). tests/test_cli_quick.py reads generated command lines both ways and compares.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, NamedTuple

# Commands read here when their line is plain. `check` is the one run per plan in CI and pre-commit.
QUICK_COMMANDS = frozenset(("check",))
_ACTIONS = frozenset(("store", "append", "store_true", "store_const"))


class Argument(NamedTuple):
    """One `add_argument` call argparse would be given, as far as reading a plain line needs it."""

    dest: str
    action: str  # store, append, store_true, store_const
    default: Any
    const: Any
    choices: tuple[str, ...] | None


class Unsupported(Exception):
    """`add_arguments` asked for something this reader does not read: argparse reads every line."""


class Recorder:
    """Stands in for the command's parser in its `add_arguments`; keeps what reading a line needs."""

    def __init__(self) -> None:
        self.options: dict[str, Argument] = {}  # option string -> its argument
        self.positional: Argument | None = None  # one `nargs="*"` positional
        self.defaults: dict[str, Any] = {}  # dest -> default, the first argument's for a shared dest

    def add_argument(self, *flags: str, **kwargs: Any) -> None:
        """Record one argument, as argparse names its `dest` and fills its default; Unsupported otherwise."""
        action = kwargs.pop("action", "store")
        nargs = kwargs.pop("nargs", None)
        kwargs.pop("help", None)
        kwargs.pop("metavar", None)
        dest, const = kwargs.pop("dest", None), kwargs.pop("const", None)
        choices = kwargs.pop("choices", None)
        default = kwargs.pop("default", False if action == "store_true" else None)
        if kwargs or action not in _ACTIONS or not flags:
            raise Unsupported(f"{flags}: {sorted(kwargs)} {action}")
        argument_choices = tuple(choices) if choices is not None else None
        if not flags[0].startswith("-"):
            if self.positional is not None or nargs != "*" or action != "store" or len(flags) != 1:
                raise Unsupported(flags[0])
            self.positional = Argument(dest or flags[0], action, default, None, argument_choices)
            self.defaults.setdefault(self.positional.dest, default)
            return
        if nargs is not None or not all(f.startswith("-") and len(f) > 1 for f in flags):
            raise Unsupported(str(flags))
        long_flags = [f for f in flags if f.startswith("--")]
        name = dest or (long_flags[0] if long_flags else flags[0]).lstrip("-").replace("-", "_")
        argument = Argument(name, action, default, const, argument_choices)
        for flag in flags:
            self.options[flag] = argument
        self.defaults.setdefault(name, default)


def _recorder(command: str) -> Recorder | None:
    """What the command's `add_arguments` asks for (recorded afresh: defaults are per run), or None."""
    from planlint.cli import load_command

    recorder = Recorder()
    try:
        load_command(command).add_arguments(recorder)  # type: ignore[arg-type]  # duck-typed parser
    except (Unsupported, AttributeError):  # AttributeError: a parser method the recorder lacks
        return None
    return recorder


def quick_parse(argv: list[str]) -> SimpleNamespace | None:
    """`planlint COMMAND …` read as argparse reads it, or None when argparse must read it (see above)."""
    if not argv or argv[0] not in QUICK_COMMANDS:
        return None
    recorder = _recorder(argv[0])
    if recorder is None or recorder.positional is None:
        return None
    values = dict(recorder.defaults)
    positionals: list[str] = []
    options_after_positionals = False
    index = 1
    while index < len(argv):
        token = argv[index]
        if not token.startswith("-") or token == "-":
            if options_after_positionals:
                return None  # argparse reads one run of them; it reports the rest as unrecognized
            positionals.append(token)
            index += 1
            continue
        argument = recorder.options.get(token)
        if argument is None:
            return None
        options_after_positionals = bool(positionals)
        if argument.action == "store_true":
            values[argument.dest] = True
        elif argument.action == "store_const":
            values[argument.dest] = argument.const
        else:
            value = argv[index + 1] if index + 1 < len(argv) else None
            if value is None or (value.startswith("-") and value != "-"):
                return None
            if argument.choices is not None and value not in argument.choices:
                return None
            previous = values[argument.dest]
            values[argument.dest] = [*(previous or ()), value] if argument.action == "append" else value
            index += 1
        index += 1
    values[recorder.positional.dest] = positionals
    return SimpleNamespace(command=argv[0], **values)
