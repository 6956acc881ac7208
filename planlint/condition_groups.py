"""A rule's attribute conditions grouped by the top-level attribute each reads, and one change's decoded
attributes shared by its candidate rules (issue 13: judging a big plan's updates).

A condition reads only its attribute's value on each side of a change, so where a change leaves that
attribute null or absent on both sides the condition's result is the one it has on an empty object. PL014
tests twelve conditions over eight attributes on every update of a catalogued type, and a resource sets one
or two of them: only the conditions on attributes the change sets are tested, the rest are known.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planlint.conditions import SideTest
from planlint.model import ResourceChange
from planlint.ruleset import AttributeCondition


class ChangeSides:
    """One change's top-level attributes that its candidate rules read (`keys`), both sides decoded on
    first use, and which of them are set (not null or absent) on either side."""

    __slots__ = ("_change", "_keys", "after", "before", "set_keys")

    def __init__(self, change: ResourceChange, keys: tuple[str, ...]) -> None:
        self._change = change
        self._keys = keys
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}
        self.set_keys: frozenset[str] | None = None

    def decode(self) -> frozenset[str]:
        """The keys set on either side (decoding both sides the first time)."""
        if self.set_keys is None:
            values = self._change.values
            self.before = values.fields("before", self._keys)
            self.after = values.fields("after", self._keys)
            self.set_keys = frozenset(
                k for k in self._keys if self.before.get(k) is not None or self.after.get(k) is not None
            )
        return self.set_keys


class RuleConditions:
    """A rule's attribute conditions grouped by the top-level attribute each reads.

    A condition reads only its attribute's value on each side, so where the attribute is null or absent
    on both sides (most of a rule set's attributes, on any one resource) its result is the one it has on
    an empty object: worked out once here. Only the conditions on attributes the change sets are tested.
    `prepare` turns a condition into its test of (before, after) (`planlint.conditions.prepare`).
    """

    __slots__ = ("all_by_key", "any_by_key", "any_given", "fails_unset_all", "holds_unset_any", "ordered")

    def __init__(
        self,
        attributes: tuple[AttributeCondition, ...],
        attributes_any: tuple[AttributeCondition, ...],
        prepare: Callable[[AttributeCondition], SideTest],
    ) -> None:
        every = [(c, c.path[0], prepare(c)) for c in (*attributes, *attributes_any)]
        # every condition in the rule's order, with its attribute and its result where that attribute is unset
        self.ordered = tuple((c, key, test, test({}, {})) for c, key, test in every)
        self.all_by_key = _by_key(self.ordered[: len(attributes)])
        self.any_by_key = _by_key(self.ordered[len(attributes) :])
        self.any_given = bool(attributes_any)
        # attributes whose `attributes` conditions do not all hold when it is unset on both sides
        self.fails_unset_all = frozenset(
            key for _, key, _, unset in self.ordered[: len(attributes)] if not unset
        )
        # attributes with an `attributes_any` condition that holds when it is unset on both sides
        self.holds_unset_any = frozenset(key for _, key, _, unset in self.ordered[len(attributes) :] if unset)

    def hold(self, sides: ChangeSides) -> bool:
        """Every `attributes` condition holds, and some `attributes_any` condition (when there are any)."""
        set_keys = sides.decode()
        if not self.fails_unset_all <= set_keys:
            return False
        before, after, all_by_key = sides.before, sides.after, self.all_by_key
        for key in set_keys:
            for test in all_by_key.get(key, ()):
                if not test(before, after):
                    return False
        if not self.any_given or not self.holds_unset_any <= set_keys:
            return True
        any_by_key = self.any_by_key
        return any(test(before, after) for key in set_keys for test in any_by_key.get(key, ()))

    def holding(self, sides: ChangeSides) -> list[AttributeCondition]:
        """The conditions that hold for this change, in the rule's order (what a finding names)."""
        set_keys = sides.decode()
        before, after = sides.before, sides.after
        return [
            c for c, key, test, unset in self.ordered if (test(before, after) if key in set_keys else unset)
        ]


def _by_key(
    conditions: tuple[tuple[AttributeCondition, str, SideTest, bool], ...],
) -> dict[str, tuple[SideTest, ...]]:
    grouped: dict[str, list[SideTest]] = {}
    for _, key, test, _ in conditions:
        grouped.setdefault(key, []).append(test)
    return {k: tuple(group) for k, group in grouped.items()}
