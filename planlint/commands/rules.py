"""`planlint rules [list|show ID]`: the loaded rules and their documentation."""

from __future__ import annotations

import argparse
import sys

from planlint.errors import ConfigError

HELP = "List the loaded rules (built-in plus --rules directories), or show one rule's documentation."
DOC_SECTIONS = (
    ("what", "What it checks"),
    ("why", "Why it matters"),
    ("example", "Example"),
    ("fix", "How to fix"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    parser.add_argument("rule_id", nargs="?", metavar="ID", help="rule id for `show`, e.g. PL001")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")


def run(args: argparse.Namespace) -> int:
    from planlint.ruleset import load_ruleset

    ruleset = load_ruleset(args.rules)
    if args.action == "list":
        for listed in ruleset.rules:
            sys.stdout.write(
                f"{listed.id}  {listed.enforcement:<8} {listed.severity:<8} {listed.name}: {listed.title}\n"
            )
        return 0
    if not args.rule_id:
        raise ConfigError("`planlint rules show` needs a rule id, e.g. `planlint rules show PL001`")
    rule = ruleset.get(args.rule_id.upper())
    if rule is None:
        raise ConfigError(f"no rule {args.rule_id!r}; `planlint rules list` shows the loaded rules")
    out = [
        f"{rule.id} {rule.name}: {rule.title}",
        f"severity: {rule.severity}  enforcement: {rule.enforcement}",
        "",
    ]
    for key, heading in DOC_SECTIONS:
        out += [f"## {heading}", str(rule.docs.get(key, "")).strip(), ""]
    refs = rule.docs.get("references") or []
    if refs:
        out += ["## References", *(f"- {r}" for r in refs), ""]
    sys.stdout.write("\n".join(out))
    return 0
