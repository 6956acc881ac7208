"""Command line entry point: `planlint <command> ...`. Tests call `main([...])`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

from planlint import __version__
from planlint.errors import PlanlintError


class Command(Protocol):
    """What a module under planlint/commands/ provides."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


# Explicit registry: command name -> module. Modules are imported only when their command runs, so
# `planlint --version` and `planlint check` never pay for the GitHub client or cfn-lint.
COMMANDS: dict[str, str] = {
    "check": "planlint.commands.check",
    "pre-commit": "planlint.commands.precommit",
    "rules": "planlint.commands.rules",
    "diff": "planlint.commands.diff",
    "hook": "planlint.commands.hook",
    "hooks": "planlint.commands.hooks",
    "guard": "planlint.commands.guard",
    "approve": "planlint.commands.approve",
    "gate": "planlint.commands.gate",
    "config": "planlint.commands.config",
    "doctor": "planlint.commands.doctor",
    "serve": "planlint.commands.serve",
    "catalogue": "planlint.commands.catalogue",
}

# Help text shown by `planlint --help` without importing every command module.
SUMMARIES: dict[str, str] = {
    "check": "judge plans or change sets: what destroys or replaces stateful resources",
    "pre-commit": "the pre-commit hooks: changed Terraform directories (deletions too) and templates",
    "rules": "list the loaded rules or show one rule's documentation",
    "diff": "predict from two CloudFormation templates what a deploy would delete or replace",
    "approve": "sign a single-use approval of one destructive digest with your SSH key",
    "guard": "run terraform/tofu/cloudformation/cdk/sam/pulumi only as far as planlint's judgement allows",
    "hooks": "install planlint's hook into an agent's configuration (merging, never clobbering)",
    "hook": "answer an agent's pre-tool-use hook (claude, codex, gemini, cursor, kiro, copilot, ...)",
    "gate": "decide peer approval of a pull request's destructive changes from live GitHub evidence",
    "config": "validate a policy file (.planlint.yml): schema, rule ids, waivers",
    "doctor": "run as the agent's account: what it can still reach around guard (credentials, trust, sudo)",
    "serve": "serve planlint over HTTP: `serve run-task` is an HCP Terraform / TFE run task",
    "catalogue": "say how resource types are classed (stateful, known stateless, unknown) and why",
}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors go through the one handler (exit 2).

    Abbreviations are refused (`--tr` is not `--trust-dir`): a hook or sudoers rule that matches the
    literal option must see every option spelled out, so planlint never guesses what a prefix meant.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, prog=self.prog, usage=self.format_usage())


class UsageError(PlanlintError):
    """Bad command-line usage: printed as argparse does, the usage line then `PROG: error: MESSAGE`."""

    def __init__(self, message: str, *, prog: str = "planlint", usage: str = "") -> None:
        super().__init__(message)
        self.prog = prog
        self.usage = usage


def _load(name: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[name]))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="planlint",
        description="Stop infrastructure changes from destroying or replacing stateful resources "
        "unless a peer approved that exact change.",
    )
    parser.add_argument("--version", action="version", version=f"planlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        if name == command:
            module = _load(name)
            module.add_arguments(sub.add_parser(name, help=SUMMARIES.get(name), description=module.HELP))
        else:
            sub.add_parser(name, help=SUMMARIES.get(name), add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    args: argparse.Namespace | None = None
    try:
        parser = build_parser(command if command in COMMANDS else None)
        args, extra = parser.parse_known_args(args_list)
        if extra:  # reported by the subcommand's parser, with its usage line, not planlint's
            _command_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
        if args.command is None:
            parser.print_help()
            return 2
        return _load(args.command).run(args)
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        print(f"{exc.prog}: error: {exc.message}", file=sys.stderr)
        return 2
    except PlanlintError as exc:
        print(f"planlint: error: {exc}", file=sys.stderr)
        if args is not None:
            _machine_error_report(args, exc)
        return 2
    except KeyboardInterrupt:
        print("planlint: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 2


def _command_parser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return cast(argparse.ArgumentParser, action.choices[command])
    return parser


def _machine_error_report(args: argparse.Namespace, exc: PlanlintError) -> None:
    """A command with --format gets the error in that format too (stdout or --output), so a program
    reading the report sees `decision: error` instead of nothing. Text has the stderr line only."""
    fmt = getattr(args, "format", None)
    if fmt in (None, "text"):
        return
    from planlint.report.failure import render_error

    text = render_error(fmt, exc)
    output = getattr(args, "output", None)
    try:
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    except OSError as write_error:
        print(f"planlint: error: could not write the error report: {write_error}", file=sys.stderr)
