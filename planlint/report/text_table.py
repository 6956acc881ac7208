"""The text report as rich tables for a wide terminal: one row per resource, every rule on it.

rich is imported here only, and only when stdout is a terminal wide enough (see text.render). Plan
text goes into rich `Text` objects, never into markup strings, so an address like
`aws_s3_bucket.b["[red]x"]` prints as written.
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

from planlint.model import Plan, Verdict
from planlint.report.next_steps import next_steps
from planlint.report.rows import ResourceRow, per_input, resource_rows
from planlint.report.text import (
    DECISION_STYLE,
    ENFORCEMENT_STYLE,
    SEVERITY_STYLE,
    decision_lines,
    finding_extras,
    heading,
    plan_details,
    printable,
    ungated_lines,
)
from planlint.report.wording import (
    DECISION_TEXT,
    DESTROY_MODE_TEXT,
    RunContext,
    action_text,
    location_text,
    origin_text,
    plan_counts_text,
    why,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

ACTION_WIDTH = 18  # "replaced (old object destroyed first, ...)" wraps inside this column
MIN_WHY_WIDTH = 40
# table edges and the padding between three columns (box.SIMPLE_HEAD without edges)
CHROME = 6


def fits(verdict: Verdict, width: int, max_rows: int) -> bool:
    """True when every address fits on one line beside the action and a readable "why" column."""
    rows = [row for _, findings in per_input(verdict) for row in resource_rows(findings)]
    if any(len(resource_rows(findings)) > max_rows for _, findings in per_input(verdict)):
        return False
    needed = max((_address_width(row) for row in rows), default=0)
    return needed + ACTION_WIDTH + MIN_WHY_WIDTH + CHROME <= width


def _address_width(row: ResourceRow) -> int:
    return max(len(printable(row.address)), len(printable(row.type)), len(location_text(row.location)))


def render(verdict: Verdict, *, color: bool, width: int, context: RunContext = "local") -> str:
    """The report as rich tables `width` columns wide (colour when `color`)."""
    from rich.console import Console
    from rich.text import Text

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
    console.print(heading(verdict))
    for plan, findings in per_input(verdict):
        console.print()
        _print_plan(console, plan)
        if not findings:
            console.print(Text("  No findings."))
        else:
            console.print(_table(resource_rows(findings)))
        for line in ungated_lines(verdict, plan):
            console.print(Text(line, style="dim"))
    console.print()
    _print_decision(console, verdict, context)
    text = out.getvalue()
    if color:
        return text
    # without colour the table padding is only trailing blanks; drop them so files diff cleanly
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _print_plan(console: Console, plan: Plan | None) -> None:
    from rich.text import Text

    if plan is None:
        console.print(Text("Findings not tied to one input", style="bold"))
        return
    title = Text(printable(origin_text(plan.origin)), style="bold")
    title.append(f"  ({printable(plan_details(plan))})")
    console.print(title)
    console.print(Text(f"  Changes: {plan_counts_text(plan)}"))
    if plan.facts.destroy_mode:
        console.print(Text(f"  {DESTROY_MODE_TEXT}", style="yellow"))
    for note in plan.notes:
        console.print(Text(f"  Note: {printable(note)}", style="yellow"))


def _table(rows: list[ResourceRow]) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    address_width = max(_address_width(row) for row in rows)
    table.add_column("Resource", no_wrap=True, min_width=address_width, max_width=address_width)
    table.add_column("Action", width=ACTION_WIDTH)
    table.add_column("Rules and why", ratio=1, min_width=MIN_WHY_WIDTH)
    for row in rows:
        resource = Text(printable(row.address), style="bold")
        resource.append(f"\n{printable(row.type)}", style="dim")
        if row.location is not None:
            resource.append(f"\n{printable(location_text(row.location))}", style="dim")
        table.add_row(resource, Text(action_text(row.actions, row.replace_order, row.type)), _rules(row))
    return table


def _rules(row: ResourceRow) -> Table:
    """Every rule on the resource: its id and levels beside its title, why and extras."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for finding in row.findings:
        label = Text(finding.rule_id, style="bold")
        label.append("\n")
        label.append(finding.enforcement, style=ENFORCEMENT_STYLE[finding.enforcement])
        label.append("/")
        label.append(finding.severity, style=SEVERITY_STYLE[finding.severity])
        text = Text(printable(finding.title), style="bold")
        text.append(f"\n{printable(why(finding))}")
        for name, value in finding_extras(finding):
            text.append(f"\n{name}: {printable(value)}", style="green" if name == "Mitigation" else "")
        grid.add_row(label, text)
    return grid


def _print_decision(console: Console, verdict: Verdict, context: RunContext) -> None:
    from rich.table import Table
    from rich.text import Text

    line = Text("Decision: ", style="bold")
    line.append(DECISION_TEXT[verdict.decision], style=DECISION_STYLE[verdict.decision])
    console.print(line)
    steps = next_steps(verdict, context)
    for text in decision_lines(verdict, context=context)[1 : -1 - len(steps)]:
        console.print(Text(text))
    console.print(Text("Next:", style="bold"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for step in steps:
        grid.add_row("  -", Text(step))
    console.print(grid)
