"""`planlint diff OLD NEW`: predict from two CloudFormation templates what a deploy would delete or replace."""

from __future__ import annotations

import argparse

from planlint.commands.check import add_report_arguments, policy_path, report
from planlint.errors import ConfigError

HELP = (
    "Predict from two CloudFormation templates (old and new, JSON or YAML) which resources a deploy "
    "would delete or replace: removed or renamed logical ids, changed create-only properties (from "
    "cfn-lint's bundled resource schemas), items dropped from a Fn::ForEach list, weakened "
    "DeletionPolicy/UpdateReplacePolicy. What hangs on a condition, a parameter's value, a transform or a "
    "module is judged as the worst case and names what is not resolved. The same rules and exit codes as "
    "`check` apply; these are predictions from the templates, not AWS's change set."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "templates", nargs="+", metavar="TEMPLATE", help="OLD NEW, or NEW with --base-template"
    )
    parser.add_argument(
        "--base-template", metavar="OLD", help="the template currently deployed (or on the base branch)"
    )
    add_report_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from planlint.config import DEFAULT_POLICY, load_policy
    from planlint.pipeline import judge
    from planlint.templates import no_cyclic_gc, read_template
    from planlint.templates.diff import diff_templates

    old_path, new_path = _pair(args.templates, args.base_template)
    config = policy_path(args)
    policy = load_policy(config) if config else DEFAULT_POLICY
    with no_cyclic_gc():  # decode + diff allocate ~100 objects per resource and no cycles
        plan = diff_templates(read_template(old_path), read_template(new_path))
    return report(judge([plan], policy, args.rules), args)


def _pair(templates: list[str], base_template: str | None) -> tuple[str, str]:
    if base_template is not None and len(templates) == 1:
        return base_template, templates[0]
    if base_template is None and len(templates) == 2:
        return templates[0], templates[1]
    raise ConfigError("give OLD and NEW templates, or one NEW template with --base-template OLD")
