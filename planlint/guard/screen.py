"""Screen a raw shell command line before an agent runs it: the one question every hook adapter asks.

Each denial carries a `kind` (what sort of problem it is) so tests and logs can tell them apart:

- `trust`: the line approves, signs, or moves or edits planlint's trusted policy (only humans may);
- `unverifiable`: bash would decide at run time what runs (computed names, unreadable syntax, …);
- `impostor`: a `planlint` that is not the installed one would "guard" an infrastructure command;
- `apply` / `destroy` / `approval`: an infrastructure command planlint must judge first (classify.py);
- `destructive`: a direct cloud, cluster or database delete from the catalogue (destructive.py).
"""

from __future__ import annotations

from planlint.guard.advice import guard_form
from planlint.guard.classify import Classification, direct_delete
from planlint.guard.shell import ShellLine, SimpleCommand, parse
from planlint.guard.shellwords import mentions_iac
from planlint.guard.trust import impostor_guard, touches_trust
from planlint.records import NamedTuple

AGENT_STOP = "Do not retry with other flags or tools; report this to the user and wait."


def guard_advice(command: str, *, literally: bool = False) -> str:
    """One sentence: run the infrastructure command through guard, in this deployment's form."""
    how = "Write the infrastructure command literally, on its own, and run it" if literally else "Run it"
    return f"{how} through {guard_form(command)}."


class Screening(NamedTuple):
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
    from planlint.guard.destructive import destructive_command, program_argv

    unresolved = _unresolved(line)
    if unresolved:
        return Screening(
            True,
            f"planlint: blocked: this command cannot be verified before it runs ({unresolved}). "
            f"{guard_advice('<command>', literally=True)} " + AGENT_STOP,
            kind="unverifiable",
        )
    results: list[Classification] = []
    for command in (c._replace(argv=program_argv(c.argv)) for c in line.commands):  # python3 -m awscli
        verdict = direct_delete(command)
        if verdict is not None:
            verdict = _set_by(verdict, command)
            return Screening(True, _deny_message([verdict]), (verdict,), kind="destructive")
        guarded = impostor_guard(command)
        if guarded is None:
            results.append(_set_by(_after_path_change(classify_probed(command), line), command))
            continue
        inner, impostor = guarded
        if (
            not impostor
            and (line.path_changed or "planlint" in line.functions)
            and "/" not in command.argv[0]
        ):
            impostor = f"{command.argv[0]} (after the line changes PATH or redefines it)"
        if impostor and inner:
            hit = destructive_command(inner)
            verdict = classify_probed(SimpleCommand(inner, command.env))
            if verdict.gated or hit is not None:
                return Screening(True, _impostor_message(impostor, inner), (verdict,), kind="impostor")
    gated = [c for c in results if c.gated]
    if not gated:
        return Screening(False, "", tuple(results))
    return Screening(True, _deny_message(gated), tuple(results), kind=_kind(gated))


def _after_path_change(verdict: Classification, line: ShellLine) -> Classification:
    """An infrastructure tool that would pass, after the line changed PATH: it may not be the real one."""
    if not line.path_changed or verdict.kind != "pass" or "/" in verdict.argv[0]:
        return verdict
    reason = f"PATH is changed in this line, so `{verdict.argv[0]}` may not be the real {verdict.tool}"
    return verdict._replace(kind="unverifiable", reason=reason)


def _set_by(verdict: Classification, command: SimpleCommand) -> Classification:
    """Name the variable whose value runs the command (`GIT_PAGER='terraform destroy' git log`), the git
    hook or setting git runs it from (`git hook /repo/.git/hooks/pre-commit`), or the launcher that runs it
    on another machine, container or pod (`ssh host 'terraform destroy'`)."""
    if not command.via or not verdict.gated:
        return verdict
    git = next((v for v in reversed(command.via) if v.startswith("git ")), None)
    if git is not None:
        return verdict._replace(reason=f"{verdict.reason}; git runs it from the {git.removeprefix('git ')}")
    setter = next((v for v in command.via if v.isupper()), None)
    if setter is not None:
        return verdict._replace(reason=f"{verdict.reason}; it is the value of {setter}, which the line sets")
    from planlint.guard.launcher import launchers

    where = next((v for v in command.via if any(e.elsewhere for e in launchers().get(v, ()))), None)
    if where is None:
        return verdict
    return verdict._replace(
        reason=f"{verdict.reason}; `{where}` would run it on another machine, container or pod",
        elsewhere=where,
    )


def _unresolved(line: ShellLine) -> str:
    """Why a program the line runs cannot be seen: not on PATH, no builtin, no function of the line, and
    given a verb that changes infrastructure (`tf destroy` with `tf` an alias of the agent's shell)."""
    from planlint.guard.destructive import catalogued
    from planlint.guard.tables import load_table
    from planlint.guard.wrappers import launchers, names_tool

    table = load_table("shell")
    builtins, verbs = frozenset(table["builtins"]["names"]), frozenset(table["verbs"]["names"])
    for command in line.commands:
        name = command.argv[0]
        known = name in builtins or name in line.functions or name in launchers()
        known = known or names_tool(name) or catalogued(name)  # classified by what they are, found or not
        if known or "/" in name or not verbs.intersection(command.argv[1:]):
            continue
        import shlex  # shlex words refusals only: not on a silent line's path

        from planlint.guard.files import on_path  # only for a program no table knows

        if not on_path(name):
            return (
                f"`{name}` is not a program on PATH (an alias or function of the agent's shell, or a file the "
                f"line creates), so planlint cannot see what `{shlex.join(command.argv)}` runs"
            )
    return ""


def _kind(gated: list[Classification]) -> str:
    kinds = {c.kind for c in gated}
    return next(k for k in ("unverifiable", "approval", "destroy", "apply") if k in kinds)


def _impostor_message(impostor: str, inner: tuple[str, ...]) -> str:
    import shlex

    return (
        f"planlint: blocked: `{impostor}` is not the installed planlint, so it would not judge "
        f"`{shlex.join(inner)}`. Run the installed one: {guard_form(shlex.join(inner))}. " + AGENT_STOP
    )


_SAME_INPUT = " with the same standard input (guard reads it and binds it to the approval)"


def _deny_message(gated: list[Classification]) -> str:
    import shlex

    parts = []
    for c in gated:
        shown = c.display()
        if c.kind == "unverifiable":
            parts.append(f"`{shown}` cannot be verified: {c.reason}.")
            continue
        if c.kind == "approval":
            what = f"`{shown}` needs a peer's approval bound to this exact command ({c.reason})."
            how = (
                f"Run {guard_form(shlex.join(c.argv))}{_SAME_INPUT if c.reads_stdin else ''}: it prints the "
                "digest a human must approve with `planlint approve`."
            )
        else:
            what = f"`{shown}` would change infrastructure without planlint judging the plan ({c.reason})."
            how = (
                f"Run {guard_form(shlex.join(c.argv))} instead: it plans, shows what would be destroyed, and "
                "applies only the plan it judged."
            )
        if c.elsewhere:  # guard here would run it here, not where the launcher sends it
            how = (
                f"Guard on this machine would run it here, not where `{c.elsewhere}` sends it: run "
                f"{guard_form(shlex.join(c.argv))} on that machine, container or pod, or ask the user."
            )
        parts.append(f"{what} {how}")
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
