"""The argparse side of the command line: parsers that raise instead of exiting, built per command."""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Any, cast

from planlint import __version__
from planlint.cli import COMMANDS, SUMMARIES, UsageError

if TYPE_CHECKING:
    from planlint.cli import Command


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


def load_command(name: str) -> Command:
    """The module of one command (planlint/commands/NAME.py), imported now."""
    return cast("Command", importlib.import_module(COMMANDS[name]))


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


def command_parser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    """The sub-parser of `command` (for its own usage line in errors), else `parser` itself."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return cast(argparse.ArgumentParser, action.choices[command])
    return parser
