"""`planlint config validate [FILE]`: check a `.planlint.yml` against the schema and the loaded rules."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from planlint.errors import ConfigError

if TYPE_CHECKING:
    from planlint.config import Policy

HELP = (
    "Validate a policy file (.planlint.yml): JSON Schema (unknown keys are errors, with a did-you-mean), "
    "rule ids that exist among the loaded rules, extra stateful and stateless types that do not contradict "
    "the catalogue, and waiver dates. Exit 0 when valid (expired waivers are reported as warnings), 2 when not."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("validate",), help="what to do with the policy file")
    parser.add_argument(
        "file", nargs="?", default=".planlint.yml", help="policy file (default: .planlint.yml)"
    )
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")


def run(args: argparse.Namespace) -> int:
    from planlint.config import load_policy
    from planlint.ruleset import load_ruleset

    policy = load_policy(args.file)
    ruleset = load_ruleset([*policy.rule_dirs, *args.rules])
    known = [r.id for r in ruleset.rules]
    _check_rule_ids("rules", policy.rules, known, args.file)
    _check_rule_ids("waivers", (w.rule for w in policy.waivers), known, args.file)
    for name, klass in policy.stateful_types.items():
        current = ruleset.catalogue.klass(name)
        if current is not None and current != klass:
            raise ConfigError(
                f"stateful_types/{name}: the catalogue already lists it as {current!r}, not {klass!r}",
                args.file,
            )
    from planlint.catalogue import with_policy_types

    with_policy_types(ruleset.catalogue, policy.stateful_types, policy.stateless_types, args.file)
    for waiver in policy.waivers:
        if policy.as_of is not None and waiver.expires < policy.as_of:
            sys.stderr.write(
                f"planlint: warning: {args.file}: {waiver.where} ({waiver.rule} for {waiver.address!r}) "
                f"expired on {waiver.expires}; it no longer applies\n"
            )
    sys.stdout.write(f"{args.file}: valid ({_summary(policy)})\n")
    return 0


def _check_rule_ids(where: str, ids: Iterable[str], known: list[str], origin: str) -> None:
    for rule_id in ids:
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; `planlint rules list` shows them"
            raise ConfigError(f"{where}: no loaded rule {rule_id!r}{hint}", origin)


def _summary(policy: Policy) -> str:
    parts = [
        f"{len(policy.rules)} rule override(s)",
        f"{len(policy.waivers)} waiver(s)",
        f"{len(policy.stateful_types)} extra stateful type(s)",
        f"{len(policy.stateless_types)} extra stateless type(s)",
        f"unknown types: {policy.unknown_types or 'approve'}",
        f"{'protect patterns' if policy.protect else 'no protect patterns'}",
        f"approval label {policy.approval.label!r}",
    ]
    if policy.blast_radius:
        parts.append(
            "blast_radius " + ", ".join(f"{k}={v:g}" for k, v in sorted(policy.blast_radius.items()))
        )
    return "; ".join(parts)
