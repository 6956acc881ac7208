"""One `path:line: ...` line per finding, the way compilers and linters print (pre-commit hooks).

Editors and terminals turn `path:line:` into a link. Gated findings come first, then by file and line.
A block that exists only in the base revision (a deleted one) is shown at its file and base line, marked.
"""

from __future__ import annotations

from planlint.model import Finding, Verdict
from planlint.report.wording import DECISION_TEXT, explanation, short_digest, split_revision


def render(verdict: Verdict) -> str:
    """Finding lines, then one line with the decision; ends in a newline."""
    ordered = sorted(verdict.findings, key=lambda f: (not f.gated, *_where(f)))
    lines = [finding_line(f) for f in ordered]
    gated = sum(1 for f in verdict.findings if f.gated and f.waived_by is None)
    summary = f"planlint: {DECISION_TEXT[verdict.decision]}"
    if verdict.findings:
        summary += f" ({len(verdict.findings)} finding(s), {gated} gated"
        summary += f", digest {short_digest(verdict.destructive_digest)})" if gated else ")"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def finding_line(finding: Finding) -> str:
    """`infra/db.tf:12: PL001 approve/high: aws_db_instance.main (aws_db_instance) will be destroyed. ...`"""
    path, line = _where(finding)
    where = f"{path}:{line}" if line else (path or "-")
    text = " ".join(explanation(finding))
    revision = split_revision(finding.location.path)[0] if finding.location is not None else None
    if revision is not None:
        text += f" (line {line} as of {revision}; the block is gone from the working tree)"
    return f"{where}: {finding.rule_id} {finding.enforcement}/{finding.severity}: {' '.join(text.split())}"


def _where(finding: Finding) -> tuple[str, int]:
    if finding.location is None:
        return (finding.origin, 0)
    return (split_revision(finding.location.path)[1], finding.location.line)
