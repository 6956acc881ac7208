"""`planlint catalogue [TYPE...]`: how planlint classes resource types, and where each fact comes from."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planlint.catalogue import Catalogue, Classification

HELP = (
    "Say how planlint classes each TYPE (a Terraform type such as aws_db_instance, a CloudFormation type "
    "such as AWS::RDS::DBInstance or Custom::Name): stateful (with its catalogue class), known stateless, "
    "or unknown (its delete or replace needs approval until .planlint.yml classes it), and the source of "
    "that fact. Without TYPE, count the catalogue per provider and class. Exit 0, or 1 when a named type "
    "is unknown."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("types", nargs="*", metavar="TYPE", help="resource types to look up")
    parser.add_argument(
        "--kind", metavar="KIND", help="object kind for kind-judged types (kubernetes_manifest), e.g. Secret"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="policy file whose stateful_types/stateless_types apply"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def run(args: argparse.Namespace) -> int:
    from planlint.catalogue import with_policy_types
    from planlint.config import load_policy
    from planlint.ruleset import load_ruleset

    catalogue = load_ruleset().catalogue
    if args.config:
        policy = load_policy(args.config)
        catalogue = with_policy_types(catalogue, policy.stateful_types, policy.stateless_types, args.config)
    if not args.types:
        counts = catalogue_counts(catalogue)
        sys.stdout.write(json.dumps(counts, indent=2) + "\n" if args.format == "json" else _table(counts))
        return 0
    found = [(name, catalogue.classify(name, kind=args.kind)) for name in args.types]
    if args.kind is None and any(name in catalogue.kind_types for name in args.types):
        for name in (n for n in args.types if n in catalogue.kind_types):
            sys.stderr.write(
                f"planlint: {name} is judged by its object kind ({'.'.join(catalogue.kind_types[name])}): "
                f"stateful kinds {', '.join(sorted(catalogue.kinds))}; stateless kinds "
                f"{', '.join(sorted(catalogue.stateless_kinds))}; any other kind is unknown. "
                "Name one with --kind.\n"
            )
    if args.format == "json":
        sys.stdout.write(json.dumps([_record(n, c, catalogue) for n, c in found], indent=2) + "\n")
    else:
        sys.stdout.write("".join(_line(n, c, catalogue) for n, c in found))
    return 1 if any(c.standing == "unknown" for _, c in found) else 0


def provider_of(resource_type: str) -> str:
    """`aws` for aws_db_instance, `cloudformation` for AWS::RDS::DBInstance and Custom::X."""
    if "::" in resource_type:
        return "cloudformation"
    if ":" in resource_type:  # a Pulumi type token, classed through its twin (rules/catalogue/pulumi/)
        return f"pulumi {resource_type.split(':', 1)[0]}"
    return resource_type.split("_", 1)[0]


def catalogue_counts(catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Provider -> {catalogue class or "stateless": number of types}, providers sorted by name."""
    counts: Counter[tuple[str, str]] = Counter()
    for name, entry in catalogue.entries.items():
        counts[provider_of(name), entry.klass] += 1
    for name in catalogue.stateless:
        counts[provider_of(name), "stateless"] += 1
    table: dict[str, dict[str, int]] = {}
    for (provider, column), number in sorted(counts.items()):
        table.setdefault(provider, {})[column] = number
    return table


def _table(counts: dict[str, dict[str, int]]) -> str:
    from planlint.catalogue import CLASSES

    columns = (*CLASSES, "stateless")
    rows: list[tuple[str, ...]] = [("provider", *columns, "stateful")]
    for provider, row in counts.items():
        stateful = sum(row.get(c, 0) for c in CLASSES)
        rows.append((provider, *(str(row.get(c, 0)) for c in columns), str(stateful)))
    totals = [sum(r.get(c, 0) for r in counts.values()) for c in columns]
    rows.append(("all", *map(str, totals), str(sum(totals[: len(CLASSES)]))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in rows
    )


def _record(name: str, found: Classification, catalogue: Catalogue) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": name,
        "standing": found.standing,
        "class": found.klass,
        "what": found.what,
        "source": found.source,
    }
    if found.standing == "unknown":
        record["storage_word"] = found.storage_word
        record["rule"] = "PL004" if found.storage_word else "PL003"
    if name in catalogue.kind_types:
        record["kind_path"] = ".".join(catalogue.kind_types[name])
    return record


def _line(name: str, found: Classification, catalogue: Catalogue) -> str:
    if found.standing == "stateful":
        text = f"{name}: stateful ({found.klass}): {found.what} [{found.source}]"
    elif found.standing == "stateless":
        text = f"{name}: known stateless [{found.source}]"
    elif name in catalogue.kind_types:  # never suggest classing every object of a kind-judged type
        text = (
            f"{name}: unknown: a delete or replace needs approval (PL003); it is judged by each object's kind"
        )
    else:
        why = (
            f'its name reads like storage ("{found.storage_word}"), PL004' if found.storage_word else "PL003"
        )
        text = (
            f"{name}: unknown: a delete or replace needs approval ({why}). Class it in .planlint.yml: "
            f"`stateful_types: {{{name}: data}}` or `stateless_types: [{name}]`"
        )
    return text + "\n"
