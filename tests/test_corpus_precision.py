"""Precision and recall of the built-in rules over every real plan and change set in the corpus.

Precision: a plan whose changes are only creates, updates, no-ops, reads, moves, imports, forgets, or
deletes/replacements of known-stateless types must not need approval.
Recall: every delete or replacement of a catalogued type, and of a type planlint does not know, must be
gated by a finding on its address, except a CloudFormation removal with DeletionPolicy Retain (nothing is
destroyed), which must still be reported, as `info`.

The classification below uses only the change model and the catalogue, never the rules' own output.
Inputs the loaders refuse (documented in the loader conformance tests) are not judged here. Nested
CloudFormation change sets are loaded together with their parent, as a user would pass them.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

from planlint.catalogue import Catalogue
from planlint.engine import classify_change
from planlint.errors import InputError
from planlint.loaders import load_inputs
from planlint.model import Plan, ResourceChange, Verdict
from planlint.pipeline import judge
from planlint.ruleset import load_ruleset

BENIGN_ACTIONS = frozenset(("create", "update", "no-op", "read", "move", "import", "forget"))
# A weakened protection (DeletionPolicy Retain removed) is an update that needs approval on purpose
# (PL018): a plan containing one is not "only updates".
WEAKENED_REASONS = frozenset(("cfn_deletion_policy_removed",))


def _corpus_root() -> Path:
    """Same location as the `corpus` fixture (tests/conftest.py); needed at collection time."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    return Path(os.environ.get("PLANLINT_CORPUS", default)).resolve()


def _input_groups() -> list[tuple[str, ...]]:
    """Every Terraform plan alone; CloudFormation change sets grouped with their nested children."""
    root = _corpus_root()
    if not root.is_dir():
        return []
    groups = [(str(p.relative_to(root)),) for p in sorted((root / "terraform").rglob("*.json"))]
    change_sets: dict[str, str] = {}
    parents: dict[str, str] = {}
    for path in sorted((root / "cloudformation").rglob("*.json")):
        rel = str(path.relative_to(root))
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            groups.append((rel,))
            continue
        if isinstance(doc, dict) and isinstance(doc.get("ChangeSetId"), str):
            change_sets[doc["ChangeSetId"]] = rel
            if isinstance(doc.get("ParentChangeSetId"), str):
                parents[rel] = doc["ParentChangeSetId"]
                continue
        groups.append((rel,))
    children: dict[str, list[str]] = {}
    for child, parent_id in parents.items():
        parent = change_sets.get(parent_id)
        if parent is None:
            groups.append((child,))
        else:
            children.setdefault(parent, []).append(child)
    return [(g[0], *sorted(children.get(g[0], ()))) if len(g) == 1 else g for g in groups]


@cache
def _catalogue() -> Catalogue:
    return load_ruleset().catalogue


def _is_stateful_destroy(change: ResourceChange) -> bool:
    """A delete or replacement of a catalogued type, or of one planlint does not know (not stateless)."""
    return change.is_destructive and classify_change(_catalogue(), change).standing != "stateless"


def _is_benign(change: ResourceChange) -> bool:
    if change.reason in WEAKENED_REASONS:
        return False
    if set(change.actions) <= BENIGN_ACTIONS:
        return True
    return not _is_stateful_destroy(change)


def _judge(corpus: Path, group: tuple[str, ...]) -> tuple[list[Plan], Verdict]:
    try:
        plans = load_inputs([str(corpus / p) for p in group])
    except InputError as exc:
        pytest.skip(f"refused by the loader (see the conformance tests): {exc}")
    return plans, judge(plans)


@pytest.mark.parametrize("group", _input_groups(), ids=lambda g: g[0])
def test_corpus_plan(corpus: Path, group: tuple[str, ...]) -> None:
    plans, verdict = _judge(corpus, group)
    changes = [(plan, c) for plan in plans for c in plan.changes]
    if all(_is_benign(c) for _, c in changes):
        gated = [f"{f.rule_id} {f.address}: {f.message}" for f in verdict.findings if f.gated]
        assert verdict.decision == "pass", (
            f"false alarm on a plan that destroys nothing stateful or unknown: {gated}"
        )
        return
    for plan, change in changes:
        if not _is_stateful_destroy(change):
            continue
        own = [
            f
            for f in verdict.findings
            if f.origin == plan.origin and f.address == change.address and f.waived_by is None
        ]
        if change.policy_action == "Retain":
            assert own, f"{change.address}: a retained removal must still be reported"
            assert all(not f.gated for f in own), f"{change.address}: Retain keeps the resource"
            continue
        assert any(f.gated for f in own), f"{change.address} ({change.type}, {change.actions}) is not gated"
    if any(_is_stateful_destroy(c) and c.policy_action != "Retain" for _, c in changes):
        assert verdict.decision == "approval_required"


def test_corpus_has_both_kinds(corpus: Path) -> None:
    """Guard against a vacuous pass: the corpus must hold benign plans and stateful destroys."""
    benign = destructive = 0
    for group in _input_groups():
        try:
            plans = load_inputs([str(corpus / p) for p in group])
        except InputError:
            continue
        changes = [c for plan in plans for c in plan.changes]
        if all(_is_benign(c) for c in changes):
            benign += 1
        if any(_is_stateful_destroy(c) for c in changes):
            destructive += 1
    assert benign >= 100
    assert destructive >= 5
