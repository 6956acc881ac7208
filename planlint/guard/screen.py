"""Screen a raw shell command line before an agent runs it: the one question every hook adapter asks.

Each denial carries a `kind` (what sort of problem it is) so tests and logs can tell them apart:

- `trust`: the line approves, signs, or moves or edits planlint's trusted policy (only humans may);
- `unverifiable`: bash would decide at run time what runs (computed names, unreadable syntax, …);
- `impostor`: a `planlint` that is not the installed one would "guard" an infrastructure command;
- `apply` / `destroy` / `approval`: an infrastructure command planlint must judge first (classify.py);
- `destructive`: a direct cloud, cluster or database delete from the catalogue (destructive.py).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from planlint.guard.advice import guard_form
from planlint.guard.classify import Classification
from planlint.guard.shell import SimpleCommand, parse
from planlint.guard.shellwords import mentions_iac
from planlint.guard.trust import impostor_guard, touches_trust

AGENT_STOP = "Do not retry with other flags or tools; report this to the user and wait."


def guard_advice(command: str, *, literally: bool = False) -> str:
    """One sentence: run the infrastructure command through guard, in this deployment's form."""
    how = "Write the infrastructure command literally, on its own, and run it" if literally else "Run it"
    return f"{how} through {guard_form(command)}."


@dataclass(frozen=True, slots=True)
class Screening:
    """The hook's answer: deny (with a reason written for the agent and a kind for tests) or stay silent."""

    deny: bool
    reason: str = ""
    classifications: tuple[Classification, ...] = ()
    kind: str = ""


def screen(command_line: str) -> Screening:
    """Deny a command line that would change infrastructure without planlint judging it first."""
    from planlint.guard.probe import classify_probed

    line = parse(command_line)
    trust = touches_trust(command_line, line.commands)
    if trust:
        return Screening(
            True,
            f"planlint: blocked: {trust}. Approving changes, and planlint's trusted policy (allowed signers, "
            "ledger, trust directory), belong to humans. An agent must not run `planlint approve`, sign "
            "approvals, or write or redirect planlint's trust files. " + AGENT_STOP,
            kind="trust",
        )
    if line.unverifiable:
        reasons = "; ".join(line.unverifiable)
        return Screening(
            True,
            f"planlint: blocked: this command cannot be verified before it runs ({reasons}). "
            f"{guard_advice('<command>', literally=True)} " + AGENT_STOP,
            kind="unverifiable",
        )
    for c in line.commands:
        if any(word.startswith("TF_CLI_ARGS") for word in c.argv[1:]):  # export/declare/typeset/set
            return Screening(
                True,
                "planlint: blocked: setting TF_CLI_ARGS* for later commands changes what they do without "
                f"showing it. Pass the flags explicitly to {guard_form('terraform …')}. " + AGENT_STOP,
                kind="unverifiable",
            )
    from planlint.guard.destructive import destructive_command

    results: list[Classification] = []
    for command in line.commands:
        hit = destructive_command(command.argv, command.stdin)
        if hit is not None:
            verdict = Classification(
                "approval", hit.program, command.argv, hit.reason, hit.id, env=command.env
            )
            return Screening(True, _deny_message([verdict]), (verdict,), kind="destructive")
        guarded = impostor_guard(command)
        if guarded is None:
            results.append(classify_probed(command))
            continue
        inner, impostor = guarded
        if impostor and inner:
            hit = destructive_command(inner)
            verdict = classify_probed(SimpleCommand(inner, command.env))
            if verdict.gated or hit is not None:
                return Screening(True, _impostor_message(impostor, inner), (verdict,), kind="impostor")
    gated = [c for c in results if c.gated]
    if not gated:
        return Screening(False, "", tuple(results))
    return Screening(True, _deny_message(gated), tuple(results), kind=_kind(gated))


def _kind(gated: list[Classification]) -> str:
    kinds = {c.kind for c in gated}
    return next(k for k in ("unverifiable", "approval", "destroy", "apply") if k in kinds)


def _impostor_message(impostor: str, inner: tuple[str, ...]) -> str:
    return (
        f"planlint: blocked: `{impostor}` is not the installed planlint, so it would not judge "
        f"`{shlex.join(inner)}`. Run the installed one: {guard_form(shlex.join(inner))}. " + AGENT_STOP
    )


def _deny_message(gated: list[Classification]) -> str:
    parts = []
    for c in gated:
        shown = c.display()
        if c.kind == "unverifiable":
            parts.append(f"`{shown}` cannot be verified: {c.reason}.")
        elif c.kind == "approval":
            parts.append(
                f"`{shown}` needs a peer's approval bound to this exact command ({c.reason}). "
                f"Run {guard_form(shlex.join(c.argv))}: it prints the digest a human must approve "
                "with `planlint approve`."
            )
        else:
            parts.append(
                f"`{shown}` would change infrastructure without planlint judging the plan ({c.reason}). "
                f"Run {guard_form(shlex.join(c.argv))} instead: it plans, shows what would be "
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
                f"{guard_advice('<command>')} " + AGENT_STOP,
                kind="unverifiable",
            )
        return Screening(False)
