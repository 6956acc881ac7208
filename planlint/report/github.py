"""GitHub Actions workflow commands: one annotation for the decision, then one per finding.

`::error file=F,line=N,title=T::MESSAGE`; escaping follows the Actions toolkit (`@actions/core`
command.ts): data escapes % CR LF, property values additionally escape : and ,.
"""

from __future__ import annotations

from planlint.model import Enforcement, Finding, Verdict
from planlint.report.wording import (
    DECISION_TEXT,
    change_counts,
    counts_text,
    explanation,
    next_steps,
    sentence,
    short_digest,
)

COMMAND: dict[Enforcement, str] = {"deny": "error", "approve": "error", "warn": "warning", "info": "notice"}
LEVEL_ORDER = ("error", "warning", "notice")
ANNOTATIONS_PER_KIND = 10  # per step; GitHub logs the rest without annotating them
DECISION_COMMAND: dict[str, str] = {
    "pass": "notice",
    "approved": "notice",
    "approval_required": "error",
    "denied": "error",
    "error": "error",
}


def escape_data(text: str) -> str:
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
    """The decision first, then findings by level (errors first), then loader notes.

    GitHub turns at most 10 commands of each kind per step (50 per job) into annotations and only
    logs the rest, so the order decides what reviewers see on the PR.
    """
    kinds = [_kind(f) for f in verdict.findings]
    by_level = sorted(range(len(kinds)), key=lambda i: LEVEL_ORDER.index(kinds[i]))
    lines = [_decision(verdict, kinds)]
    lines += [_annotation(verdict.findings[i], kinds[i]) for i in by_level]
    for plan in verdict.plans:
        for note in plan.notes:
            lines.append(command("notice", note, file=_file(plan.origin), title="planlint: input note"))
    return "\n".join(lines) + "\n"


def _decision(verdict: Verdict, kinds: list[str]) -> str:
    name = DECISION_COMMAND[verdict.decision]
    shown = ANNOTATIONS_PER_KIND - 1  # the decision itself takes one slot of its kind
    hidden = sum(1 for k in kinds if k == name) > shown or any(
        kinds.count(k) > ANNOTATIONS_PER_KIND for k in set(kinds) - {name}
    )
    summary = (
        f"{DECISION_TEXT[verdict.decision]}. {len(verdict.findings)} finding(s) in "
        f"{len(verdict.plans)} input(s): "
        + "; ".join(f"{p.origin}: {counts_text(change_counts(p))}" for p in verdict.plans)
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


def _annotation(finding: Finding, name: str) -> str:
    parts = explanation(finding)
    file: str | None = _file(finding.origin)
    line: int | None = None
    end_line: int | None = None
    if finding.location is not None:
        file, line, end_line = finding.location.path, finding.location.line, finding.location.end_line
    return command(
        name,
        "\n".join(parts),
        title=f"{finding.rule_id} {finding.title}: {finding.address}",
        file=file,
        line=line,
        endLine=end_line,
    )


def _file(origin: str) -> str | None:
    return None if origin in ("", "-") else origin
