"""GitHub Actions workflow commands: one annotation for the decision, then one per finding.

`::error file=F,line=N,title=T::MESSAGE`; escaping follows the Actions toolkit (`@actions/core`
command.ts): data escapes % CR LF, property values additionally escape : and ,.
"""

from __future__ import annotations

from dataclasses import dataclass

from planlint.model import ENFORCEMENTS, SEVERITIES, Enforcement, Finding, Verdict
from planlint.report.next_steps import next_steps
from planlint.report.rules_meta import plan_wide_rule_ids
from planlint.report.wording import (
    DECISION_TEXT,
    ENFORCEMENT_TEXT,
    escape_control,
    explanation,
    plan_counts_text,
    sentence,
    short_digest,
)

COMMAND: dict[Enforcement, str] = {"deny": "error", "approve": "error", "warn": "warning", "info": "notice"}
LEVEL_ORDER = ("error", "warning", "notice")
ANNOTATIONS_PER_KIND = 10  # per step; GitHub logs the rest without annotating them
TEARDOWN_LISTED = 20  # addresses named in a plan-wide annotation before "and N more"
DECISION_COMMAND: dict[str, str] = {
    "pass": "notice",
    "approved": "notice",
    "approval_required": "error",
    "denied": "error",
    "error": "error",
}


def escape_data(text: str) -> str:
    """`text` as a workflow command's data (docs.github.com/actions/reference/workflow-commands): `%`, CR
    and LF percent-encoded; other control characters from the plan (an ESC in a `for_each` key would
    rewrite the log line in the Actions UI) and bidirectional controls shown as escapes."""
    text = "".join(ch if ch in "\r\n" else escape_control(ch) for ch in text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line; properties that are None are left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render(verdict: Verdict) -> str:
    """The decision first, then findings most severe first, then loader notes.

    GitHub turns at most 10 commands of each kind per step (50 per job) into annotations and only
    logs the rest, so the order decides what reviewers see on the PR: errors before warnings before
    notices, and within a kind deny before approve, then critical before low. Plan-wide rules
    (environment teardown, destroy mode, a removed module instance) flag every delete of a plan; they
    become one annotation per plan and rule, so eight teardown rows cannot hide another plan's database.
    """
    annotations = [_annotation(finding) for finding in _single(verdict.findings)]
    annotations += [_teardown(group) for group in _teardown_groups(verdict.findings)]
    annotations.sort(key=lambda a: a.rank)
    lines = [_decision(verdict, [a.kind for a in annotations])]
    lines += [a.line for a in annotations]
    for plan in verdict.plans:
        for note in plan.notes:
            lines.append(command("notice", note, file=_file(plan.origin), title="planlint: input note"))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str  # error | warning | notice
    rank: tuple[int, int, int, int]  # sort key: kind, enforcement, severity, evaluation order
    line: str


def _rank(finding: Finding, kind: str, order: int) -> tuple[int, int, int, int]:
    return (
        LEVEL_ORDER.index(kind),
        -ENFORCEMENTS.index(finding.enforcement),
        -SEVERITIES.index(finding.severity),
        order,
    )


def _single(findings: tuple[Finding, ...]) -> list[tuple[int, Finding]]:
    plan_wide = plan_wide_rule_ids()
    return [(i, f) for i, f in enumerate(findings) if f.rule_id not in plan_wide]


def _teardown_groups(findings: tuple[Finding, ...]) -> list[list[tuple[int, Finding]]]:
    """Findings of plan-wide rules, grouped per input and rule, in evaluation order."""
    plan_wide = plan_wide_rule_ids()
    groups: dict[tuple[str, str, str], list[tuple[int, Finding]]] = {}
    for i, finding in enumerate(findings):
        if finding.rule_id in plan_wide:
            groups.setdefault((finding.origin, finding.scope, finding.rule_id), []).append((i, finding))
    return list(groups.values())


def _decision(verdict: Verdict, kinds: list[str]) -> str:
    name = DECISION_COMMAND[verdict.decision]
    shown = ANNOTATIONS_PER_KIND - 1  # the decision itself takes one slot of its kind
    hidden = sum(1 for k in kinds if k == name) > shown or any(
        kinds.count(k) > ANNOTATIONS_PER_KIND for k in set(kinds) - {name}
    )
    summary = (
        f"{DECISION_TEXT[verdict.decision]}. {len(verdict.findings)} finding(s) in "
        f"{len(verdict.plans)} input(s): "
        + "; ".join(f"{p.origin}: {plan_counts_text(p)}" for p in verdict.plans)
        + f". Destructive digest {short_digest(verdict.destructive_digest)}.\n"
        + (sentence(f"Approval: {verdict.approval_note}") + "\n" if verdict.approval_note else "")
        + "\n".join(next_steps(verdict))
    )
    if hidden:
        summary += (
            f"\nGitHub shows only {ANNOTATIONS_PER_KIND} annotations of each kind per step: every finding "
            "is in this log, the job summary and the JSON/SARIF reports."
        )
    return command(name, summary, title=f"planlint: {verdict.decision}")


def _kind(finding: Finding) -> str:
    return "notice" if finding.waived_by is not None else COMMAND[finding.enforcement]


def _annotation(item: tuple[int, Finding]) -> Annotation:
    order, finding = item
    name = _kind(finding)
    parts = explanation(finding)
    file: str | None = _file(finding.origin)
    line: int | None = None
    end_line: int | None = None
    if finding.location is not None:
        file, line, end_line = finding.location.path, finding.location.line, finding.location.end_line
    text = command(
        name,
        "\n".join(parts),
        title=f"{finding.rule_id} {finding.title}: {finding.address}",
        file=file,
        line=line,
        endLine=end_line,
    )
    return Annotation(name, _rank(finding, name, order), text)


def _teardown(group: list[tuple[int, Finding]]) -> Annotation:
    """One annotation for every finding of one plan-wide rule in one input."""
    worst_order, worst = min(group, key=lambda item: _rank(item[1], _kind(item[1]), item[0]))
    name = _kind(worst)
    addresses = [f.address for _, f in group]
    shown = addresses[:TEARDOWN_LISTED]
    more = len(addresses) - len(shown)
    where = worst.scope or worst.origin
    message = [
        sentence(worst.message) if len(group) == 1 else f"{len(group)} resources in {where} are destroyed.",
        f"Enforcement: {ENFORCEMENT_TEXT[worst.enforcement]}.",
        "Destroyed: " + ", ".join(shown) + (f" and {more} more" if more else "") + ".",
    ]
    text = command(
        name,
        "\n".join(message),
        title=f"{worst.rule_id} {worst.title}: {len(group)} resource(s) in {where}",
        file=_file(worst.origin),
    )
    return Annotation(name, _rank(worst, name, worst_order), text)


def _file(origin: str) -> str | None:
    return None if origin in ("", "-") else origin
