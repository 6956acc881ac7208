"""Terminal and log output: per input a change summary, notes, one block per resource; then the decision.

Two layouts, the same content. Plain lines (pipes, CI logs, files, narrow terminals) never import
rich: a resource's line holds its address whole, then one line per rule on it. Written to a terminal they
are word-wrapped at its width with a hanging indent (an address, a digest or a path is never broken); to a
pipe or a file they are not wrapped. On a terminal wide enough for the longest address, `text_table`
draws a rich table at the terminal's width.
Colour is a separate choice (`color`): SGR codes on the plain lines, rich styles in the table.
"""

from __future__ import annotations

from planlint import __version__
from planlint.model import ENFORCEMENTS, Finding, Plan, Verdict
from planlint.report.next_steps import next_steps
from planlint.report.rows import ResourceRow, blocks, per_input, resource_rows
from planlint.report.wording import (
    DECISION_TEXT,
    DESTROY_MODE_TEXT,
    MAX_UNGATED_SHOWN,
    RunContext,
    action_text,
    escape_control,
    forced_by,
    location_text,
    origin_text,
    plan_counts_text,
    sentence,
    ungated_for,
    ungated_heading,
    ungated_text,
    why,
)

# Below this many columns a table cannot hold an address, an action and a readable "why" side by side.
MIN_TABLE_WIDTH = 100
# rich lays out a table at ~2 ms a row; past this many resources in one input the plain lines are used
# (every finding is still shown).
MAX_TABLE_ROWS = 200

ENFORCEMENT_STYLE = {"deny": "bold red", "approve": "bold red", "warn": "yellow", "info": "cyan"}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
DECISION_STYLE = {
    "pass": "bold green",
    "approved": "bold green",
    "approval_required": "bold red",
    "denied": "bold red",
    "error": "bold red",
}
# ECMA-48 SGR parameters for the few styles the plain layout uses.
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def render(
    verdict: Verdict, *, color: bool = False, width: int | None = None, context: RunContext = "local"
) -> str:
    """The report as text. `width` is the terminal's column count (None: not a terminal); `context` is
    where planlint runs, for the "Next" steps (`wording.run_context`).

    A table is drawn only on a terminal at least MIN_TABLE_WIDTH wide whose longest address fits in one
    line; otherwise (pipes, logs, narrow terminals, huge plans) plain lines. `color` adds colour to either.
    """
    if width is not None and width >= MIN_TABLE_WIDTH:
        from planlint.report import text_table

        if text_table.fits(verdict, width, MAX_TABLE_ROWS):
            return text_table.render(verdict, color=color, width=width, context=context)
    text = render_plain(verdict, color=color, context=context)
    return text if width is None else wrap_to(text, width)


def wrap_to(text: str, width: int) -> str:
    """`text` with each line longer than `width` columns word-wrapped under its own indent (two more
    columns after a `- ` bullet, four otherwise). Words are never broken, so a word longer than the width
    stands alone on its line; SGR colour codes do not count towards a length (textwrap would count them)."""
    out: list[str] = []
    for line in text.splitlines():
        if _visible(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        hang = indent + ("  " if body.startswith("- ") else "    ")
        line_out: list[str] = []  # words of the line being filled ("" keeps a double space)
        used = len(indent)
        for word in body.split(" "):
            size = _visible(word)
            if line_out and used + 1 + size > width and word:
                out.append(indent + " ".join(line_out))
                indent, line_out, used = hang, [word], len(hang) + size
            elif line_out or word:
                used += (1 if line_out else 0) + size
                line_out.append(word)
        out.append(indent + " ".join(line_out))
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _visible(text: str) -> int:
    """Columns `text` takes on a terminal: its length without SGR escape sequences."""
    import re

    return len(re.sub(r"\x1b\[[0-9;]*m", "", text))


def render_plain(verdict: Verdict, *, color: bool = False, context: RunContext = "local") -> str:
    """Headings, one line per resource and one per rule on it, the decision and what to do next."""
    paint = _painter(color)
    out = [heading(verdict)]
    for plan, findings in per_input(verdict):
        out.append("")
        out.extend(plan_lines(plan, paint))
        if not findings:
            out.append("  No findings.")
        for row in resource_rows(findings):
            out.extend(_row_lines(row, paint))
        out.extend(ungated_lines(verdict, plan))
    out.append("")
    out.extend(decision_lines(verdict, paint, context))
    return "\n".join(out) + "\n"


def ungated_lines(verdict: Verdict, plan: Plan | None) -> list[str]:
    """Under an input's findings: the deletes and replacements that need no approval, and why."""
    items = ungated_for(verdict, plan)
    if not items:
        return []
    lines = [f"  {ungated_heading(len(items))}:"]
    lines.extend(f"    {printable(ungated_text(item))}" for item in items[:MAX_UNGATED_SHOWN])
    if len(items) > MAX_UNGATED_SHOWN:
        lines.append(f"    ... and {len(items) - MAX_UNGATED_SHOWN} more (all in --format json)")
    return lines


def heading(verdict: Verdict) -> str:
    noun = "input" if len(verdict.plans) == 1 else "inputs"
    return f"planlint {__version__}: {len(verdict.plans)} {noun}"


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color or not style:
            return text
        codes = ";".join(_SGR[word] for word in style.split())
        return f"\x1b[{codes}m{text}\x1b[0m"


def _painter(color: bool) -> _Paint:
    return _Paint(color)


def plan_lines(plan: Plan | None, paint: _Paint | None = None) -> list[str]:
    """The input's heading, change counts and notes."""
    paint = paint or _Paint(False)
    if plan is None:
        return [paint("Findings not tied to one input", "bold")]
    lines = [paint(printable(origin_text(plan.origin)), "bold") + f"  ({printable(plan_details(plan))})"]
    lines.append(f"  Changes: {plan_counts_text(plan)}")
    if plan.facts.destroy_mode:
        lines.append(paint(f"  {DESTROY_MODE_TEXT}", "yellow"))
    lines.extend(paint(f"  Note: {printable(note)}", "yellow") for note in plan.notes)
    return lines


def plan_details(plan: Plan) -> str:
    details = [plan.tool + (f" {plan.tool_version}" if plan.tool_version else "")]
    if plan.scope:
        details.append(f"stack {plan.scope}")
    if plan.format_version:
        details.append(f"format {plan.format_version}")
    return ", ".join(details)


def _row_lines(row: ResourceRow, paint: _Paint) -> list[str]:
    head = f"  {paint(printable(row.address), 'bold')} ({printable(row.type)}): "
    head += action_text(row.actions, row.replace_order, row.type)
    if row.location is not None:
        head += f", at {printable(location_text(row.location))}"
    return [head, *(f"    {finding_line(f, paint)}" for f in row.findings)]


def finding_line(finding: Finding, paint: _Paint | None = None) -> str:
    """'PL001 approve/high  Title. Why: .... Forced by: .... Mitigation: ....' on one line."""
    paint = paint or _Paint(False)
    label = (
        f"{paint(finding.rule_id, 'bold')} {paint(finding.enforcement, ENFORCEMENT_STYLE[finding.enforcement])}"
        f"/{paint(finding.severity, SEVERITY_STYLE[finding.severity])}"
    )
    parts = [f"{label}  {printable(sentence(finding.title))} Why: {printable(sentence(why(finding)))}"]
    parts.extend(printable(sentence(f"{name}: {value}")) for name, value in finding_extras(finding))
    return " ".join(parts)


def finding_extras(finding: Finding) -> list[tuple[str, str]]:
    """(label, text) pairs shown after the why: forcing paths, mitigation, waiver."""
    extras = []
    if finding.replace_paths:
        extras.append(("Forced by", forced_by(finding)))
    if finding.mitigation:
        extras.append(("Mitigation", finding.mitigation))
    if finding.waived_by is not None:
        extras.append(("Waived by", finding.waived_by))
    return extras


def decision_lines(verdict: Verdict, paint: _Paint | None = None, context: RunContext = "local") -> list[str]:
    """The decision, counts, digest, approval note and the next steps."""
    paint = paint or _Paint(False)
    decision = paint(DECISION_TEXT[verdict.decision], DECISION_STYLE[verdict.decision])
    return [
        f"{paint('Decision:', 'bold')} {decision}",
        *summary_lines(verdict),
        paint("Next:", "bold"),
        *(f"  - {step}" for step in next_steps(verdict, context)),
    ]


def summary_lines(verdict: Verdict) -> list[str]:
    """Finding counts, the digest and the approval note: the lines between the decision and "Next"."""
    gated = [f for f in verdict.findings if blocks(f)]
    counts = {e: sum(1 for f in verdict.findings if f.enforcement == e) for e in ENFORCEMENTS}
    summary = ", ".join(f"{n} {e}" for e, n in counts.items() if n) or "none"
    lines = [
        f"Findings: {len(verdict.findings)} ({summary}); gated: {len(gated)}",
        f"Destructive digest: {verdict.destructive_digest or '(none)'}",
    ]
    if verdict.approval_note:
        lines.append(f"Approval: {printable(verdict.approval_note)}")
    return lines


def printable(text: str) -> str:
    """Plan text made safe for a terminal: one line; control characters (ESC ...) and bidirectional
    controls (U+202E, U+2066 ...) shown as escapes, never sent."""
    return "".join(_printable_char(ch) for ch in text)


def _printable_char(ch: str) -> str:
    return " " if ch in "\n\t" else escape_control(ch)
