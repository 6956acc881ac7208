"""`planlint check PLAN...`: judge plans or change sets and exit 0 (pass), 1 (approval needed) or 2 (error)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planlint.decision import exit_code
from planlint.errors import ConfigError

if TYPE_CHECKING:
    from planlint.model import Verdict

HELP = (
    "Judge Terraform/OpenTofu plans (`terraform show -json`) and CloudFormation change sets "
    "(`aws cloudformation describe-change-set`): which changes destroy or replace stateful resources, "
    "why, and whether a peer must approve. Exit 0: nothing needs approval; 1: approval required "
    "(or a deny finding); 2: usage, input or configuration error."
)
FORMATS = ("text", "json", "markdown", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="PLAN",
        help="plan/change-set JSON files or CloudFormation templates; "
        "'-' reads stdin (may be omitted with --source)",
    )
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
        choices=("terraform", "cloudformation", "cloudformation-template"),
        help="skip detection and read every input as this format",
    )
    add_report_arguments(parser)


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
        "--color", choices=("auto", "always", "never"), default="auto", help="colour in text output"
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
    )
    return report(verdict, args)


def report(verdict: Verdict, args: argparse.Namespace) -> int:
    """Write the verdict in the chosen format (colour only on a terminal) and return the exit code."""
    from planlint.report import render

    to_tty = args.output is None and sys.stdout.isatty()
    color = args.color == "always" or (args.color == "auto" and to_tty)
    text = render(args.format, verdict, color=color)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return exit_code(verdict.decision)


def policy_path(args: argparse.Namespace) -> str | None:
    """Only an explicit policy counts: a `.planlint.yml` in the working tree may be the change under review."""
    return str(args.config) if args.config else os.environ.get("PLANLINT_CONFIG") or None
