"""`planlint diff OLD NEW`: predict from two CloudFormation templates what a deploy would delete or replace."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from planlint.decision import exit_code
from planlint.errors import ConfigError

HELP = (
    "Predict from two CloudFormation templates (old and new, JSON or YAML) which resources a deploy "
    "would delete or replace: removed or renamed logical ids, changed create-only properties (from "
    "cfn-lint's bundled resource schemas), weakened DeletionPolicy/UpdateReplacePolicy. The same rules "
    "and exit codes as `check` apply; these are predictions from the templates, not AWS's change set."
)
FORMATS = ("text", "json", "markdown", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "templates", nargs="+", metavar="TEMPLATE", help="OLD NEW, or NEW with --base-template"
    )
    parser.add_argument(
        "--base-template", metavar="OLD", help="the template currently deployed (or on the base branch)"
    )
    parser.add_argument(
        "-f", "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "-c", "--config", metavar="FILE", help="policy file (.planlint.yml); default $PLANLINT_CONFIG"
    )
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of stdout")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour in text output"
    )


def run(args: argparse.Namespace) -> int:
    from planlint.config import DEFAULT_POLICY, load_policy
    from planlint.pipeline import judge
    from planlint.report import render
    from planlint.templates import read_template
    from planlint.templates.diff import diff_templates

    old_path, new_path = _pair(args.templates, args.base_template)
    config = args.config or os.environ.get("PLANLINT_CONFIG") or None
    policy = load_policy(config) if config else DEFAULT_POLICY
    plan = diff_templates(read_template(old_path), read_template(new_path))
    verdict = judge([plan], policy, args.rules)
    to_tty = args.output is None and sys.stdout.isatty()
    color = args.color == "always" or (args.color == "auto" and to_tty)
    report = render(args.format, verdict, color=color)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    return exit_code(verdict.decision)


def _pair(templates: list[str], base_template: str | None) -> tuple[str, str]:
    if base_template is not None and len(templates) == 1:
        return base_template, templates[0]
    if base_template is None and len(templates) == 2:
        return templates[0], templates[1]
    raise ConfigError("give OLD and NEW templates, or one NEW template with --base-template OLD")
