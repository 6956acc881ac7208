"""Markdown for pull request comments and $GITHUB_STEP_SUMMARY (GitHub-flavoured markdown).

Laid out the way reviewers read a plan comment (tfcmt, Atlantis): a one-line verdict, the plan's
"N to add, M to change, K to destroy" line, the changes that need approval with why and where (file:line
linked to the PR head), the approval state, what to do next, then the collapsed rest: other findings,
every change by action, the inputs. Everything fits GitHub's 65,536-character comment limit; what does
not fit is cut with a note saying so. Plan text goes through `markdown_text` (no markup, links or mentions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from planlint import __version__
from planlint.model import Finding, Plan, SourceLocation, Verdict
from planlint.report.links import ReportLinks, links_from_environment
from planlint.report.markdown_approval import ApprovalState, approval_lines
from planlint.report.markdown_text import cell, code, inline, link
from planlint.report.next_steps import next_steps
from planlint.report.rows import ResourceRow, resource_rows
from planlint.report.rules_meta import plan_wide_rule_ids
from planlint.report.stacks_markdown import is_many_stacks, stacks_sections
from planlint.report.wording import (
    ACTION_ORDER,
    DECISION_TEXT,
    NO_REASON,
    action_text,
    counts_text,
    forced_by,
    origin_text,
    short_digest,
    split_revision,
    ungated_heading,
    ungated_text,
    why,
)

__all__ = ["ApprovalState", "ReportLinks", "cell", "code", "inline", "links_from_environment", "render"]

COMMENT_LIMIT = 65_536  # GitHub refuses a comment body longer than this
RESERVED = 1_024  # the gate's hidden markers and headroom
TEARDOWN_LISTED = 10  # addresses named in a plan-wide row before "and N more"

DECISION_ICON: dict[str, str] = {
    "pass": "✅",
    "approved": "✅",
    "approval_required": "🛑",
    "denied": "⛔",
    "error": "❌",
}
ACTION_HEADING: dict[str, str] = {
    "delete": "🗑️ Destroy",
    "replace": "♻️ Replace",
    "forget": "📤 Forget (removed from state, kept)",
    "update": "✏️ Update in place",
    "create": "➕ Create",
    "import": "📥 Import",
    "move": "↪️ Move",
}


def render(
    verdict: Verdict,
    *,
    links: ReportLinks | None = None,
    approval: ApprovalState | None = None,
    limit: int = COMMENT_LIMIT - RESERVED,
) -> str:
    """The whole report as one markdown document ending in a newline, at most `limit` characters."""
    links = links or ReportLinks()
    fixed = [
        *_verdict_lines(verdict, links),
        *approval_lines(verdict, approval),
        *_next_lines(verdict, approval),
    ]
    footer = _footer(verdict, links)
    budget = limit - _size(fixed) - _size(footer)
    gated, budget = _gated_section(verdict, links, budget)
    others, budget = _other_section(verdict, links, budget)
    ungated, budget = _ungated_section(verdict, budget)
    changes, budget = _changes_section(verdict, budget)
    inputs, budget = _inputs_section(verdict, budget)
    head = fixed[: len(_verdict_lines(verdict, links))]
    rest = fixed[len(head) :]
    stacks: list[str] = []
    if is_many_stacks(verdict):  # one summary table over every stack, gated stacks first
        stacks = stacks_sections(verdict)
    lines = [*head, *stacks, *gated, *rest, *others, *ungated, *changes, *inputs, *footer]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the top: verdict, plan line, destroy-plan warnings ----------------------------------------


def _verdict_lines(verdict: Verdict, links: ReportLinks) -> list[str]:
    lines = [f"## {DECISION_ICON.get(verdict.decision, '')} planlint: {DECISION_TEXT[verdict.decision]}", ""]
    facts = [f"**{plan_line(verdict.plans)}**"]
    count = len(verdict.plans)
    facts.append(f"{count} input" if count == 1 else f"{count} inputs")
    facts.append(f"{len(verdict.findings)} finding(s), {len(_gated(verdict))} need approval or are denied")
    if verdict.destructive_digest:
        facts.append(f"digest `{short_digest(verdict.destructive_digest)}`")
    if links.run_url:
        facts.append(link("CI run", links.run_url))
    lines += [" · ".join(facts), ""]
    for plan in verdict.plans:
        if plan.facts.destroy_mode:
            name = code(origin_text(plan.origin))
            lines += [f"> ⚠️ **Destroy plan:** {name} deletes every resource it manages.", ""]
        if not plan.facts.complete:
            lines += [f"> ⚠️ {code(origin_text(plan.origin))} is not complete: more changes can follow.", ""]
    return lines


def plan_line(plans: Sequence[Plan]) -> str:
    """Terraform's summary line over all inputs: a replacement counts as one add and one destroy."""
    counts = dict.fromkeys(("import", "add", "change", "destroy", "forget", "replace"), 0)
    for plan in plans:
        for change in plan.changes:
            actions = set(change.actions)
            counts["import"] += "import" in actions
            counts["add"] += bool(actions & {"create", "replace"})
            counts["change"] += "update" in actions
            counts["destroy"] += bool(actions & {"delete", "replace"})
            counts["forget"] += "forget" in actions
            counts["replace"] += "replace" in actions
    if not any(counts.values()):
        return "Plan: no changes."
    parts = [f"{counts['import']} to import"] if counts["import"] else []
    parts += [f"{counts['add']} to add", f"{counts['change']} to change", f"{counts['destroy']} to destroy"]
    if counts["forget"]:
        parts.append(f"{counts['forget']} to forget")
    text = "Plan: " + ", ".join(parts)
    if counts["replace"]:
        text += f" ({counts['replace']} replaced)"
    return text + "."


# --- what needs approval ---------------------------------------------------------------------------


def _gated(verdict: Verdict) -> list[Finding]:
    return [f for f in verdict.findings if f.gated and f.waived_by is None]


def _gated_section(verdict: Verdict, links: ReportLinks, budget: int) -> tuple[list[str], int]:
    gated = _gated(verdict)
    if not gated:
        return [], budget
    rows = _rows(verdict, gated, links)
    resources = len({(f.origin, f.scope, f.address) for f in gated})
    heading = [
        f"### Changes that need approval ({resources} resource{'' if resources == 1 else 's'})",
        "",
        "| Change | Why |",
        "|---|---|",
    ]
    return _fit(heading, rows, [""], budget, lambda n: f"{n} more change(s) that need approval")


def _other_section(verdict: Verdict, links: ReportLinks, budget: int) -> tuple[list[str], int]:
    others = [f for f in verdict.findings if not f.gated or f.waived_by is not None]
    if not others:
        return [], budget
    rows = _rows(verdict, others, links)
    heading = [
        f"<details><summary>Other findings ({len(others)}): warnings, notes and waived findings</summary>",
        "",
        "| Change | Why |",
        "|---|---|",
    ]
    return _fit(heading, rows, ["", "</details>", ""], budget, lambda n: f"{n} more finding(s)")


def _ungated_section(verdict: Verdict, budget: int) -> tuple[list[str], int]:
    """Every delete or replacement that needs no approval, and why (issue 11: every destroy is visible)."""
    items = verdict.ungated_destroys
    if not items:
        return [], budget
    heading = [f"<details><summary>{ungated_heading(len(items))}</summary>", ""]
    rows = [f"- {inline(ungated_text(item))}" for item in items]
    return _fit(heading, rows, ["", "</details>", ""], budget, lambda n: f"{n} more change(s)")


def _rows(verdict: Verdict, findings: list[Finding], links: ReportLinks) -> list[str]:
    """One row per resource (every rule on it), except plan-wide rules: one row per input and rule."""
    plan_wide = plan_wide_rule_ids()
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        if finding.rule_id in plan_wide:
            groups.setdefault((finding.origin, finding.scope, finding.rule_id), []).append(finding)
    several = len(verdict.plans) > 1
    rows = [_group_row(group) for group in groups.values()]
    rows += [
        _resource_row(verdict, row, links, several)
        for row in resource_rows(f for f in findings if f.rule_id not in plan_wide)
    ]
    return rows


def _resource_row(verdict: Verdict, row: ResourceRow, links: ReportLinks, several: bool) -> str:
    """Change: action, address, type, rules and where (two columns keep a comment from scrolling sideways)."""
    first = row.findings[0]
    change = [
        f"**{_action_word(row.actions)}** {code(row.address, in_table=True)}",
        f"{code(row.type, in_table=True)} · " + ", ".join(_rule(f) for f in row.findings),
        _where(first, row.location, links, several),
    ]
    whys = [_why(verdict, f) for f in row.findings]
    why_text = "<br>".join(dict.fromkeys(whys))  # the same words once, whatever number of rules say them
    return f"| {'<br>'.join(change)} | {why_text} |"


def _group_row(group: list[Finding]) -> str:
    first = group[0]
    listed = ", ".join(code(f.address, in_table=True) for f in group[:TEARDOWN_LISTED])
    more = len(group) - TEARDOWN_LISTED
    where = code(first.scope or origin_text(first.origin), in_table=True)
    change = f"**destroy** {len(group)} resource(s)<br>{_rule(first)}<br>in {where}"
    why_text = f"{cell(first.title)}: {listed}" + (
        f" and {more} more (all under *All changes*)" if more > 0 else ""
    )
    return f"| {change} | {why_text} |"


def _action_word(actions: tuple[str, ...]) -> str:
    words = {"delete": "destroy", "no-op": "keep"}
    return " + ".join(words.get(a, a) for a in actions) or "change"


def _rule(finding: Finding) -> str:
    text = f"{finding.rule_id} {finding.enforcement}/{finding.severity}"
    if finding.waived_by is not None:
        text += f", waived by {inline(finding.waived_by)}"
    return text


def _why(verdict: Verdict, finding: Finding) -> str:
    reason = why(finding)
    if reason == NO_REASON:
        plan = next((p for p in verdict.plans if p.origin == finding.origin), None)
        if plan is not None and plan.facts.destroy_mode:
            reason = "the plan was made with -destroy: it deletes everything it manages"
    parts = [inline(reason.rstrip(". "))]
    if "replace" in finding.actions:
        parts.append(inline(action_text(finding.actions, finding.replace_order)))
    paths = forced_by(finding)
    if paths:
        parts.append("forced by " + code(paths, in_table=True))
    text = "; ".join(parts)
    if finding.mitigation:
        text += f"<br>Mitigation: {inline(finding.mitigation)}"
    return text


def _where(finding: Finding, location: SourceLocation | None, links: ReportLinks, several: bool) -> str:
    """`at infra/db.tf:12` (linked to the PR head when known), else `in <input>`."""
    origin = code(origin_text(finding.origin), in_table=True)
    if location is None:
        return f"in {origin}"
    revision, path = split_revision(location.path)
    line, end = location.line, location.end_line
    label = f"{path}:{line}"
    if revision is not None:
        text = f"at {code(label, in_table=True)} (as it was in {inline(revision)})"
    elif links.blob_url and not Path(path).is_absolute() and not path.startswith("../"):
        anchor = f"#L{line}-L{end}" if end and end > line else f"#L{line}"
        text = "at " + link(label, f"{links.blob_url}/{quote(path)}{anchor}")
    else:
        text = f"at {code(label, in_table=True)}"
    return text + (f" in {origin}" if several else "")


# --- approval and next steps ----------------------------------------------------------------------


def _next_lines(verdict: Verdict, approval: ApprovalState | None) -> list[str]:
    steps = list(next_steps(verdict))
    if approval is not None and not approval.approved and verdict.decision == "approval_required":
        steps = [
            f"A reviewer reads the changes above (digest `{short_digest(verdict.destructive_digest)}`). If they "
            f"are intended, a peer who may approve adds the label {code(approval.label)} "
            "(remove and re-add it if it is already there).",
            "Any new push or a different destructive change set needs a new label.",
            steps[-1],
        ]
    return ["### What to do next", "", *(f"- {step}" for step in steps), ""]


# --- the collapsed rest -----------------------------------------------------------------------------


def _changes_section(verdict: Verdict, budget: int) -> tuple[list[str], int]:
    """Every change of every input, by action (no-ops and reads left out), like tfcmt's details."""
    several = len(verdict.plans) > 1
    by_action: dict[str, list[str]] = {}
    for plan in verdict.plans:
        for change in plan.changes:
            for action in change.actions:
                if action in ACTION_HEADING:
                    where = f" in {code(origin_text(plan.origin))}" if several else ""
                    by_action.setdefault(action, []).append(
                        f"- {code(change.address)} ({code(change.type)}){where}"
                    )
    total = sum(len(items) for items in by_action.values())
    if not total:
        return [], budget
    summary = counts_text({a: len(items) for a, items in by_action.items()})
    lines = [f"<details><summary>All changes by action ({total}): {summary}</summary>", ""]
    items: list[str] = []
    for kind in ACTION_ORDER:
        if kind in by_action:
            heading = [f"**{ACTION_HEADING[kind]} ({len(by_action[kind])})**", ""]
            items += ["", *heading] if items else heading
            items += by_action[kind]
    return _fit(
        lines, items, ["", "</details>", ""], budget, lambda n: f"{n} more line(s) of the change list"
    )


def _inputs_section(verdict: Verdict, budget: int) -> tuple[list[str], int]:
    if not verdict.plans:
        return [], budget
    heading = [
        "<details><summary>Inputs</summary>",
        "",
        "| Input | Tool | Changes | Notes |",
        "|---|---|---|---|",
    ]
    rows = [
        f"| {code(_plan_name(p), in_table=True)} | {cell(_tool(p))} | {cell(counts_text(_counts(p)))} | {_notes(p)} |"
        for p in verdict.plans
    ]
    return _fit(heading, rows, ["", "</details>", ""], budget, lambda n: f"{n} more input(s)")


def _footer(verdict: Verdict, links: ReportLinks) -> list[str]:
    parts = [f"planlint {__version__}", f"destructive digest `{verdict.destructive_digest or '(none)'}`"]
    if links.run_url:
        parts.append(link("CI run", links.run_url))
    return ["<sub>" + " · ".join(parts) + "</sub>"]


def _counts(plan: Plan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in plan.changes:
        for action in change.actions:
            counts[action] = counts.get(action, 0) + 1
    return counts


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


# --- the size limit ---------------------------------------------------------------------------------


def _size(lines: Sequence[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _fit(
    head: list[str], items: list[str], tail: list[str], budget: int, what: Callable[[int], str]
) -> tuple[list[str], int]:
    """`head`, as many `items` as fit in `budget` characters, `tail`, and a note for the rest."""
    note_room = 220
    room = budget - _size(head) - _size(tail) - note_room
    kept = 0
    for item in items:
        if len(item) + 1 > room:
            break
        room -= len(item) + 1
        kept += 1
    if kept == 0 and budget < _size(head) + _size(tail) + note_room:
        return [], budget
    lines = [*head, *items[:kept]]
    if kept < len(items):
        lines += [
            "",
            f"… {what(len(items) - kept)} not shown: GitHub comments are limited to {COMMENT_LIMIT:,} "
            "characters. `planlint check --format json` lists everything.",
        ]
    lines += tail
    return lines, budget - _size(lines)
