"""`planlint check PLAN...`: judge plans or change sets and exit 0 (pass), 1 (approval needed) or 2 (error)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from planlint.decision import exit_code
from planlint.errors import ConfigError
from planlint.loaders import INPUT_FORMATS

if TYPE_CHECKING:
    import argparse

    from planlint.model import Verdict

HELP = (
    "Judge Terraform/OpenTofu plans (`terraform show -json`), CloudFormation change sets "
    "(`aws cloudformation describe-change-set`) and Pulumi previews (`pulumi preview --json`): which "
    "changes destroy or replace stateful resources, "
    "why, and whether a peer must approve. Exit 0: nothing needs approval; 1: approval required "
    "(or a deny finding); 2: usage, input or configuration error."
)
FORMATS = ("text", "json", "markdown", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="PLAN",
        help="plan/change-set/preview JSON files, CloudFormation templates, or directories of plans (one "
        "per stack: Terragrunt's --json-out-dir layout or a monorepo); '-' reads stdin (may be omitted with "
        "--source)",
    )
    add_run_report_argument(parser)
    parser.add_argument("--source", metavar="DIR", help="Terraform source: locate findings in its .tf files")
    parser.add_argument(
        "--base-source", metavar="DIR", help="the change's base checkout: report protections removed since it"
    )
    parser.add_argument(
        "--template",
        action="append",
        default=[],
        metavar="FILE",
        help="CloudFormation template the change set was created from: locate findings in it",
    )
    parser.add_argument(
        "--base-ref",
        metavar="REF",
        help="like --base-source, but the --source directory at git REF (e.g. HEAD)",
    )
    parser.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        help="skip detection and read every input as this format",
    )
    add_report_arguments(parser)


def add_run_report_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--run-report",
        metavar="FILE",
        help="Terragrunt's run report (--report-file, JSON or CSV) for the plan directory: a failed, "
        "early-exited or unplanned unit is an error, an excluded one is reported",
    )


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Policy, rules and output options shared by every command that reports a verdict."""
    parser.add_argument(
        "-f", "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "-c",
        "--config",
        metavar="FILE",
        help="policy file (.planlint.yml); default $PLANLINT_CONFIG. Never read implicitly "
        "from the working tree, which may be the change under review",
    )
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of stdout")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in text output; auto (the default) colours a terminal unless NO_COLOR is set, "
        "and any output when FORCE_COLOR is set",
    )
    parser.add_argument(
        "--no-color", dest="color", action="store_const", const="never", help="same as --color never"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="text output: print only the decision line"
    )


def run(args: argparse.Namespace) -> int:
    from planlint.pipeline import run_check

    if not args.inputs and args.source is None:
        raise ConfigError("give at least one PLAN, or --source DIR to check Terraform source alone")
    verdict = run_check(
        args.inputs,
        input_format=args.input_format,
        config_path=policy_path(args),
        rule_dirs=args.rules,
        source=args.source,
        base_source=args.base_source,
        base_ref=args.base_ref,
        templates=args.template,
        run_report=args.run_report,
    )
    return report(verdict, args)


def report(verdict: Verdict, args: argparse.Namespace) -> int:
    """Write the verdict in the chosen format and return the exit code.

    Text follows the terminal: a table at its width when stdout is one, plain lines otherwise;
    colour per `wants_color`.
    """
    from planlint.report import render

    to_tty = args.output is None and sys.stdout.isatty()
    if args.format == "text" and getattr(args, "quiet", False):
        from planlint.report.wording import DECISION_TEXT

        text = f"Decision: {DECISION_TEXT[verdict.decision]}\n"
    else:
        width = _terminal_width() if to_tty else None
        from planlint.report.wording import run_context

        color = wants_color(args.color, to_tty)
        text = render(args.format, verdict, color=color, width=width, context=run_context(os.environ))
    if args.output:
        from planlint.output import write_file

        write_file(args.output, text)
    else:
        sys.stdout.write(text)
    return exit_code(verdict.decision)


def _terminal_width() -> int:
    import shutil  # not at the top: with bz2 and lzma, ~2 ms of a small check that writes to a file or pipe

    return shutil.get_terminal_size().columns


def wants_color(choice: str, to_tty: bool) -> bool:
    """--color always/never win; then NO_COLOR (no-color.org) and FORCE_COLOR (force-color.org), each
    counting when set and not empty; otherwise colour exactly when writing to a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return to_tty


def policy_path(args: argparse.Namespace) -> str | None:
    """Only an explicit policy counts: a `.planlint.yml` in the working tree may be the change under review."""
    return str(args.config) if args.config else os.environ.get("PLANLINT_CONFIG") or None
