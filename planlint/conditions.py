"""A rule's attribute conditions over one change's before and after values (rules/PL*.yaml `attributes`,
`attributes_any`; the schema is planlint/schemas/rule.schema.json, the reading planlint/ruleset.py).

Pure: no I/O. Values a plan marks sensitive arrive redacted (planlint/redact.py); an element holding one is
never taken as unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planlint.model import REDACTED, ResourceChange
from planlint.ruleset import ABSENT, AttributeCondition

SideTest = Callable[[dict[str, Any], dict[str, Any]], bool]


def prepare(condition: AttributeCondition) -> SideTest:
    """The condition as one test of (before, after): each side's decoded top-level attributes, a missing
    key reading as null. What the condition asks of each side is worked out here once, not per change (the
    engine tests a rule's conditions on thousands of changes of a big plan)."""
    key = condition.path[0]
    if condition.element:
        return lambda before, after: bool(_elements_found(condition, before.get(key), after.get(key)))
    path, decreased = condition.path, condition.decreased
    before_tests, after_tests = _before_tests(condition), _after_tests(condition)

    def test(before: dict[str, Any], after: dict[str, Any]) -> bool:
        if before_tests is not None and not _any_passes(before.get(key), path, before_tests):
            return False
        if after_tests is not None and not _any_passes(after.get(key), path, after_tests):
            return False
        return not decreased or _decreased(before.get(key), after.get(key), path)

    return test


def _decreased(before: Any, after: Any, path: tuple[str, ...]) -> bool:
    """The number at `path` (no `*` step) is smaller after than before; a side that is not a number
    (unset, unknown, a redacted value) is not compared."""
    ((_, old),) = lookup_all(before, path[1:])
    ((_, new),) = lookup_all(after, path[1:])
    old, new = _number(old), _number(new)
    return old is not None and new is not None and new < old


def _number(value: Any) -> float | None:
    """A JSON number, or a string holding one (CloudFormation writes property values as strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _elements_found(condition: AttributeCondition, before: Any, after: Any) -> list[tuple[str | int, ...]]:
    """Paths of the after elements at an element condition's path (ending in `*`) that meet every `where`
    test; with `added`, only those no before element equals (added, or changed in any way), or that hold
    a redacted value."""
    rest = condition.path[1:]
    old = [value for _, value in lookup_all(before, rest)] if condition.added else []
    return [
        steps
        for steps, element in lookup_all(after, rest, condition.path[:1])
        if (element not in old or _redacted_in(element))
        and all(_element_passes(element, test) for test in condition.where)
    ]


def _redacted_in(value: Any) -> bool:
    """Some leaf of `value` is redacted (marked sensitive): redacted the same on both sides, an element
    holding one cannot be told from the one before, so it is never taken as unchanged."""
    if isinstance(value, dict):
        return any(map(_redacted_in, value.values()))
    if isinstance(value, list):
        return any(map(_redacted_in, value))
    return isinstance(value, str) and value == REDACTED


def _element_passes(element: Any, test: AttributeCondition) -> bool:
    """Some value at the test's path inside `element` passes its after tests."""
    tests = _after_tests(test)
    return tests is None or any(_passes(v, *tests) for _, v in lookup_all(element, test.path))


def _any_passes(value: Any, path: tuple[str, ...], tests: Tests) -> bool:
    """Some value at `path` passes `tests`; `value` is the one of its first step, a top-level attribute."""
    rest = path[1:]
    if not rest:  # a top-level attribute, most conditions: one value, no lookup (a fast path, same result)
        return _passes(value, *tests)
    return any(_passes(v, *tests) for _, v in lookup_all(value, rest))  # values only: no path prefix


Tests = tuple[Any, Any, "tuple[Any, ...] | None", "tuple[Any, ...] | None"]


def _before_tests(c: AttributeCondition) -> Tests | None:
    return _side_tests(c.before, c.before_not, c.before_in, c.before_not_in)


def _after_tests(c: AttributeCondition) -> Tests | None:
    return _side_tests(c.after, c.after_not, c.after_in, c.after_not_in)


def _side_tests(
    equal: Any, unequal: Any, one_of: tuple[Any, ...] | None, none_of: tuple[Any, ...] | None
) -> Tests | None:
    given = equal is not ABSENT or unequal is not ABSENT or one_of is not None or none_of is not None
    return (equal, unequal, one_of, none_of) if given else None


def _passes(
    value: Any, equal: Any, unequal: Any, one_of: tuple[Any, ...] | None, none_of: tuple[Any, ...] | None
) -> bool:
    if equal is not ABSENT and not _same(value, equal):
        return False
    if unequal is not ABSENT and _same(value, unequal):
        return False
    if none_of is not None and any(_same(value, candidate) for candidate in none_of):
        return False
    return one_of is None or any(_same(value, candidate) for candidate in one_of)


def matched_paths(condition: AttributeCondition, change: ResourceChange) -> list[str]:
    """Concrete paths (`ebs_block_device[1].delete_on_termination`) of the elements that meet a wildcard
    condition's `before` tests: the attribute that carries the data, named in the finding. For an element
    condition, the after elements it found (`rule[1]`)."""
    key = condition.path[0]
    if condition.element:
        after = change.values.fields("after", (key,)).get(key)
        before = change.values.fields("before", (key,)).get(key)
        return [_path_text(steps) for steps in _elements_found(condition, before, after)]
    tests = _before_tests(condition)
    found = lookup_all(change.values.fields("before", (key,)).get(key), condition.path[1:], (key,))
    return [_path_text(steps) for steps, value in found if tests is None or _passes(value, *tests)]


def _path_text(steps: tuple[str | int, ...]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _same(value: Any, expected: Any) -> bool:
    """Equality that keeps `True == 1` and `False == 0` apart (a flag is not a count)."""
    return (
        type(value) is type(expected) and value == expected
        if isinstance(expected, bool)
        else value == expected
    )


def lookup_all(
    value: Any, path: tuple[str, ...], prefix: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Any]]:
    """Values at a dotted path, with the concrete path to each.

    Terraform nests single blocks in one-item lists, so a named step steps into those. A `*` step fans out
    over every element of a list (every value of a map); an element the rest of the path cannot enter is
    left out, but a missing last step is kept as None (an attribute not set). Without `*` there is always
    exactly one result (None when the path is missing), as a plain lookup.
    """
    results: list[tuple[tuple[str | int, ...], Any]] = [(prefix, value)]
    fanned = False
    for position, step in enumerate(path):
        last = position == len(path) - 1
        next_results: list[tuple[tuple[str | int, ...], Any]] = []
        for steps, current in results:
            if step == "*":
                fanned = True
                items = (
                    enumerate(current)
                    if isinstance(current, list)
                    else (current.items() if isinstance(current, dict) else ())
                )
                next_results.extend(((*steps, k), v) for k, v in items)
                continue
            at, value = (
                ((*steps, 0), current[0])
                if isinstance(current, list) and len(current) == 1
                else (steps, current)
            )
            if isinstance(value, dict) and (last or step in value):
                next_results.append(((*at, step), value.get(step)))
            elif not fanned:
                next_results.append(((*at, step), None))
        results = next_results
    return results
