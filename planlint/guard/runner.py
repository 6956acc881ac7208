"""`planlint guard -- <command>`: classify, then run untouched, plan-judge-apply, or refuse."""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from planlint.approvals.identity import Requester
from planlint.approvals.policy import TrustedPolicy
from planlint.approvals.trustdir import TrustError
from planlint.errors import ConfigError, GateError
from planlint.guard import outcome
from planlint.guard.bound_inputs import BoundInputs, UnboundInput, read_stdin
from planlint.guard.classify import Classification, classify
from planlint.guard.outcome import Refusal, render_refusal
from planlint.guard.scope import command_digest, command_scope
from planlint.guard.shell import SimpleCommand
from planlint.model import Verdict


@dataclass(frozen=True, slots=True)
class GuardOptions:
    approval: Path | None = None
    github_pr: int | None = None
    trust_dir: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    classification: Classification
    env: Mapping[str, str]
    cwd: Path
    options: GuardOptions
    stdin: bytes | None = None  # a database client's input, read by guard (bound_inputs.read_stdin)

    @property
    def shown(self) -> str:
        return self.classification.display()


def guard(argv: Sequence[str], options: GuardOptions, env: Mapping[str, str], cwd: Path) -> int:
    """Run `argv` under guard; returns the tool's exit code, or a documented refusal code (10+)."""
    if not argv:
        raise ConfigError("nothing to guard: use `planlint guard -- terraform apply …`")
    env = tool_environment(env)
    tf_env = tuple((k, v) for k, v in env.items() if k.startswith("TF_CLI_ARGS"))
    try:
        stdin = _statements_input(argv)
    except UnboundInput as exc:
        return refuse(
            Refusal(outcome.UNRUNNABLE, f"cannot bind what the command reads: {exc}", shlex.join(argv))
        )
    text = None if stdin is None else stdin.decode("utf-8", errors="surrogateescape")
    c = classify(SimpleCommand(tuple(argv), tf_env, stdin=text))
    ctx = Context(c, env, cwd, options, stdin)
    if c.kind == "other":
        return refuse(Refusal(outcome.UNRUNNABLE, "guard runs infrastructure tools only", ctx.shown,
                               detail="Run the infrastructure command itself under guard, without wrappers."))  # fmt: skip
    if c.kind == "unverifiable":
        return refuse(Refusal(outcome.UNRUNNABLE, f"cannot be verified: {c.reason}", ctx.shown))
    from planlint.guard.reveal import logging_refusal

    shows = logging_refusal(c)
    if shows is not None:
        return refuse(Refusal(outcome.UNRUNNABLE, f"guard does not print values marked sensitive: {shows}",
                               ctx.shown, detail=WITHHELD_DETAIL))  # fmt: skip
    if options.trust_dir and env.get("SUDO_UID"):
        return refuse(Refusal(outcome.UNRUNNABLE, "--trust-dir is refused when guard is started through sudo: "
                               "the trust directory is the guard account's own", ctx.shown))  # fmt: skip
    unheld = tool_problem(c.argv[0], env)
    if unheld:
        return refuse(Refusal(outcome.UNRUNNABLE, f"guard will not run {c.argv[0]!r}: {unheld}", ctx.shown,
                               detail="Run the tool installed by the operator, by its name."))  # fmt: skip
    try:
        runs = _program_refusal(ctx)
        if runs is not None:
            return refuse(runs)
        if c.kind == "pass":
            return _run_pass(ctx)
        if binds_inputs(c):
            return _approval_bound_with_inputs(ctx)
        return _gated(ctx)
    except TrustError as exc:
        return refuse(Refusal(outcome.UNRUNNABLE, "the trusted policy cannot be used, so nothing that changes "
                               "infrastructure runs", ctx.shown, detail=f"reason: {exc}"))  # fmt: skip


def _run_pass(ctx: Context) -> int:
    """A read-only command, run so that nothing it prints shows a value marked sensitive (guard/reveal.py)."""
    from planlint.guard.redact_state import Withheld
    from planlint.guard.reveal import run_pass

    try:
        return run_pass(ctx.classification, ctx.env, ctx.cwd)
    except Withheld as exc:
        return refuse(Refusal(outcome.UNRUNNABLE, f"guard does not print values marked sensitive: {exc}",
                               ctx.shown, detail=WITHHELD_DETAIL))  # fmt: skip


def _program_refusal(ctx: Context) -> Refusal | None:
    """Programs the agent's configuration would make guard run (planlint.guard.program_gate), read first."""
    from planlint.guard.program_gate import program_refusal

    return program_refusal(ctx.classification, ctx.env, ctx.cwd, ctx.options.trust_dir)


WITHHELD_DETAIL = (
    "Values marked sensitive stay with guard's account. `output -json` and `show -json` under guard print "
    "everything else, with those values replaced by a marker."
)


def tool_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without the variables that would let the caller change what a tool guard starts runs
    (rules/commands/env_commands.yaml: `GIT_SSH_COMMAND`, `BASH_ENV`, `TF_CLI_CONFIG_FILE`, `LD_PRELOAD`, …);
    the names removed are said once on stderr. Trust rule 6: guard's own environment decides nothing."""
    from planlint.guard.envvars import guard_environment

    kept, removed = guard_environment(env)
    if removed:
        sys.stderr.write(f"planlint guard: not passing {', '.join(removed)} to the tools it runs (the caller's "
                         "environment must not change what guard runs or prints)\n")  # fmt: skip
    return kept


def _gated(ctx: Context) -> int:
    c = ctx.classification
    if c.kind == "approval":
        return _approval_bound(ctx)
    if c.flow == "terraform":
        from planlint.guard.flow_terraform import run_terraform

        return run_terraform(ctx)
    if c.flow == "terragrunt-all":
        from planlint.guard.flow_terragrunt import run_terragrunt_all

        return run_terragrunt_all(ctx)
    if c.flow == "pulumi":
        from planlint.guard.flow_pulumi import run_pulumi

        return run_pulumi(ctx)
    if c.flow in ("cloudformation-deploy", "cloudformation-execute", "sam-deploy", "cdk-deploy"):
        from planlint.guard.flow_cloudformation import run_cloudformation

        return run_cloudformation(ctx)
    return refuse(Refusal(outcome.UNRUNNABLE, f"no guarded flow for {c.tool} {c.subcommand}", ctx.shown))


def tool_problem(program: str, env: Mapping[str, str]) -> str | None:
    """Why guard must not run `program` (None: found, and held by root or guard's own account).

    A tool the agent's account can write (its own `./terraform`, a copy in its home) would run with guard's
    credentials, so a path-qualified or PATH-found program must be held like the trust directory is.
    """
    import shutil

    from planlint.approvals.trustdir import held_problem

    found = program if "/" in program else shutil.which(program, path=env.get("PATH", os.defpath))
    if found is None:
        return "it is not on guard's PATH"
    problem = held_problem(Path(found).absolute())
    return f"{found} {problem}" if problem else None


def refuse(refusal: Refusal) -> int:
    sys.stderr.write(render_refusal(refusal))
    return refusal.code


def load_trust(ctx: Context) -> TrustedPolicy:
    """The trusted policy; TrustError (guard refuses, exit 13) when it is missing or anyone else can change it."""
    from planlint.approvals.policy import load_policy

    return load_policy(ctx.options.trust_dir, ctx.cwd)


def requester_of(ctx: Context, trust: TrustedPolicy) -> Requester:
    """Who asks: the OS account behind this run (see planlint.approvals.identity) and its principal."""
    from planlint.approvals.identity import requester

    return requester(trust.identities, ctx.env, trust.guard_account)


def guard_command(ctx: Context, trust: TrustedPolicy) -> str:
    """How the agent runs guard: through sudo as the guard account under the boundary, else directly."""
    if trust.guard_account and ctx.env.get("SUDO_UID"):
        return f"sudo -n -u {trust.guard_account} planlint guard"
    return "planlint guard"


def judge_plan(
    paths: Sequence[str], input_format: str, trust: TrustedPolicy | None, run_report: str | None = None
) -> Verdict:
    """planlint's judgement, under the trusted config only (the working tree's .planlint.yml is ignored)."""
    from planlint.pipeline import run_check

    config = str(trust.config) if trust and trust.config else None
    rules = list(trust.rules) if trust else []
    return run_check(
        list(paths), input_format=input_format, config_path=config, rule_dirs=rules, run_report=run_report
    )


def authorise(ctx: Context, trust: TrustedPolicy, base: Refusal) -> tuple[bool, int]:
    """Is there a valid approval for exactly this digest and scope? (authorised, refusal code when not)."""
    if ctx.options.github_pr is not None:
        from planlint.guard.github_pr import pull_request_approval

        if base.digest.startswith("cmd1:"):
            return False, refuse(_with(base, outcome.APPROVAL_REFUSED, "a pull request approves plans, not "
                                        "exact commands; this command needs a signed approval"))  # fmt: skip
        pr = pull_request_approval(
            ctx.options.github_pr, base.findings, scope=base.scope, trust=trust, env=ctx.env, cwd=ctx.cwd
        )
        if not pr.approved:
            why = "; ".join(pr.reasons) or "not approved"
            return False, refuse(
                _with(base, outcome.APPROVAL_REFUSED, f"pull request #{ctx.options.github_pr}: {why}")
            )
        from planlint.approvals.ledger import consume

        try:
            consume(
                trust.ledger,
                pr.ledger_key,
                f"{base.digest}\tpull request #{ctx.options.github_pr}\t{ctx.shown}",
            )
        except GateError as exc:  # LedgerError (a TrustError) is not caught here: exit 13
            return False, refuse(_with(base, outcome.APPROVAL_REFUSED, str(exc)))
        sys.stderr.write(
            f"planlint guard: approved on pull request #{ctx.options.github_pr} by {', '.join(pr.approvers)}\n"
        )
        return True, 0
    if ctx.options.approval is None:
        return False, refuse(base)
    from planlint.approvals.ledger import check_ledger, consume
    from planlint.approvals.verify import ApprovalRefused, Expected, check_approval

    check_ledger(trust.ledger)
    who = requester_of(ctx, trust)
    if who.principal is None:
        return False, refuse(_with(base, outcome.APPROVAL_REFUSED, f"OS account {who.account!r} has no principal "
                                   f"in {trust.directory}/identities; an operator must map it before any "
                                   "approval can count"))  # fmt: skip
    try:
        expected = Expected(base.digest, base.scope, who.principal, base.plan_sha256)
        record = check_approval(ctx.options.approval, expected, trust)
        consume(
            trust.ledger, record.nonce, f"{record.digest}\t{record.approver}\t{record.requester}\t{ctx.shown}"
        )
    except ApprovalRefused as exc:
        return False, refuse(_with(base, outcome.APPROVAL_REFUSED, str(exc)))
    except GateError as exc:  # consumed by a concurrent run between check and consume
        return False, refuse(_with(base, outcome.APPROVAL_REFUSED, str(exc)))
    sys.stderr.write(
        f"planlint guard: approved by {record.approver} for {record.requester}; approval used.\n"
    )
    return True, 0


def settle(ctx: Context, trust: TrustedPolicy, verdict: Verdict, base: Refusal, origin: str) -> int | None:
    """After judging: None when the judged change may run (nothing needs approval, or a valid approval of
    `base.digest` was used), else the exit code of the refusal guard wrote (11 denied, 10/12 approval).

    Raises ConfigError when planlint could not judge what `origin` names.
    """
    if verdict.decision == "denied":
        return refuse(Refusal(outcome.DENIED, "denied: a rule forbids this change; no approval unblocks it",
                              base.command, findings=verdict.findings, digest=verdict.destructive_digest))  # fmt: skip
    if verdict.decision == "error":
        raise ConfigError("planlint could not judge it", origin=origin)
    if verdict.decision == "approval_required":
        ok, code = authorise(ctx, trust, base)
        if not ok:
            return code
    return None


def _with(base: Refusal, code: int, detail: str) -> Refusal:
    headline = "approval refused" if code == outcome.APPROVAL_REFUSED else base.headline
    return dataclasses.replace(base, code=code, headline=headline, detail=detail)


def _approval_bound(ctx: Context, inputs: BoundInputs | None = None) -> int:
    """State surgery, stack deletion, run-all, cdk/pulumi, direct deletes: only an approval of this exact
    command runs it — for a cloud, cluster or database CLI, with exactly the `inputs` it was approved with."""
    c = ctx.classification
    trust = load_trust(ctx)
    digest = command_digest(c, ctx.env, inputs.canonical() if inputs else None)
    scope = command_scope(c, ctx.cwd, ctx.env)
    base = Refusal(
        outcome.APPROVAL_REQUIRED, f"approval required: {c.reason}", ctx.shown,
        digest=digest, scope=scope, requester=requester_of(ctx, trust).shown(),
        allowed_signers=str(trust.allowed_signers), guard_command=guard_command(ctx, trust),
        detail=inputs.shown() if inputs else "",
    )  # fmt: skip
    ok, code = authorise(ctx, trust, base)
    if not ok:
        return code
    if inputs is None:
        return subprocess.run(list(c.argv), cwd=ctx.cwd, env=ctx.env, check=False).returncode
    from planlint.guard.terraform import private_dir

    directory = private_dir(trust.work_dir)
    try:
        argv = inputs.run_argv(c.argv, directory)
        if inputs.stdin is not None:
            return subprocess.run(argv, cwd=ctx.cwd, env=ctx.env, input=inputs.stdin, check=False).returncode
        return subprocess.run(
            argv, cwd=ctx.cwd, env=ctx.env, stdin=subprocess.DEVNULL, check=False
        ).returncode
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def binds_inputs(c: Classification) -> bool:
    """True for a direct delete by a cloud, cluster or database CLI (rules/commands/destructive.yaml) and
    for an infrastructure tool's approval-bound command (rules/commands/bound_files.yaml): its files and
    standard input are part of what is approved (planlint/guard/bound_inputs.py, iac_inputs.py)."""
    from planlint.guard.iac_inputs import binds_files

    return c.kind == "approval" and (c.direct or binds_files(c))


def _statements_input(argv: Sequence[str]) -> bytes | None:
    """A database client's standard input, read before classifying (its statements decide); else None."""
    from planlint.guard.destructive import reads_statements

    if not argv or not reads_statements(argv[0]):
        return None
    return read_stdin(sys.stdin.buffer)


def _approval_bound_with_inputs(ctx: Context) -> int:
    from planlint.guard.bound_inputs import bind, statement_texts
    from planlint.guard.destructive import opens_files, reads_statements, statement_words

    c = ctx.classification
    if not c.direct:
        from planlint.guard.iac_inputs import bind_command

        try:
            return _approval_bound(ctx, bind_command(c, ctx.env, ctx.cwd, sys.stdin.buffer))
        except UnboundInput as exc:
            return refuse(
                Refusal(outcome.UNRUNNABLE, f"cannot bind what the command reads: {exc}", ctx.shown)
            )
    statements = reads_statements(c.argv[0])
    try:
        inputs = bind(c.argv, ctx.cwd, sys.stdin.buffer, ctx.stdin, statements=statements)
        texts = [*statement_words(c.argv), *statement_texts(inputs)] if statements else []
        opened = next((found for found in map(opens_files, texts) if found), "")
        if opened:
            raise UnboundInput(f"the statements run `{opened}`, which opens another file when they run; put "
                               "those statements in the approved file or input instead")  # fmt: skip
    except UnboundInput as exc:
        return refuse(Refusal(outcome.UNRUNNABLE, f"cannot bind what the command reads: {exc}", ctx.shown))
    return _approval_bound(ctx, inputs)
