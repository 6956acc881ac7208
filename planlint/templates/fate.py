"""A kept logical id's fate when it hangs on something a template diff does not resolve by itself.

"No silent pass" (DESIGN.md trust rule 5): when whether CloudFormation keeps a resource depends on a
condition, a parameter's value at deploy time, a Fn::ForEach collection, a transform or a module,
`planlint diff` assumes the worst (delete or replace) with reason `cfn_template_unresolved` and names
what it could not resolve, so the rules ask about every stateful or unknown type. What the templates
decide for certain is judged as such: a Condition false whatever the parameters is a delete
(`cfn_condition_false`). Assumption: a parameter keeps its value across a deploy unless the template
changes its declaration (Default, AllowedValues, Type), since nothing else in two templates says so.

Sources: CloudFormation User Guide, "Conditions" (false condition on update: the resource is
deleted), "Parameters", "Modules" (`*::MODULE` types expand into resources whose logical ids are
prefixed with the module's), "Transforms"; AWS SAM specification, "Generated CloudFormation
resources" (what each `AWS::Serverless::*` type becomes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from planlint.model import Action
from planlint.templates.decode import Template, TemplateResource
from planlint.templates.resolve import (
    changed_inputs,
    condition_inputs,
    condition_value,
    unresolved_inputs,
)

UNRESOLVED = "cfn_template_unresolved"
CONDITION_FALSE = "cfn_condition_false"
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
# AWS SAM "Generated CloudFormation resources": SAM types whose generated resources hold no data (a
# function, its role, versions and aliases; API stages and deployments; state machines; connector
# policies). A changed property of any other AWS::Serverless type (SimpleTable -> AWS::DynamoDB::Table,
# Application -> AWS::CloudFormation::Stack, or a type newer than this list) is asked about.
SAM_STATELESS = frozenset(
    (
        "AWS::Serverless::Api",
        "AWS::Serverless::Connector",
        "AWS::Serverless::Function",
        "AWS::Serverless::GraphQLApi",
        "AWS::Serverless::HttpApi",
        "AWS::Serverless::LayerVersion",
        "AWS::Serverless::StateMachine",
    )
)


class Fate(msgspec.Struct, frozen=True):
    """The worst case for one resource, why, and what a reviewer must resolve."""

    action: Action
    reason: str
    detail: str
    unresolved: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


def existence(old: Template, new: Template, before: TemplateResource, after: TemplateResource) -> Fate | None:
    """A kept id whose `Condition` may now be false: a certain delete, or an asked one."""
    name = after.condition
    if name is None:
        return None
    now = _state(new, name)
    if now is False and _state(old, before.condition) is not False:
        return Fate("delete", CONDITION_FALSE, f"Condition {name} is false whatever parameters are given")
    if now is not None:
        return None
    names = {name} | ({before.condition} if before.condition else set())
    changed = before.condition != name or _condition_changed(old, new, names)
    if not changed:
        return None  # the same condition on the same inputs: assumed to decide as it did last deploy
    under_defaults = condition_value(new, name, assume_defaults=True)
    guess = "" if under_defaults is None else f" ({str(under_defaults).lower()} with the default parameters)"
    inputs = [i for i in changed_inputs(old, new, *_inputs(old, new, names)) if i != f"condition {name}"]
    return Fate(
        "delete",
        UNRESOLVED,
        f"Condition {name} decides whether it exists: if it is false, CloudFormation deletes it",
        tuple(dict.fromkeys((f"condition {name}{guess}", *inputs))),
    )


def _state(template: Template, name: str | None) -> bool | None:
    if name is None:
        return True
    return None if name == "(expression)" else condition_value(template, name)


def _inputs(old: Template, new: Template, names: set[str]) -> tuple[set[str], set[str]]:
    params_old, conds_old = condition_inputs(old, names)
    params_new, conds_new = condition_inputs(new, names)
    return params_old | params_new, conds_old | conds_new


def _condition_changed(old: Template, new: Template, names: set[str]) -> bool:
    return bool(changed_inputs(old, new, *_inputs(old, new, names)))


def replacement(
    old: Template,
    new: Template,
    before: TemplateResource,
    after: TemplateResource,
    paths: tuple[tuple[str, ...], ...],
) -> Fate | None:
    """Create-only properties written the same in both templates whose parameters or conditions changed."""
    from planlint.templates.diff import value_at

    hit: list[str] = []
    unresolved: list[str] = []
    for path in paths:
        was, now = value_at(before.properties, path), value_at(after.properties, path)
        if was != now:
            continue
        inputs = unresolved_inputs(old, new, was, now)
        if inputs:
            hit.append(".".join(path))
            unresolved.extend(inputs)
    if not hit:
        return None
    return Fate(
        "replace",
        UNRESOLVED,
        f"create-only properties {', '.join(hit)} are written the same but take their value from inputs "
        "the new template changes: a different value replaces the resource",
        tuple(dict.fromkeys(unresolved)),
        tuple(hit),
    )


def generated(template: Template, resource: TemplateResource, has_schema: bool) -> Fate | None:
    """A changed resource whose real resources a transform or a module generates, or of a type without a
    schema: planlint cannot tell whether the change replaces them."""
    kind = resource.type
    if kind.endswith("::MODULE"):
        what = f"module {kind}"
        why = "the module expands into resources planlint does not see"
    elif kind.startswith("AWS::Serverless::") and kind not in SAM_STATELESS:
        what = "the AWS::Serverless transform"
        why = f"the SAM transform turns {kind} into the resources CloudFormation deploys"
    elif macros := [t for t in template.transforms if t not in (SAM_TRANSFORM, LANGUAGE_EXTENSIONS)]:
        what = ", ".join(f"the {t} transform" for t in macros)
        why = "a transform (macro) may rewrite the resource before CloudFormation deploys it"
    elif not has_schema:
        what = f"the resource schema of {kind}"
        why = f"no resource schema for {kind} in cfn-lint says which properties require replacement"
    else:
        return None
    return Fate("replace", UNRESOLVED, f"properties changed and {why}", (what,))


def loop_fate(loop_names: Mapping[str, Any]) -> Fate:
    """A resource generated by Fn::ForEach loops whose collection planlint cannot fix and that changed."""
    names = sorted(loop_names)
    return Fate(
        "delete",
        UNRESOLVED,
        "generated by Fn::ForEach; its collection changed and is not a literal list: an item no longer in "
        "it is deleted",
        tuple(f"Fn::ForEach::{n} collection" for n in names),
    )
