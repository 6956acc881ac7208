"""Which rules can match a change, decided once per change shape (platform, type, mode, kind, actions,
reason).

A 100k-change plan has a few hundred shapes, so most changes cost one dict lookup. The same index
says which changes a rule may read the attribute values of (`values_reader`), which lets a loader
drop the rest of a plan's input buffer before the rules run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fnmatch import fnmatchcase
from typing import NamedTuple

from planlint.catalogue import Catalogue, Classification, object_kind, with_policy_types
from planlint.config import DEFAULT_POLICY, Policy
from planlint.model import ACTIONS, NoOpTest, ResourceChange
from planlint.ruleset import Match, Rule, RuleSet

ShapeKey = tuple[str, str, str, str | None, tuple[str, ...], str | None]


class Shape(NamedTuple):
    """What every change of one shape shares: its classification and the rules that can match it."""

    classification: Classification
    rules: list[Rule]  # by id; their static checks (platform, actions, type/catalogue, reason) already hold
    # union of the attribute keys of the rules whose static checks other than the reason hold: each side is
    # decoded once, for the same keys whatever the reason
    attribute_keys: tuple[str, ...]


class Shapes:
    """The rules of a rule set (expired-waiver rules aside), indexed by change shape on first use."""

    __slots__ = ("_by_action", "_cache", "catalogue")

    def __init__(self, ruleset: RuleSet, policy: Policy = DEFAULT_POLICY) -> None:
        self.catalogue = policy_catalogue(ruleset, policy)
        self._by_action = _rules_by_action([r for r in ruleset.rules if not r.match.waiver_expired])
        self._cache: dict[ShapeKey, Shape] = {}

    def of(self, change: ResourceChange) -> Shape:
        """The shape of `change` (a kind-judged type's kind is read from its values)."""
        kind = change_kind(self.catalogue, change) if change.type in self.catalogue.kind_types else None
        key = (change.platform, change.type, change.mode, kind, change.actions, change.reason)
        shape = self._cache.get(key)
        if shape is None:
            classification = self.catalogue.classify(change.type, mode=change.mode, kind=kind)
            by_id = {r.id: r for a in change.actions for r in self._by_action[a]}
            rules = [by_id[i] for i in sorted(by_id) if _static_match(by_id[i], change, classification)]
            keys = dict.fromkeys(k for r in rules for k in r.match.attribute_keys)
            rules = [r for r in rules if _reason_match(r.match, change.reason)]
            shape = self._cache[key] = Shape(classification, rules, tuple(keys))
        return shape


def values_reader(ruleset: RuleSet, policy: Policy = DEFAULT_POLICY) -> Callable[[ResourceChange], bool]:
    """A predicate: may judging read this change's attribute values?

    True for a change some rule can match as far as its shape, reason, address and module go (its
    attribute conditions, protected tags, mitigations and message read values), and for kind-judged
    types (their kind is a value). No other code reads a change's values.
    """
    shapes = Shapes(ruleset, policy)

    def needed(change: ResourceChange) -> bool:
        if change.type in shapes.catalogue.kind_types:
            return True
        rules = shapes.of(change).rules
        return bool(rules) and any(plain_match(rule, change) for rule in rules)

    return needed


def no_op_reader(ruleset: RuleSet, policy: Policy = DEFAULT_POLICY) -> NoOpTest:
    """A predicate on a managed Terraform no-op, given its type, address, module and reason: may a rule match it?

    False lets a loader count the change instead of building its record (see `Plan.counted_no_ops`):
    no rule passes its shape (platform, type, catalogue, `actions:`) and reason/address/module checks,
    and everything else a rule tests (values, protection, plan thresholds) comes after those. The
    built-in rules never match a no-op; a policy rule without `actions:` can. Kind-judged types are
    always True: their shape depends on a value.
    """
    shapes = Shapes(ruleset, policy)
    by_type: dict[tuple[str, str | None], list[Rule]] = {}

    def may_match(resource_type: str, address: str, module: str | None, reason: str | None) -> bool:
        rules = by_type.get((resource_type, reason))
        if rules is None:
            if resource_type in shapes.catalogue.kind_types:
                return True
            probe = ResourceChange(
                address=address, type=resource_type, platform="terraform", actions=("no-op",), reason=reason
            )
            rules = by_type[resource_type, reason] = [
                r for r in shapes.of(probe).rules if _reason_match(r.match, reason)
            ]
        return bool(rules) and any(_place_match(r.match, address, module) for r in rules)

    return may_match


def plain_match(rule: Rule, change: ResourceChange) -> bool:
    """The checks on this change's reason, address and module: everything a rule tests before values."""
    m = rule.match
    return _reason_match(m, change.reason) and _place_match(m, change.address, change.module)


def _reason_match(m: Match, reason: str | None) -> bool:
    return (m.reasons is None or reason in m.reasons) and reason not in m.reasons_not


def _place_match(m: Match, address: str, module: str | None) -> bool:
    if m.addresses and not any(fnmatchcase(address, g) for g in m.addresses):
        return False
    return not m.modules or any(fnmatchcase(module or "", g) for g in m.modules)


def policy_catalogue(ruleset: RuleSet, policy: Policy) -> Catalogue:
    """The built-in catalogue with the policy's own `stateful_types` / `stateless_types`."""
    if policy.stateful_types or policy.stateless_types:
        return with_policy_types(
            ruleset.catalogue, policy.stateful_types, policy.stateless_types, policy.origin or ".planlint.yml"
        )
    return ruleset.catalogue


def change_kind(catalogue: Catalogue, change: ResourceChange) -> str | None:
    """The object kind of a kind-judged change (`kubernetes_manifest`: `manifest.kind`), else None."""
    path = catalogue.kind_types.get(change.type)
    if path is None:
        return None
    keys = (path[0],)
    return object_kind(
        catalogue, change.type, change.values.fields("before", keys), change.values.fields("after", keys)
    )


def _rules_by_action(rules: Sequence[Rule]) -> dict[str, list[Rule]]:
    """Index rules by the actions they can match, so a no-op costs one dict lookup, not a rule scan."""
    index: dict[str, list[Rule]] = {a: [] for a in ACTIONS}
    for rule in rules:
        for action in rule.match.actions if rule.match.actions is not None else ACTIONS:
            index[action].append(rule)
    return index


def _static_match(rule: Rule, change: ResourceChange, classification: Classification) -> bool:
    """The checks that depend only on the change's platform, type and actions."""
    m = rule.match
    if m.waiver_expired:
        return False
    if m.platforms is not None and change.platform not in m.platforms:
        return False
    if m.actions is not None and m.actions.isdisjoint(change.actions):
        return False
    if m.catalogue is None and m.types is None and m.unknown is None:
        return True
    return _type_matches(rule, change.type, classification)


def _type_matches(rule: Rule, resource_type: str, classification: Classification) -> bool:
    m = rule.match
    if m.types is not None and resource_type in m.types:
        return True
    klass = classification.klass
    if m.catalogue is not None and klass is not None and ("*" in m.catalogue or klass in m.catalogue):
        return True
    if m.unknown is not None and classification.standing == "unknown":
        return ("storage-like" if classification.storage_word else "other") in m.unknown
    return False
