"""Evaluate rules over plans. Pure: no I/O, no printing, no environment; same input, same findings."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any

from planlint.blast_radius import PlanStats, condition_holds, plan_stats, share_text
from planlint.catalogue import Catalogue, Classification, object_kind, with_policy_types
from planlint.config import DEFAULT_POLICY, Policy
from planlint.decision import decide
from planlint.digest import destructive_digest
from planlint.mitigations import mitigation_of
from planlint.model import ACTIONS, Finding, Plan, ResourceChange, Verdict
from planlint.patterns import resource_matches
from planlint.report.wording import action_text, reason_text
from planlint.ruleset import ABSENT, AttributeCondition, Rule, RuleSet
from planlint.waivers import apply_waivers


class PlanContext:
    """What a rule may need beyond one change: plan-wide counts (computed once, on first use), policy."""

    __slots__ = ("_stats", "plan", "policy")

    def __init__(self, plan: Plan, policy: Policy) -> None:
        self.plan = plan
        self.policy = policy
        self._stats: PlanStats | None = None

    @property
    def stats(self) -> PlanStats:
        if self._stats is None:
            self._stats = plan_stats(self.plan)
        return self._stats


def evaluate(plans: Sequence[Plan], ruleset: RuleSet, policy: Policy = DEFAULT_POLICY) -> Verdict:
    """Run every rule over every change of every plan and decide."""
    by_action = _rules_by_action([r for r in ruleset.rules if not r.match.waiver_expired])
    catalogue = ruleset.catalogue
    if policy.stateful_types or policy.stateless_types:
        catalogue = with_policy_types(
            catalogue, policy.stateful_types, policy.stateless_types, policy.origin or ".planlint.yml"
        )
    matched: list[tuple[Finding, ResourceChange]] = []
    # Which rules can match a (platform, type, mode, kind, actions) shape is decided once per shape: a
    # 100k-change plan has a few hundred shapes, so most changes cost one dict lookup.
    shapes: dict[tuple[str, str, str, str | None, tuple[str, ...]], tuple[Classification, list[Rule]]] = {}
    for plan in plans:
        context = PlanContext(plan, policy)
        for change in plan.changes:
            kind = change_kind(catalogue, change) if change.type in catalogue.kind_types else None
            key = (change.platform, change.type, change.mode, kind, change.actions)
            shape = shapes.get(key)
            if shape is None:
                classification = catalogue.classify(change.type, mode=change.mode, kind=kind)
                by_id = {r.id: r for a in change.actions for r in by_action[a]}
                shape = (
                    classification,
                    [by_id[i] for i in sorted(by_id) if _static_match(by_id[i], change, classification)],
                )
                shapes[key] = shape
            classification, candidates = shape
            for rule in candidates:
                if _dynamic_match(rule, change, context):
                    finding = make_finding(rule, change, plan, classification, policy, context=context)
                    matched.append((finding, change))
    findings = apply_waivers(
        matched,
        policy,
        expired_rule=next((r for r in ruleset.rules if r.match.waiver_expired), None),
        protected_rule_ids=frozenset(r.id for r in ruleset.rules if r.match.protected),
    )
    return Verdict(
        plans=tuple(plans),
        findings=tuple(findings),
        destructive_digest=destructive_digest(findings),
        decision=decide(findings),
    )


def change_kind(catalogue: Catalogue, change: ResourceChange) -> str | None:
    """The object kind of a kind-judged change (`kubernetes_manifest`: `manifest.kind`), else None."""
    path = catalogue.kind_types.get(change.type)
    if path is None:
        return None
    keys = (path[0],)
    return object_kind(
        catalogue, change.type, change.values.fields("before", keys), change.values.fields("after", keys)
    )


def classify_change(catalogue: Catalogue, change: ResourceChange) -> Classification:
    """Stateful, known stateless or unknown, for this change (its mode and, where it matters, its kind)."""
    kind = change_kind(catalogue, change)
    return catalogue.classify(change.type, mode=change.mode, kind=kind)


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


def _dynamic_match(rule: Rule, change: ResourceChange, context: PlanContext | None) -> bool:
    """The checks that depend on this change's reason, address, values and the plan around it."""
    m = rule.match
    if m.reasons is not None and change.reason not in m.reasons:
        return False
    if change.reason in m.reasons_not:
        return False
    if m.addresses and not any(fnmatchcase(change.address, g) for g in m.addresses):
        return False
    if m.modules and not any(fnmatchcase(change.module or "", g) for g in m.modules):
        return False
    if m.attribute_keys:
        before = change.values.fields("before", m.attribute_keys)
        after = change.values.fields("after", m.attribute_keys)
        if not all(_condition_holds(c, before, after) for c in m.attributes):
            return False
        if m.attributes_any and not any(_condition_holds(c, before, after) for c in m.attributes_any):
            return False
    if m.protected and (context is None or not resource_matches(context.policy.protect, change)):
        return False
    return m.plan is None or (
        context is not None and condition_holds(m.plan, context.stats, change, context.policy.blast_radius)
    )


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


def _attribute_holds(condition: AttributeCondition, change: ResourceChange) -> bool:
    key = condition.path[:1]
    return _condition_holds(
        condition, change.values.fields("before", key), change.values.fields("after", key)
    )


def _condition_holds(
    condition: AttributeCondition, before_fields: dict[str, Any], after_fields: dict[str, Any]
) -> bool:
    """`before_fields`/`after_fields`: the decoded top-level attributes the condition's path starts with."""
    key, rest = condition.path[0], condition.path[1:]
    before = _lookup(before_fields.get(key), rest)
    after = _lookup(after_fields.get(key), rest)
    if condition.before is not ABSENT and not _same(before, condition.before):
        return False
    if condition.after is not ABSENT and not _same(after, condition.after):
        return False
    if condition.before_not is not ABSENT and _same(before, condition.before_not):
        return False
    return condition.after_not is ABSENT or not _same(after, condition.after_not)


def _same(value: Any, expected: Any) -> bool:
    """Equality that keeps `True == 1` and `False == 0` apart (a flag is not a count)."""
    return (
        type(value) is type(expected) and value == expected
        if isinstance(expected, bool)
        else value == expected
    )


def _lookup(value: Any, path: tuple[str, ...]) -> Any:
    """Dotted path into decoded values; Terraform nests single blocks in one-item lists, so step into those."""
    for step in path:
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def make_finding(
    rule: Rule,
    change: ResourceChange,
    plan: Plan,
    classification: Classification,
    policy: Policy,
    *,
    context: PlanContext | None = None,
) -> Finding:
    override = policy.rules.get(rule.id)
    severity = (override.severity if override else None) or rule.severity
    default = policy.unknown_types if rule.match.unknown is not None else None
    enforcement = (override.enforcement if override else None) or default or rule.enforcement
    mitigation = mitigation_of(change) if change.is_destructive else None
    if mitigation is not None and (effect := rule.mitigations.get(mitigation.kind)) is not None:
        severity = effect.severity or severity
        enforcement = effect.enforcement or enforcement
    fields = {
        "address": change.address,
        "type": change.type,
        "class": classification.klass or classification.standing,
        "what": classification.what,
        "storage_word": classification.storage_word or "",
        "action_text": action_text(change.actions, change.replace_order),
        "reason_text": reason_text(change.reason) or "",
        "paths": ", ".join(change.replace_paths),
        "module": change.module or "root module",
        "scope": plan.scope,
        "because": _because(change),
        "attribute": "; ".join(
            c.describe()
            for c in (*rule.match.attributes, *rule.match.attributes_any)
            if _attribute_holds(c, change)
        ),
        **_plan_fields(rule, context),
    }
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        title=rule.title,
        severity=severity,
        enforcement=enforcement,
        message=rule.message.format_map(fields).strip(),
        origin=plan.origin,
        scope=plan.scope,
        address=change.address,
        type=change.type,
        actions=change.actions,
        reason=change.reason,
        replace_order=change.replace_order,
        replace_paths=change.replace_paths,
        mitigation=mitigation.text if mitigation else None,
        location=change.source,
    )


def _because(change: ResourceChange) -> str:
    """The tool's reason and the forcing attribute paths, as sentences: what a reviewer reads first."""
    sentences = []
    reason = reason_text(change.reason)
    if reason:
        sentences.append(f"Because {reason}.")
    if "replace" in change.actions and change.replace_paths:
        sentences.append(f"Replacement forced by: {', '.join(change.replace_paths)}.")
    elif "replace" in change.actions and change.platform == "terraform":
        changed = _changed_attributes(change)
        if changed:
            sentences.append(
                "The plan does not name the attribute that forces it (no replace_paths); "
                f"attributes that change: {', '.join(changed)}."
            )
    return " ".join(sentences)


def _changed_attributes(change: ResourceChange, limit: int = 8) -> list[str]:
    """Top-level attribute names whose known value changes (names only, never values).

    Attributes missing from `after` are unknown until apply (ids, ARNs) and are left out as noise.
    """
    before, after = change.values.before(), change.values.after()
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    names = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    return names[:limit] + (["..."] if len(names) > limit else [])


def _plan_fields(rule: Rule, context: PlanContext | None) -> dict[str, str]:
    if rule.match.plan is None or context is None:
        return {"deletes": "", "managed": "", "share": ""}
    stats = context.stats
    return {"deletes": str(stats.deletes), "managed": str(stats.managed), "share": share_text(stats)}
