"""Plan-wide aggregates for environment-teardown rules: how much of what a plan manages it deletes.

A rule with a `match.plan` condition still produces one finding per matching change (each deleted
resource), so the destructive digest names every address the teardown takes with it: adding one more
delete to an approved teardown changes the digest. The plan condition only decides *whether* the
plan is a teardown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import msgspec

from planlint.model import Plan, ResourceChange

# Keys a rule's `match.plan` may set and `.planlint.yml` `blast_radius` may override.
THRESHOLD_KEYS = ("min_deletes", "delete_share", "destroy_min_deletes", "module_min_deletes")


class PlanCondition(msgspec.Struct, frozen=True):
    """`match.plan` of a rule: every key given must hold (thresholds are minimums)."""

    destroy_mode: bool | None = None
    min_deletes: int | None = None  # the plan deletes at least this many resources
    delete_share: float | None = None  # ...and at least this share of the resources it manages
    destroy_min_deletes: int | None = None  # a destroy-mode plan deleting at least this many
    module_min_deletes: int | None = None  # the change's removed module instance deletes this many


class PlanStats(msgspec.Struct, frozen=True):
    managed: int  # managed resource instances the plan knows about (no-ops included, deposed excluded)
    deletes: int  # of those, how many are deleted (not replaced, not forgotten)
    destroy_mode: bool
    stack_unit: bool = False  # a unit of a many-stack run: its destroy-mode plan tears the unit down
    # outermost module instance -> its deletes because a module is gone (a removed `module.a` also
    # removes `module.a.module.b`: one component, counted together)
    removed_modules: Mapping[str, int] = msgspec.field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.deletes / self.managed if self.managed else 0.0


def _counts(change: ResourceChange) -> bool:
    return change.mode == "managed" and change.deposed is None


def plan_stats(plan: Plan) -> PlanStats:
    managed = [c for c in plan.changes if _counts(c)]
    deleted = [c for c in managed if "delete" in c.actions]
    gone = plan.facts.removed_module_calls
    removed = Counter(
        outermost_module(c.module)
        for c in deleted
        if c.module is not None
        and (
            c.reason == "delete_because_no_module"
            or (c.reason == "delete_because_no_resource_config" and _call_removed(c.module, gone))
        )
    )
    return PlanStats(
        managed=len(managed) + plan.counted_no_ops,  # counted no-ops are managed and not deposed
        deletes=len(deleted),
        destroy_mode=plan.facts.destroy_mode,
        stack_unit=plan.facts.stack_unit,
        removed_modules=dict(removed),
    )


def _call_removed(module: str, gone: tuple[str, ...]) -> bool:
    """The module instance's call, or a call it sits in, is gone from the configuration."""
    call = module_call_path(module)
    return any(call == g or call.startswith(g + ".") for g in gone)


def parse_condition(spec: Mapping[str, object]) -> PlanCondition:
    def number(key: str) -> float | None:
        value = spec.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def whole(key: str) -> int | None:
        value = number(key)
        return int(value) if value is not None else None

    destroy_mode = spec.get("destroy_mode")
    return PlanCondition(
        destroy_mode=destroy_mode if isinstance(destroy_mode, bool) else None,
        min_deletes=whole("min_deletes"),
        delete_share=number("delete_share"),
        destroy_min_deletes=whole("destroy_min_deletes"),
        module_min_deletes=whole("module_min_deletes"),
    )


def condition_holds(
    condition: PlanCondition,
    stats: PlanStats,
    change: ResourceChange,
    overrides: Mapping[str, float] | None = None,
) -> bool:
    """True when the plan (and the change's place in it) meets the rule's thresholds.

    `overrides` are the policy's `blast_radius` values; each replaces the rule's own value of the same
    key, but only for keys the rule uses (a policy cannot add a condition to a rule).
    """
    limits = overrides or {}
    if condition.destroy_mode is not None and stats.destroy_mode != condition.destroy_mode:
        return False
    if condition.min_deletes is not None and stats.deletes < limits.get("min_deletes", condition.min_deletes):
        return False
    if condition.delete_share is not None and stats.share < limits.get(
        "delete_share", condition.delete_share
    ):
        return False
    if condition.destroy_min_deletes is not None and (
        not stats.destroy_mode
        or (
            not stats.stack_unit  # a removed unit is a teardown even when it held one resource
            and stats.deletes < limits.get("destroy_min_deletes", condition.destroy_min_deletes)
        )
    ):
        return False
    if condition.module_min_deletes is not None:
        removed = stats.removed_modules.get(outermost_module(change.module or ""), 0)
        if removed == 0 or removed < limits.get("module_min_deletes", condition.module_min_deletes):
            return False
    return True


def outermost_module(module: str) -> str:
    """`module.a["x"].module.b` -> `module.a["x"]`; "" for the root module."""
    if not module.startswith("module."):
        return ""
    end = len("module.")
    while end < len(module) and module[end] not in ".[":
        end += 1
    if end < len(module) and module[end] == "[":
        # an index key may itself contain dots or brackets: find the closing `]` after the quoted key
        closing = module.find('"]', end) + 2 if module.startswith('["', end) else module.find("]", end) + 1
        end = closing if closing > end else len(module)
    return module[:end]


def share_text(stats: PlanStats) -> str:
    return f"{round(stats.share * 100)}%"


def module_call_path(module: str) -> str:
    """`module.a["x"].module.b[0]` -> `module.a.module.b`: the module call, without instance keys."""
    from planlint.source.address import split_segments, strip_index

    return ".".join(strip_index(segment) for segment in split_segments(module))
