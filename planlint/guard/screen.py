"""Screen a raw shell command line before an agent runs it: the one question every hook adapter asks."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from planlint.guard.classify import Classification, classify
from planlint.guard.shell import SimpleCommand, parse
from planlint.guard.shellwords import mentions_iac, tool_basename

AGENT_STOP = "Do not retry with other flags or tools; report this to the user and wait."


@dataclass(frozen=True, slots=True)
class Screening:
    """The hook's answer: deny (with a reason written for the agent) or stay silent."""

    deny: bool
    reason: str = ""
    classifications: tuple[Classification, ...] = ()


# What only a human (or the operator) may do: approve, choose planlint's trusted policy, touch its files.
_TRUST_TOUCH = re.compile(
    r"PLANLINT_TRUST_DIR|PLANLINT_APPROVER|--trust-dir|allowed_signers|planlint-approval|\.config/planlint"
    r"|planlint/(?:ledger|plans)|\bplanlint\s+approve\b|-m\s+planlint\s+approve\b"
)
_PLANLINT_FRONT_DOORS = frozenset(("guard", "check", "rules", "hook", "hooks", "diff", "--version"))


def _is_guarded(command: SimpleCommand) -> bool:
    """`planlint guard -- …` is planlint's own front door: guard judges what it wraps."""
    argv = command.argv
    if argv and tool_basename(argv[0]) == "planlint":
        return len(argv) > 1 and argv[1] in _PLANLINT_FRONT_DOORS
    return False


def screen(command_line: str) -> Screening:
    """Deny a command line that would change infrastructure without planlint judging it first."""
    if _TRUST_TOUCH.search(command_line):
        return Screening(
            True,
            "planlint: blocked: approving changes, and planlint's trusted policy (allowed signers, ledger, "
            "trust directory), belong to humans. An agent must not run `planlint approve`, sign approvals, "
            "or read, write or redirect planlint's trust files. " + AGENT_STOP,
        )
    line = parse(command_line)
    if line.unverifiable:
        reasons = "; ".join(line.unverifiable)
        return Screening(
            True,
            f"planlint: blocked: this command cannot be verified before it runs ({reasons}). "
            "Write the infrastructure command literally, on its own, and run it through "
            "`planlint guard -- <command>`. " + AGENT_STOP,
        )
    for c in line.commands:
        if any(word.startswith("TF_CLI_ARGS") for word in c.argv[1:]):  # export/declare/typeset/set
            return Screening(
                True,
                "planlint: blocked: setting TF_CLI_ARGS* for later commands changes what they do without "
                "showing it. Pass the flags explicitly to `planlint guard -- terraform …`. " + AGENT_STOP,
            )
    results = tuple(classify(c) for c in line.commands if not _is_guarded(c))
    gated = [c for c in results if c.gated]
    if not gated:
        return Screening(False, "", results)
    return Screening(True, _deny_message(gated), results)


def _deny_message(gated: list[Classification]) -> str:
    parts = []
    for c in gated:
        shown = c.display()
        if c.kind == "unverifiable":
            parts.append(f"`{shown}` cannot be verified: {c.reason}.")
        elif c.kind == "approval":
            parts.append(
                f"`{shown}` needs a peer's approval bound to this exact command ({c.reason}). "
                f"Run `planlint guard -- {shlex.join(c.argv)}`: it prints the digest a human must approve "
                "with `planlint approve`."
            )
        else:
            parts.append(
                f"`{shown}` would change infrastructure without planlint judging the plan ({c.reason}). "
                f"Run `planlint guard -- {shlex.join(c.argv)}` instead: it plans, shows what would be "
                "destroyed, and applies only the plan it judged."
            )
    return (
        "planlint: blocked. "
        + " ".join(parts)
        + " If guard refuses, "
        + AGENT_STOP[0].lower()
        + AGENT_STOP[1:]
    )


def screen_fail_closed(command_line: str) -> Screening:
    """`screen`, but an internal error denies when the line mentions an IaC tool (and stays silent otherwise)."""
    try:
        return screen(command_line)
    except Exception as exc:  # the hook must never let a crash become an allow
        if mentions_iac(command_line):
            return Screening(
                True,
                f"planlint: blocked: the command could not be checked ({type(exc).__name__}: {exc}). "
                "Run it through `planlint guard -- <command>`. " + AGENT_STOP,
            )
        return Screening(False)
