"""The argparse side of the command line: parsers that raise instead of exiting, built per command."""

from __future__ import annotations

import argparse
from typing import Any, cast

from planlint import __version__
from planlint.cli import COMMANDS, SUMMARIES, UsageError, load_command


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors go through the one handler (exit 2).

    Abbreviations are refused (`--tr` is not `--trust-dir`): a hook or sudoers rule that matches the
    literal option must see every option spelled out, so planlint never guesses what a prefix meant.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, prog=self.prog, usage=self.format_usage())


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """planlint's parser with every command listed; only `command`'s module is imported for its options."""
    parser = Parser(
        prog="planlint",
        description="Stop infrastructure changes from destroying or replacing stateful resources "
        "unless a peer approved that exact change.",
    )
    parser.add_argument("--version", action="version", version=f"planlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        if name == command:
            module = load_command(name)
            module.add_arguments(sub.add_parser(name, help=SUMMARIES.get(name), description=module.HELP))
        else:
            sub.add_parser(name, help=SUMMARIES.get(name), add_help=False)
    return parser


def command_only_parser(name: str) -> argparse.ArgumentParser:
    """`planlint NAME`'s own parser, the same as `build_parser(NAME)`'s sub-parser of NAME, built alone.

    For a command line that starts with NAME (`planlint check PLAN`): planlint's own parser has nothing
    to read before NAME, and a sub-parser takes every argument after it, so neither planlint's parser nor
    the other commands' are needed (building them is most of argparse's share of a small check).
    """
    module = load_command(name)
    parser = Parser(prog=f"planlint {name}", description=module.HELP)
    module.add_arguments(parser)
    return parser


def parse_command_line(args: list[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The parser that read `args` and what it read (`command`: the command's name, or None).

    Usage errors raise UsageError, printed with the usage line of the parser whose arguments they are.
    """
    if args and args[0] in COMMANDS:
        parser = command_only_parser(args[0])
        namespace, extra = parser.parse_known_args(args[1:], argparse.Namespace(command=args[0]))
    else:
        command = next((a for a in args if not a.startswith("-")), None)
        parser = build_parser(command if command in COMMANDS else None)
        namespace, extra = parser.parse_known_args(args)
    if extra:  # reported by the subcommand's parser, with its usage line, not planlint's
        command_parser(parser, namespace.command).error(f"unrecognized arguments: {' '.join(extra)}")
    return parser, namespace


def command_parser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    """The sub-parser of `command` (for its own usage line in errors), else `parser` itself."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return cast(argparse.ArgumentParser, action.choices[command])
    return parser
