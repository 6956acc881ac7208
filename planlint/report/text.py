"""Terminal output: per input file a change summary, notes and a findings table; then the decision.

rich is imported here only. Plan text goes into rich `Text` objects, never into markup strings, so
an address like `aws_s3_bucket.b["[red]x"]` prints as written.
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

from planlint import __version__
from planlint.model import ENFORCEMENTS, Finding, Plan, Verdict
from planlint.report.wording import (
    DECISION_TEXT,
    action_text,
    change_counts,
    counts_text,
    forced_by,
    next_steps,
    why,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

WIDTH = 120
# rich lays out a table at ~2 ms a row; past this many findings in one file, one plain line each
# keeps a destroy-everything plan readable and fast (every finding is still shown).
MAX_TABLE_ROWS = 200

ENFORCEMENT_STYLE = {"deny": "bold red", "approve": "bold red", "warn": "yellow", "info": "cyan"}
DECISION_STYLE = {
    "pass": "bold green",
    "approved": "bold green",
    "approval_required": "bold red",
    "denied": "bold red",
    "error": "bold red",
}


def render(verdict: Verdict, *, color: bool = False, width: int = WIDTH) -> str:
    """The report as text: rich tables in colour for a terminal (`color`, the caller passes
    stdout.isatty()), plain lines otherwise.

    Pipes, CI logs and files get one line per finding, which greps and diffs well, and skip importing
    rich (~50 ms, a third of a small check).
    """
    if not color:
        return render_plain(verdict)
    return render_table(verdict, color=color, width=width)


def render_plain(verdict: Verdict) -> str:
    """The same report without rich: headings, one line per finding, the decision and what to do next."""
    noun = "input" if len(verdict.plans) == 1 else "inputs"
    out = [f"planlint {__version__}: {len(verdict.plans)} {noun}"]
    for plan, findings in _grouped(verdict):
        out.append("")
        out.extend(_plan_lines(plan))
        if not findings:
            out.append("  No findings.")
        out.extend(_finding_line(f).rstrip("\n") for f in findings)
    out.append("")
    out.extend(_decision_lines(verdict))
    return "\n".join(out) + "\n"


def _plan_lines(plan: Plan | None) -> list[str]:
    if plan is None:
        return ["Findings not tied to one input"]
    lines = [f"{printable(plan.origin)}  ({printable(', '.join(_plan_details(plan)))})"]
    lines.append(f"  Changes: {counts_text(change_counts(plan))}")
    if plan.facts.destroy_mode:
        lines.append("  Destroy plan: every resource in it is deleted.")
    lines.extend(f"  Note: {printable(note)}" for note in plan.notes)
    return lines


def _plan_details(plan: Plan) -> list[str]:
    details = [plan.tool + (f" {plan.tool_version}" if plan.tool_version else "")]
    if plan.scope:
        details.append(f"stack {plan.scope}")
    if plan.format_version:
        details.append(f"format {plan.format_version}")
    return details


def _decision_lines(verdict: Verdict) -> list[str]:
    return [
        f"Decision: {DECISION_TEXT[verdict.decision]}",
        *_summary_lines(verdict),
        "Next:",
        *(f"  - {step}" for step in next_steps(verdict)),
    ]


def _summary_lines(verdict: Verdict) -> list[str]:
    """Finding counts, the digest and the approval note: the lines between the decision and "Next"."""
    gated = [f for f in verdict.findings if f.gated and f.waived_by is None]
    counts = {e: sum(1 for f in verdict.findings if f.enforcement == e) for e in ENFORCEMENTS}
    summary = ", ".join(f"{n} {e}" for e, n in counts.items() if n) or "none"
    lines = [
        f"Findings: {len(verdict.findings)} ({summary}); gated: {len(gated)}",
        f"Destructive digest: {verdict.destructive_digest or '(none)'}",
    ]
    if verdict.approval_note:
        lines.append(f"Approval: {printable(verdict.approval_note)}")
    return lines


def render_table(verdict: Verdict, *, color: bool = False, width: int = WIDTH) -> str:
    """The report as rich tables (colour when `color`)."""
    from rich.console import Console

    out = StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    noun = "input" if len(verdict.plans) == 1 else "inputs"
    console.print(f"planlint {__version__}: {len(verdict.plans)} {noun}")
    for plan, findings in _grouped(verdict):
        console.print()
        _print_plan(console, plan, findings)
        if len(findings) > MAX_TABLE_ROWS:
            out.writelines(_finding_line(f) for f in findings)
    console.print()
    _print_decision(console, verdict)
    text = out.getvalue()
    if color:
        return text
    # without colour the table padding is only trailing blanks; drop them so files diff cleanly
    return "\n".join(line.rstrip() for line in text.split("\n"))


def printable(text: str) -> str:
    """Plan text made safe for a terminal: one line, control characters (ESC ...) shown, not sent."""
    return "".join(
        " " if ch in "\n\t" else (f"\\x{ord(ch):02x}" if _is_control(ch) else ch) for ch in text
    ).replace("\r", "")


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 32 or 127 <= code < 160


def _grouped(verdict: Verdict) -> list[tuple[Plan | None, list[Finding]]]:
    """Findings per input file in Verdict.plans order; findings naming no known input come last."""
    groups: list[tuple[Plan | None, list[Finding]]] = [(p, []) for p in verdict.plans]
    by_key = {(p.origin, p.scope): i for i, p in enumerate(verdict.plans)}
    by_origin: dict[str, int] = {}
    for i, p in enumerate(verdict.plans):
        by_origin.setdefault(p.origin, i)
    orphans: list[Finding] = []
    for finding in verdict.findings:
        index = by_key.get((finding.origin, finding.scope), by_origin.get(finding.origin))
        if index is None:
            orphans.append(finding)
        else:
            groups[index][1].append(finding)
    if orphans:
        groups.append((None, orphans))
    return groups


def _print_plan(console: Console, plan: Plan | None, findings: list[Finding]) -> None:
    from rich.text import Text

    if plan is None:
        console.print(Text("Findings not tied to one input", style="bold"))
    else:
        title = Text(printable(plan.origin), style="bold")
        title.append(f"  ({printable(', '.join(_plan_details(plan)))})")
        console.print(title)
        console.print(_indented(Text(f"Changes: {counts_text(change_counts(plan))}")))
        if plan.facts.destroy_mode:
            console.print(_indented(Text("Destroy plan: every resource in it is deleted.", style="yellow")))
        for note in plan.notes:
            console.print(_indented(Text(f"Note: {printable(note)}", style="yellow")))
    if not findings:
        console.print(_indented(Text("No findings.")))
    elif len(findings) > MAX_TABLE_ROWS:
        console.print(
            _indented(
                Text(f"{len(findings)} findings, one line each: rule, enforcement, address, action, why")
            )
        )
    else:
        console.print(_findings_table(findings))


def _finding_line(finding: Finding) -> str:
    parts = [
        f"  {finding.rule_id} {finding.enforcement}/{finding.severity}",
        f"{printable(finding.address)} ({printable(finding.type)})",
        action_text(finding.actions, finding.replace_order),
        printable(why(finding)),
    ]
    if finding.replace_paths:
        parts.append("forced by: " + printable(forced_by(finding)))
    if finding.mitigation:
        parts.append("mitigation: " + printable(finding.mitigation))
    if finding.waived_by is not None:
        parts.append("waived by: " + printable(finding.waived_by))
    return " | ".join(parts) + "\n"


def _indented(text: Text) -> Padding:
    from rich.padding import Padding

    return Padding(text, (0, 0, 0, 2))


def _findings_table(findings: list[Finding]) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Address", overflow="fold", ratio=4)
    table.add_column("Action", ratio=2)
    table.add_column("Why", ratio=4)
    for finding in findings:
        rule = Text(finding.rule_id)
        rule.append(f"\n{finding.enforcement}", style=ENFORCEMENT_STYLE[finding.enforcement])
        rule.append(f"\n{finding.severity}", style="dim")
        address = Text(printable(finding.address))
        address.append(f"\n{printable(finding.type)}", style="dim")
        explanation = Text(printable(finding.title), style="bold")
        explanation.append(f"\n{printable(why(finding))}")
        if finding.replace_paths:
            explanation.append(f"\nforced by: {printable(forced_by(finding))}")
        if finding.mitigation:
            explanation.append(f"\nmitigation: {printable(finding.mitigation)}", style="green")
        if finding.waived_by is not None:
            explanation.append(f"\nwaived by: {printable(finding.waived_by)}", style="dim")
        table.add_row(
            rule,
            address,
            Text(action_text(finding.actions, finding.replace_order)),
            explanation,
        )
    return table


def _print_decision(console: Console, verdict: Verdict) -> None:
    from rich.table import Table
    from rich.text import Text

    line = Text("Decision: ", style="bold")
    line.append(DECISION_TEXT[verdict.decision], style=DECISION_STYLE[verdict.decision])
    console.print(line)
    for text in _decision_lines(verdict)[1 : -1 - len(next_steps(verdict))]:
        console.print(Text(text))
    console.print(Text("Next:", style="bold"))
    steps = Table.grid(padding=(0, 1))
    steps.add_column(no_wrap=True)
    steps.add_column()
    for step in next_steps(verdict):
        steps.add_row("  -", Text(step))
    console.print(steps)
