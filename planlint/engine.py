"""Evaluate rules over plans. Pure: no I/O, no printing, no environment; same input, same findings."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any

from planlint.catalogue import Catalogue
from planlint.config import DEFAULT_POLICY, Policy
from planlint.decision import decide
from planlint.digest import destructive_digest
from planlint.mitigations import mitigation_of
from planlint.model import ACTIONS, Finding, Plan, ResourceChange, Verdict
from planlint.report.wording import action_text, reason_text
from planlint.ruleset import ABSENT, AttributeCondition, Rule, RuleSet


def evaluate(plans: Sequence[Plan], ruleset: RuleSet, policy: Policy = DEFAULT_POLICY) -> Verdict:
    """Run every rule over every change of every plan and decide."""
    by_action = _rules_by_action(ruleset.rules)
    findings: list[Finding] = []
    for plan in plans:
        for change in plan.changes:
            candidates = {r.id: r for a in change.actions for r in by_action[a]}
            for rule_id in sorted(candidates):
                rule = candidates[rule_id]
                if matches(rule, change, ruleset.catalogue):
                    findings.append(make_finding(rule, change, plan, ruleset.catalogue, policy))
    return Verdict(
        plans=tuple(plans),
        findings=tuple(findings),
        destructive_digest=destructive_digest(findings),
        decision=decide(findings),
    )


def _rules_by_action(rules: Sequence[Rule]) -> dict[str, list[Rule]]:
    """Index rules by the actions they can match, so a no-op costs one dict lookup, not a rule scan."""
    index: dict[str, list[Rule]] = {a: [] for a in ACTIONS}
    for rule in rules:
        for action in rule.match.actions if rule.match.actions is not None else ACTIONS:
            index[action].append(rule)
    return index


def matches(rule: Rule, change: ResourceChange, catalogue: Catalogue) -> bool:
    m = rule.match
    if m.platforms is not None and change.platform not in m.platforms:
        return False
    if m.actions is not None and m.actions.isdisjoint(change.actions):
        return False
    if (m.catalogue is not None or m.types is not None) and not _type_matches(rule, change.type, catalogue):
        return False
    if m.reasons is not None and change.reason not in m.reasons:
        return False
    if change.reason in m.reasons_not:
        return False
    if m.addresses and not any(fnmatchcase(change.address, g) for g in m.addresses):
        return False
    if m.modules and not any(fnmatchcase(change.module or "", g) for g in m.modules):
        return False
    return all(_attribute_holds(c, change) for c in m.attributes)


def _type_matches(rule: Rule, resource_type: str, catalogue: Catalogue) -> bool:
    m = rule.match
    if m.types is not None and resource_type in m.types:
        return True
    if m.catalogue is not None:
        klass = catalogue.klass(resource_type)
        return klass is not None and ("*" in m.catalogue or klass in m.catalogue)
    return False


def _attribute_holds(condition: AttributeCondition, change: ResourceChange) -> bool:
    if condition.before is not ABSENT and _lookup(change.values.before(), condition.path) != condition.before:
        return False
    return condition.after is ABSENT or _lookup(change.values.after(), condition.path) == condition.after


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
    rule: Rule, change: ResourceChange, plan: Plan, catalogue: Catalogue, policy: Policy
) -> Finding:
    override = policy.rules.get(rule.id)
    severity = (override.severity if override else None) or rule.severity
    enforcement = (override.enforcement if override else None) or rule.enforcement
    mitigation = mitigation_of(change) if change.is_destructive else None
    if mitigation is not None and (effect := rule.mitigations.get(mitigation.kind)) is not None:
        severity = effect.severity or severity
        enforcement = effect.enforcement or enforcement
    entry = catalogue.entries.get(change.type)
    fields = {
        "address": change.address,
        "type": change.type,
        "class": entry.klass if entry else "uncatalogued",
        "what": entry.what if entry else change.type,
        "action_text": action_text(change.actions, change.replace_order),
        "reason_text": reason_text(change.reason) or "",
        "paths": ", ".join(change.replace_paths),
        "module": change.module or "root module",
        "scope": plan.scope,
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
