"""Markdown for pull request comments and $GITHUB_STEP_SUMMARY (GitHub-flavoured tables).

Everything taken from the plan (addresses, types, paths, notes, messages) goes through `cell` or
`inline`, which neutralise table pipes, backticks, emphasis, links, HTML and @-mentions.
"""

from __future__ import annotations

import re

from planlint.model import Finding, Plan, Verdict
from planlint.report.wording import (
    DECISION_TEXT,
    action_text,
    change_counts,
    counts_text,
    escape_bidi,
    forced_by,
    location_text,
    next_steps,
    why,
)

# GitHub rejects comments over 65,536 characters; the table stays well under that so the gate can add
# its approval details. A long tail of findings goes to the JSON/SARIF report.
MAX_ROWS = 150
MAX_TABLE_CHARS = 40_000

DECISION_ICON: dict[str, str] = {
    "pass": "✅",
    "approved": "✅",
    "approval_required": "🛑",
    "denied": "⛔",
    "error": "❌",
}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~|#!])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def render(verdict: Verdict, *, max_rows: int = MAX_ROWS, max_table_chars: int = MAX_TABLE_CHARS) -> str:
    """The whole report as one markdown document ending in a newline."""
    lines: list[str] = [
        f"## {DECISION_ICON.get(verdict.decision, '')} planlint: {DECISION_TEXT[verdict.decision]}",
        "",
        _summary_sentence(verdict),
        "",
    ]
    lines += _findings_table(verdict.findings, max_rows, max_table_chars)
    lines += [f"**Destructive digest:** `{verdict.destructive_digest or '(none)'}`", ""]
    if verdict.approval_note:
        lines += [f"**Approval:** {inline(verdict.approval_note)}", ""]
    lines += [
        "### What to do next",
        "",
    ]
    lines += [f"- {step}" for step in next_steps(verdict)]
    lines.append("")
    lines += _inputs_section(verdict)
    return "\n".join(lines).rstrip("\n") + "\n"


def inline(text: str) -> str:
    """Plan-controlled text made inert for markdown: no formatting, links, HTML or mentions."""
    escaped = "".join(_HTML.get(ch, ch) for ch in escape_bidi(text))
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    # "@name" in a comment notifies that user or team; a zero-width space stops the mention.
    escaped = escaped.replace("@", "@\u200b")
    return " ".join(escaped.split())  # newlines would end the table row


def code(text: str, *, in_table: bool = False) -> str:
    """Plan text as an inline code span; use instead of wrapping `inline()` output in backticks.

    Backslash escapes are not processed inside code spans, so the fence is made longer than any
    backtick run in the text. In a table GFM splits cells before it sees code spans, so pipes are
    escaped there (and only there: elsewhere the backslash would be shown).
    """
    text = " ".join(escape_bidi(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if in_table:
        text = text.replace("|", "\\|")
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell(text: str) -> str:
    """Like `inline`, and never empty (an empty cell reads as a rendering bug)."""
    return inline(text) if text.strip() else "–"


def _summary_sentence(verdict: Verdict) -> str:
    gated = [f for f in verdict.findings if f.gated and f.waived_by is None]
    files = len(verdict.plans)
    noun = "input" if files == 1 else "inputs"
    if not verdict.findings:
        return f"No findings in {files} {noun}."
    return f"{len(verdict.findings)} finding(s) in {files} {noun}; {len(gated)} need approval or are denied."


def _findings_table(findings: tuple[Finding, ...], max_rows: int, max_chars: int) -> list[str]:
    """Rows for what needs approval first; stops at `max_rows` rows or `max_chars` characters."""
    if not findings:
        return []
    multiple_inputs = len({f.origin for f in findings}) > 1
    header = ["Address", "Action", "Why", "Forced by", "Rule", "Enforcement"]
    if multiple_inputs:
        header.insert(0, "Input")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    size = 0
    shown = 0
    for finding in sorted(findings, key=lambda f: not (f.gated and f.waived_by is None)):
        row = [
            cell(finding.address) + f" ({cell(finding.type)})" + _where(finding),
            cell(action_text(finding.actions, finding.replace_order)),
            _why_cell(finding),
            cell(forced_by(finding)),
            f"{cell(finding.rule_id)} {cell(finding.title)}",
            _enforcement(finding),
        ]
        if multiple_inputs:
            row.insert(0, cell(finding.origin))
        line = "| " + " | ".join(row) + " |"
        size += len(line) + 1
        if shown == max_rows or (shown and size > max_chars):
            break
        lines.append(line)
        shown += 1
    if len(findings) > shown:
        lines += ["", f"… and {len(findings) - shown} more finding(s); see the JSON or SARIF report."]
    lines.append("")
    return lines


def _where(finding: Finding) -> str:
    """'<br>at infra/main.tf:12' when the source is known ('' otherwise)."""
    return f"<br>at {inline(location_text(finding.location))}" if finding.location is not None else ""


def _why_cell(finding: Finding) -> str:
    text = cell(why(finding))
    if finding.mitigation:
        text += f"<br>Mitigation: {inline(finding.mitigation)}"
    return text


def _enforcement(finding: Finding) -> str:
    text = f"{finding.enforcement} ({finding.severity})"
    if finding.waived_by is not None:
        text += f", waived by {finding.waived_by}"
    return cell(text)


def _inputs_section(verdict: Verdict) -> list[str]:
    if not verdict.plans:
        return []
    lines = ["<details><summary>Inputs</summary>", ""]
    lines += ["| Input | Tool | Changes | Notes |", "|---|---|---|---|"]
    for plan in verdict.plans:
        lines.append(
            f"| {cell(_plan_name(plan))} | {cell(_tool(plan))} | {cell(counts_text(change_counts(plan)))} "
            f"| {_notes(plan)} |"
        )
    lines += ["", "</details>"]
    return lines


def _plan_name(plan: Plan) -> str:
    return f"{plan.origin} (stack {plan.scope})" if plan.scope else plan.origin


def _tool(plan: Plan) -> str:
    return f"{plan.tool} {plan.tool_version}" if plan.tool_version else plan.tool


def _notes(plan: Plan) -> str:
    notes = list(plan.notes)
    if not plan.facts.complete:
        notes.insert(0, "plan is not complete")
    if plan.facts.destroy_mode:
        notes.insert(0, "destroy plan: every resource is deleted")
    return "<br>".join(inline(n) for n in notes) if notes else "–"
