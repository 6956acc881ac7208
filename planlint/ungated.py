"""Every destroy is visible: the deletes and replacements no gated finding covers, and why.

A plan that says "1 to destroy" and has no finding leaves a reviewer guessing which resource that is and
whether planlint looked at it. `ungated_destroys` names each such change with the reason it does not need
approval, so reporters can list them (collapsed, under the findings) and the JSON report carries them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planlint.catalogue import Classification
from planlint.model import Finding, Plan, ResourceChange, UngatedDestroy


def ungated_destroys(
    plans: Sequence[Plan], findings: Sequence[Finding], classify: Callable[[ResourceChange], Classification]
) -> tuple[UngatedDestroy, ...]:
    """Each delete or replacement without an unwaived gated finding on its address, in plan order.

    `classify(change)`: how the catalogue (with the policy's stateful/stateless types) classes it.
    """
    own: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        own.setdefault((finding.origin, finding.scope, finding.address), []).append(finding)
    result = []
    for plan in plans:
        for change in plan.changes:
            if not change.is_destructive:
                continue
            mine = own.get((plan.origin, plan.scope, change.address), [])
            if any(f.gated and f.waived_by is None for f in mine):
                continue
            result.append(
                UngatedDestroy(
                    origin=plan.origin,
                    scope=plan.scope,
                    address=change.address,
                    type=change.type,
                    actions=change.actions,
                    replace_order=change.replace_order,
                    reason=change.reason,
                    why_not_gated=_why_not_gated(change, mine, classify),
                )
            )
    return tuple(result)


def _why_not_gated(
    change: ResourceChange, findings: Sequence[Finding], classify: Callable[[ResourceChange], Classification]
) -> str:
    waived = sorted({f"{f.rule_id} (waived by {f.waived_by})" for f in findings if f.gated and f.waived_by})
    if waived:
        return f"its finding is waived: {', '.join(waived)}"
    if findings:
        levels = ", ".join(sorted({f"{f.rule_id} {f.enforcement}" for f in findings}))
        mitigation = next((f.mitigation for f in findings if f.mitigation), None)
        text = f"its findings do not block ({levels})"
        return f"{text}: {mitigation}" if mitigation else text
    classification = classify(change)
    if classification.standing == "stateless":
        return (
            # the list's file, not its provenance (which can name a dozen provider packages)
            f"{classification.what} is known stateless ({classification.source.split(' (', 1)[0]}); "
            "if it holds data here, "
            "class it under stateful_types in .planlint.yml"
        )
    if classification.standing == "unknown":
        return f"{classification.what} is not classified and no rule gates it (see unknown_types in .planlint.yml)"
    return "no rule gates this change to a stateful type (see the rules' reasons_not)"
