"""Command line entry point: `planlint <command> ...`. Tests call `main([...])`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from planlint.errors import OutputError, PlanlintError

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:  # argparse is imported only when a command line is parsed (not for `hook AGENT`)
    import argparse
    from typing import Protocol

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


# Commands whose run decodes with msgspec: the command line imports it for them first, without
# typing_extensions (planlint/msgspec_lean.py). hook, hooks, approve and doctor never decode with it.
DECODES_WITH_MSGSPEC = frozenset(
    ("check", "pre-commit", "rules", "diff", "guard", "gate", "config", "serve", "catalogue")
)


class UsageError(PlanlintError):
    """Bad command-line usage: printed as argparse does, the usage line then `PROG: error: MESSAGE`."""

    def __init__(self, message: str, *, prog: str = "planlint", usage: str = "") -> None:
        super().__init__(message)
        self.prog = prog
        self.usage = usage


def load_command(name: str) -> Command:
    """The module of one command (planlint/commands/NAME.py), imported now.

    By `__import__`, not `importlib.import_module`: importing importlib (and its `warnings`) would cost a
    small check more than finding the module does.
    """
    __import__(COMMANDS[name])
    module: Command = sys.modules[COMMANDS[name]]  # a module satisfies the Protocol
    return module


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line's parser; only `command`'s own module is imported (see planlint.cli_parser)."""
    from planlint.cli_parser import build_parser as build

    return build(command)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | None = None
    try:
        if len(args_list) == 2 and args_list[0] == "hook":
            # An agent calls this before every tool use: answer without building argparse's parsers.
            from planlint.hooks import ADAPTERS

            if args_list[1] in ADAPTERS:
                from planlint.hooks.contract import answer  # not planlint.commands.hook: two modules fewer

                return answer(args_list[1])
        import gc

        from planlint.cli_parser import parse_command_line

        command = next((a for a in args_list if not a.startswith("-")), None)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # start-up makes modules, classes and parsers, not garbage: no cyclic collections
        try:
            if command in DECODES_WITH_MSGSPEC:
                from planlint.msgspec_lean import import_msgspec

                import_msgspec()
            parser, args = parse_command_line(args_list)
        finally:
            if gc_was_enabled:
                gc.enable()
        if args.command is None:
            parser.print_help()
            return 2
        code = load_command(args.command).run(args)
        sys.stdout.flush()  # a full disk or closed pipe shows here, not in the interpreter's exit
        return code
    except UsageError as exc:
        sys.stderr.write(exc.usage)
        print(f"{exc.prog}: error: {exc.message}", file=sys.stderr)
        return 2
    except PlanlintError as exc:
        print(f"planlint: error: {exc}", file=sys.stderr)
        if args is not None and not isinstance(exc, OutputError):  # the output is what failed
            _machine_error_report(args, exc)
        return 2
    except KeyboardInterrupt:
        print("planlint: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        from planlint.output import stdout_failed

        stdout_failed(BrokenPipeError())  # a reader that went away needs no message
        return 2
    except OSError as exc:
        from planlint.output import stdout_failed

        failure = stdout_failed(exc)
        if failure is None:
            raise
        print(f"planlint: error: {failure}", file=sys.stderr)
        return 2


def _machine_error_report(args: argparse.Namespace, exc: PlanlintError) -> None:
    """A command with --format gets the error in that format too (stdout or --output), so a program
    reading the report sees `decision: error` instead of nothing. Text has the stderr line only."""
    fmt = getattr(args, "format", None)
    if fmt in (None, "text"):
        return
    from planlint.output import stdout_failed, write_file
    from planlint.report.failure import render_error

    text = render_error(fmt, exc)
    output = getattr(args, "output", None)
    try:
        if output:
            write_file(output, text, what="the error report")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except OutputError as write_error:
        print(f"planlint: error: {write_error}", file=sys.stderr)
    except OSError as write_error:
        failure = stdout_failed(write_error)
        print(f"planlint: error: {failure or write_error}", file=sys.stderr)
