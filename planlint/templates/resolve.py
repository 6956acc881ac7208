"""What a template diff can resolve by itself: conditions, parameter references and Fn::ForEach loops.

Sources (CloudFormation User Guide / Template Reference):
- Conditions (`conditions-section-structure.html`, `aws-attribute-condition.html`): conditions are
  evaluated from parameter values when a stack is created or updated; a resource whose condition is
  false is not created, and on an update one that exists is deleted. Condition functions are
  Fn::Equals, Fn::And, Fn::Or, Fn::Not and `Condition` references.
- Parameters (`parameters-section-structure.html`): every parameter can be given a value at deploy
  time; `Default` is used only when none is given (and `aws cloudformation deploy` keeps the previous
  value of a parameter it is not told to override). So a parameter's value is never known for certain
  from the template, except when `AllowedValues` admits exactly one value.
- Fn::ForEach (`intrinsic-function-reference-foreach.html`, needs the AWS::LanguageExtensions
  transform): `[Identifier, Collection, {OutputKey: OutputValue}]`; the collection is a list or a
  `Ref` to a CommaDelimitedList parameter; `${Identifier}` in the key is replaced by the item, and
  `&{Identifier}` by the item with its non-alphanumeric characters removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from planlint.templates.decode import Template, TemplateResource

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def parameter_value(template: Template, name: str, assume_defaults: bool = False) -> str | None:
    """A parameter's value when the template leaves no choice (one AllowedValue), else None (unknown);
    with `assume_defaults`, its Default when it has one (what a deploy without overrides would use)."""
    declared = template.parameters.get(name)
    if not isinstance(declared, dict):
        return None
    allowed = declared.get("AllowedValues")
    if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str | int | float):
        return str(allowed[0])
    default = declared.get("Default")
    return str(default) if assume_defaults and isinstance(default, str | int | float) else None


def condition_value(
    template: Template, name: str, *, assume_defaults: bool = False, _seen: frozenset[str] = frozenset()
) -> bool | None:
    """True/False when condition `name` is decided by the template alone; None when it depends on a
    value known only at deploy time (a parameter, a pseudo parameter, a mapping) or is malformed.
    `assume_defaults` reads parameters as their Default (a guess worth showing, never a verdict)."""
    if name in _seen:
        return None
    return _truth(template, template.conditions.get(name), (assume_defaults, _seen | {name}))


def _truth(template: Template, expression: Any, how: tuple[bool, frozenset[str]]) -> bool | None:
    if not isinstance(expression, dict) or len(expression) != 1:
        return None
    [(function, args)] = expression.items()
    if function == "Condition" and isinstance(args, str):
        return condition_value(template, args, assume_defaults=how[0], _seen=how[1])
    if function == "Fn::Equals" and isinstance(args, list) and len(args) == 2:
        left, right = (_scalar(template, a, how[0]) for a in args)
        return None if left is None or right is None else left == right
    if function in ("Fn::And", "Fn::Or", "Fn::Not") and isinstance(args, list) and args:
        values = [_truth(template, a, how) for a in args]
        if function == "Fn::Not":
            return None if len(values) != 1 or values[0] is None else not values[0]
        decisive: bool = function == "Fn::Or"  # one True decides an Or, one False decides an And
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    return None


def _scalar(template: Template, value: Any, assume_defaults: bool) -> str | None:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return parameter_value(template, value["Ref"], assume_defaults)
    return None


def references(value: Any) -> tuple[set[str], set[str]]:
    """(names referenced with Ref / ${} in Fn::Sub, condition names used in Fn::If) anywhere in `value`."""
    names: set[str] = set()
    conditions: set[str] = set()
    for function, args in _functions(value):
        if function == "Ref" and isinstance(args, str):
            names.add(args)
        elif function == "Fn::Sub":
            text, local = (args[0], args[1]) if isinstance(args, list) and len(args) == 2 else (args, {})
            if isinstance(text, str):
                found = {v.strip() for v in _SUB_VARIABLE.findall(text) if "." not in v}
                names |= found - set(local if isinstance(local, dict) else ())
        elif function == "Fn::If" and isinstance(args, list) and args and isinstance(args[0], str):
            conditions.add(args[0])
    return names, conditions


def _functions(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if len(value) == 1:
                yield key, inner
            yield from _functions(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _functions(inner)


def condition_inputs(template: Template, names: set[str]) -> tuple[set[str], set[str]]:
    """The conditions in `names` and every condition and name they use, transitively."""
    conditions: set[str] = set()
    parameters: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in conditions:
            continue
        conditions.add(name)
        expression = template.conditions.get(name)
        refs, _ = references(expression)
        parameters |= refs
        todo.extend(args for f, args in _functions(expression) if f == "Condition" and isinstance(args, str))
    return parameters, conditions


def changed_inputs(old: Template, new: Template, parameters: set[str], conditions: set[str]) -> list[str]:
    """What a reviewer must resolve: the conditions and parameters among these whose definition the new
    template changes (parameter Default/AllowedValues/Type, added or removed; condition expression)."""
    changed = [f"condition {n}" for n in sorted(conditions) if old.conditions.get(n) != new.conditions.get(n)]
    declared = set(old.parameters) | set(new.parameters)
    changed += [
        f"parameter {name}'s value at deploy time"
        for name in sorted(parameters & declared)
        if _declaration(old, name) != _declaration(new, name)
    ]
    return changed


def _declaration(template: Template, name: str) -> Any:
    declared = template.parameters.get(name)
    if not isinstance(declared, dict):
        return declared
    return {k: declared.get(k) for k in ("Type", "Default", "AllowedValues")}


def unresolved_inputs(old: Template, new: Template, value_old: Any, value_new: Any) -> list[str]:
    """The changed conditions and parameters an unchanged expression (in both templates) depends on."""
    names_old, ifs_old = references(value_old)
    names_new, ifs_new = references(value_new)
    params_old, conds_old = condition_inputs(old, ifs_old)
    params_new, conds_new = condition_inputs(new, ifs_new)
    return changed_inputs(old, new, names_old | names_new | params_old | params_new, conds_old | conds_new)


def loop_items(template: Template, collection: Any) -> list[str] | None:
    """A Fn::ForEach collection's items when the template fixes them (a literal list of scalars)."""
    if isinstance(collection, list) and all(isinstance(i, str | int | float) for i in collection):
        return [str(i) for i in collection]
    return None


def expand(template: Template, resource: TemplateResource) -> list[tuple[str, dict[str, str]]] | None:
    """The logical ids a resource's Fn::ForEach loops generate, each with its identifier -> item
    bindings; None when a collection is not a literal list."""
    copies: list[tuple[str, dict[str, str]]] = [(resource.logical_id, {})]
    for loop in resource.loops:
        items = loop_items(template, loop.collection)
        if items is None:
            return None
        copies = [
            (_substitute(key, {loop.identifier: item}), {**bound, loop.identifier: item})
            for key, bound in copies
            for item in items
        ]
    return copies


def substitute(value: Any, bound: Mapping[str, str]) -> Any:
    """A fragment with `${Id}` / `&{Id}` in strings and `{"Ref": Id}` replaced by the loop items."""
    if isinstance(value, str):
        return _substitute(value, bound)
    if isinstance(value, list):
        return [substitute(v, bound) for v in value]
    if isinstance(value, dict):
        ref = value.get("Ref") if len(value) == 1 else None
        if isinstance(ref, str) and ref in bound:
            return bound[ref]
        return {k: substitute(v, bound) for k, v in value.items()}
    return value


def _substitute(text: str, bound: Mapping[str, str]) -> str:
    for identifier, item in bound.items():
        plain = re.sub(r"[^A-Za-z0-9]", "", item)
        text = text.replace("${" + identifier + "}", item).replace("&{" + identifier + "}", plain)
    return text


def loops_changed(old: Template, new: Template, names: Mapping[str, Any]) -> list[str]:
    """Unfixed Fn::ForEach collections (by loop name) that differ between the templates, or whose
    parameter's declaration changed."""
    changed = []
    for name, (was, now) in names.items():
        refs = references(was)[0] | references(now)[0]
        if was != now or changed_inputs(old, new, refs, set()):
            changed.append(name)
    return changed
