"""Evaluate rules over plans. Pure: no I/O, no printing, no environment; same input, same findings."""

from __future__ import annotations

from collections.abc import Sequence

from planlint.blast_radius import PlanStats, condition_holds, plan_stats, share_text
from planlint.catalogue import SENSITIVE_KIND, Catalogue, Classification
from planlint.condition_groups import ChangeSides, RuleConditions
from planlint.conditions import matched_paths, prepare
from planlint.config import DEFAULT_POLICY, Policy
from planlint.decision import decide
from planlint.digest import destructive_digest
from planlint.mitigations import mitigation_of
from planlint.model import Finding, Plan, ResourceChange, Verdict
from planlint.patterns import hidden_tag_keys, resource_matches
from planlint.report.wording import action_text, reason_text
from planlint.ruleset import AttributeCondition, Rule, RuleSet
from planlint.shapes import Shapes, change_kind, plain_match
from planlint.ungated import ungated_destroys
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
    shapes = Shapes(ruleset, policy)
    catalogue = shapes.catalogue
    conditions: dict[str, RuleConditions] = {}  # rule id -> its attribute conditions by attribute
    matched: list[tuple[Finding, ResourceChange]] = []
    for plan in plans:
        context = PlanContext(plan, policy)
        for change in plan.changes:
            classification, candidates, attribute_keys = shapes.of(change)
            if candidates:  # most changes of a big plan have none: no rule's shape fits them
                sides = ChangeSides(change, attribute_keys)
                for rule in candidates:
                    if _dynamic_match(rule, change, context, sides, conditions):
                        holding = conditions[rule.id].holding(sides) if rule.match.attribute_keys else []
                        finding = make_finding(
                            rule, change, plan, classification, policy, context=context, holding=holding
                        )
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
        ungated_destroys=ungated_destroys(plans, findings, lambda c: classify_change(catalogue, c)),
    )


def classify_change(catalogue: Catalogue, change: ResourceChange) -> Classification:
    """Stateful, known stateless or unknown, for this change (its mode and, where it matters, its kind)."""
    kind = change_kind(catalogue, change)
    return catalogue.classify(change.type, mode=change.mode, kind=kind)


def _dynamic_match(
    rule: Rule,
    change: ResourceChange,
    context: PlanContext,
    sides: ChangeSides,
    conditions: dict[str, RuleConditions],
) -> bool:
    """The checks that depend on this change's reason, address, values and the plan around it.

    `sides`: the change's attributes every candidate rule reads, decoded once for all of them on first
    use; `conditions`: each rule's attribute conditions grouped by attribute (`RuleConditions`), built on
    first use.
    """
    m = rule.match
    if not plain_match(rule, change):
        return False
    if m.attribute_keys:
        grouped = conditions.get(rule.id)
        if grouped is None:
            grouped = conditions[rule.id] = RuleConditions(m.attributes, m.attributes_any, prepare)
        if not grouped.hold(sides):
            return False
    if m.protected and not resource_matches(context.policy.protect, change, hidden_matches=True):
        return False
    return m.plan is None or condition_holds(m.plan, context.stats, change, context.policy.blast_radius)


def make_finding(
    rule: Rule,
    change: ResourceChange,
    plan: Plan,
    classification: Classification,
    policy: Policy,
    *,
    context: PlanContext,
    holding: Sequence[AttributeCondition],
) -> Finding:
    """The finding of `rule` on `change`; `holding`: the rule's attribute conditions that hold for it
    (`RuleConditions.holding`), named in the message."""
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
        "action_text": action_text(change.actions, change.replace_order, change.type),
        "reason_text": reason_text(change.reason) or "",
        "paths": ", ".join(change.replace_paths),
        "module": change.module or "root module",
        "scope": plan.scope,
        "because": _because(change),
        "class_it": class_it(change.type, classification),
        "unknown_why": unknown_why(classification),
        "protect_note": _protect_note(rule, change, policy),
        "attribute": _attribute_text(holding, change),
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


def _attribute_text(holding: Sequence[AttributeCondition], change: ResourceChange) -> str:
    """The attribute conditions that matched; a wildcard one by the concrete paths it matched."""
    parts = []
    for condition in holding:
        if condition.wildcard:
            paths = matched_paths(condition, change)
            parts.append(", ".join(paths[:5]) + (f" (+{len(paths) - 5} more)" if len(paths) > 5 else ""))
        else:
            parts.append(condition.describe())
    return "; ".join(parts)


def class_it(resource_type: str, classification: Classification) -> str:
    """What the policy can do about an unknown type, as a sentence: class the type, or, for a type
    judged by its object kind (kubernetes_manifest), find out what the object is (never class the type)."""
    if classification.kind is None:
        return (
            f"Class it in .planlint.yml: `stateful_types: {{{resource_type}: data}}` if it holds data or keys, "
            f"`stateless_types: [{resource_type}]` if it does not."
        )
    return (
        f"Find out what this object is before approving; do not class all of {resource_type} "
        "(planlint judges it by each object's kind)."
    )


def unknown_why(classification: Classification) -> str:
    """Why planlint cannot class this change, as a sentence (for PL003's message)."""
    kind = classification.kind
    if kind is None:
        return "it is neither in the stateful catalogue nor in a known-stateless list."
    if kind == SENSITIVE_KIND:
        return "its object kind is marked sensitive in the plan, so planlint cannot read what it is."
    if not kind:
        return "its values do not name its object kind."
    return f"its object kind, {kind}, is in neither the catalogue's kinds nor its stateless kinds."


def _protect_note(rule: Rule, change: ResourceChange, policy: Policy) -> str:
    """For a protected change matched only through tag values the plan hides: say so (never the value)."""
    if not rule.match.protected or resource_matches(policy.protect, change):
        return ""
    keys = ", ".join(hidden_tag_keys(policy.protect, change))
    return (
        f"Its tag {keys} is marked sensitive in the plan, so planlint cannot read whether it is protected: "
        "check it before approving."
    )


def _because(change: ResourceChange) -> str:
    """The tool's reason and the forcing attribute paths, as sentences: what a reviewer reads first."""
    sentences = []
    reason = reason_text(change.reason)
    if reason:
        sentences.append(f"Because {reason}.")
    if change.unresolved:
        sentences.append(f"Not resolved: {'; '.join(change.unresolved)}.")
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


def _plan_fields(rule: Rule, context: PlanContext) -> dict[str, str]:
    """`{deletes}`, `{managed}`, `{share}`: the plan's counts, for a rule with a plan condition (counting a
    big plan costs a pass over every change, so other rules' messages get them empty)."""
    if rule.match.plan is None:
        return {"deletes": "", "managed": "", "share": ""}
    stats = context.stats
    return {"deletes": str(stats.deletes), "managed": str(stats.managed), "share": share_text(stats)}
