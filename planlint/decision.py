"""The one function that turns a decision into an exit code (DESIGN.md, "Exit codes")."""

from __future__ import annotations

from collections.abc import Iterable

from planlint.model import Decision, Finding

EXIT_CODES: dict[Decision, int] = {
    "pass": 0,
    "approved": 0,
    "approval_required": 1,
    "denied": 1,
    "error": 2,
}


def exit_code(decision: Decision) -> int:
    """0 nothing needs approval (or it is approved), 1 approval required or denied, 2 error."""
    return EXIT_CODES[decision]


def decide(findings: Iterable[Finding]) -> Decision:
    """A `deny` finding wins over everything; any unwaived `approve` finding needs a peer."""
    enforcements = {f.enforcement for f in findings if f.waived_by is None}
    if "deny" in enforcements:
        return "denied"
    if "approve" in enforcements:
        return "approval_required"
    return "pass"
