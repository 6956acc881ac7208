"""What reporters know about a rule beyond its findings: its declared severity, docs and link.

Only the built-in rules are known here (the reporter sees a Verdict, not the rule directories a run
loaded); a custom rule gets no help link and no fixed severity, and reporters say less about it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planlint.ruleset import Rule

DOCS_URL = "https://github.com/planlint/planlint/blob/main/docs/rules.md"


@functools.cache
def builtin_rules() -> dict[str, Rule]:
    """Built-in rules by id (read once per process from the shipped rules index)."""
    from planlint.ruleset import load_ruleset

    return {rule.id: rule for rule in load_ruleset().rules}


def builtin_rule(rule_id: str) -> Rule | None:
    return builtin_rules().get(rule_id)


def help_uri(rule: Rule) -> str:
    """The rule's section in the rule reference (docs/rules.md on GitHub)."""
    from planlint.docs_gen import anchor

    return f"{DOCS_URL}#{anchor(rule)}"


def help_markdown(rule: Rule) -> str:
    """What it checks / Why it matters / Example / How to fix / References, as in docs/rules.md."""
    from planlint.docs_gen import doc_sections

    lines = [f"**{rule.id} {rule.name}**: {rule.title}", "", *doc_sections(rule, "##")]
    lines.append(f"`planlint rules show {rule.id}` prints this page; [rule reference]({help_uri(rule)}).")
    return "\n".join(lines).strip() + "\n"


def plan_wide_rule_ids() -> frozenset[str]:
    """Rules that judge a whole plan (blast radius: teardown, destroy mode, a removed module instance).

    They flag every delete of a plan, so reporters show them once per plan, not once per resource.
    """
    return frozenset(rule_id for rule_id, rule in builtin_rules().items() if rule.match.plan is not None)
