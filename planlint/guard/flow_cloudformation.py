"""Guarded CloudFormation: create the change set without executing it, describe it (pages and nested
children), judge it, then execute exactly that change set by its ARN (or refuse).

`aws cloudformation deploy` and `sam deploy` are re-run with `--no-execute-changeset`; for
`execute-change-set` the named change set is described first. A change set is immutable once created,
so executing the ARN that was described executes what was judged.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from planlint.errors import InputError
from planlint.guard import outcome
from planlint.guard.outcome import Refusal
from planlint.guard.runner import (
    Context,
    guard_command,
    judge_plan,
    load_trust,
    refuse,
    requester_of,
    settle,
)
from planlint.guard.scope import cloudformation_scope, option
from planlint.guard.target import stack_ids
from planlint.guard.terraform import private_dir

ARN = re.compile(r"arn:[^\s\"':]+:cloudformation:[^\s\"':]+:\d+:changeSet/[^\s\"']+")
STACK_ARN = re.compile(r"arn:[^\s\"':]+:cloudformation:[^\s\"':]+:\d+:stack/[^\s\"'/]+/[\w-]+")
NO_CHANGES = re.compile(
    r"No changes to deploy|didn't contain changes|contains no updates|\(no changes\)", re.IGNORECASE
)
_GLOBALS = ("--region", "--profile", "--endpoint-url")
MAX_PAGES = 100
MAX_CHANGE_SETS = 200


def aws_globals(argv: tuple[str, ...]) -> list[str]:
    """`--region`/`--profile`/`--endpoint-url` wherever they appear, for the describe/execute calls."""
    found: list[str] = []
    for name in _GLOBALS:
        value = option(argv, name)
        if value:
            found += [name, value]
    return found


def create_change_set(ctx: Context) -> tuple[str | None, int]:
    """Run the deploy with `--no-execute-changeset`: (change set ARN, exit code). No ARN and no "no changes"
    message is a failure to plan, never a success."""
    argv = [*ctx.classification.argv, "--no-execute-changeset"]
    proc = subprocess.run(argv, cwd=ctx.cwd, env=ctx.env, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    sys.stderr.write(output)
    match = ARN.search(output)
    if match:
        return match.group(0), proc.returncode
    if proc.returncode == 0 and NO_CHANGES.search(output):
        return None, 0
    return None, proc.returncode or outcome.PLAN_FAILED


def describe(ctx: Context, arn: str, globals_: list[str], stack: str | None = None) -> dict[str, Any]:
    """One change set (by ARN, or by name with its stack) with every page of Changes merged: a missing
    page would hide deletions."""
    merged: dict[str, Any] | None = None
    token: str | None = None
    for _ in range(MAX_PAGES):
        argv = [
            "aws",
            *globals_,
            "cloudformation",
            "describe-change-set",
            "--change-set-name",
            arn,
            "--output",
            "json",
        ]
        if stack:
            argv += ["--stack-name", stack]
        if token:
            argv += ["--next-token", token]
        proc = subprocess.run(argv, cwd=ctx.cwd, env=ctx.env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise InputError(f"describe-change-set failed: {proc.stderr.strip()}", origin=arn)
        try:
            page = json.loads(proc.stdout)
        except ValueError as exc:
            raise InputError(f"describe-change-set did not return JSON: {exc}", origin=arn) from exc
        if not isinstance(page, dict):
            raise InputError("describe-change-set did not return a change set object", origin=arn)
        if merged is None:
            merged = page
        else:
            merged.setdefault("Changes", []).extend(page.get("Changes", []))
        token = page.get("NextToken")
        if not token:
            merged.pop("NextToken", None)
            return merged
    raise InputError(f"more than {MAX_PAGES} pages of changes; refusing to judge a partial change set", arn)


def describe_tree(ctx: Context, roots: list[str], workdir: Path) -> list[str]:
    """The root change sets and every nested child, each written to a file for the loader."""
    globals_ = aws_globals(ctx.classification.argv)
    files: list[str] = []
    root_arn = roots[0]
    queue = list(roots)
    seen: set[str] = set()
    while queue:
        arn = queue.pop(0)
        if arn in seen:
            continue
        seen.add(arn)
        if len(seen) > MAX_CHANGE_SETS:
            raise InputError(f"more than {MAX_CHANGE_SETS} nested change sets", origin=root_arn)
        document = describe(ctx, arn, globals_)
        path = workdir / f"change-set-{len(files)}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        files.append(str(path))
        for change in document.get("Changes", []):
            child = (change.get("ResourceChange") or {}).get("ChangeSetId")
            if isinstance(child, str) and child and child not in seen:
                queue.append(child)
    return files


def create_cdk_change_sets(ctx: Context) -> tuple[list[str], int]:
    """`cdk deploy … --no-execute --change-set-name planlint-…`; the change set ARNs, one per changed stack.

    Stacks are found from the `arn:…:stack/…` lines CDK prints; a stack without changes has no change set
    (CDK deletes empty ones), so ChangeSetNotFound for it is skipped — only described sets are executed.
    """
    name = f"planlint-{secrets.token_hex(6)}"
    argv = [*ctx.classification.argv, "--no-execute", "--change-set-name", name]
    proc = subprocess.run(argv, cwd=ctx.cwd, env=ctx.env, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    sys.stderr.write(output)
    if proc.returncode != 0:
        return [], proc.returncode
    stacks = list(dict.fromkeys(STACK_ARN.findall(output)))
    globals_ = aws_globals(ctx.classification.argv)
    arns: list[str] = []
    for stack in stacks:
        try:
            found = describe(ctx, name, globals_, stack).get("ChangeSetId")
        except InputError as exc:
            if "ChangeSetNotFound" in exc.message:  # this stack had no changes, so CDK made no change set
                continue
            raise
        if not isinstance(found, str) or not ARN.fullmatch(found):
            raise InputError("describe-change-set returned no change set ARN", origin=stack)
        arns.append(found)
    if not stacks and not NO_CHANGES.search(output):
        return [], outcome.PLAN_FAILED
    return [a for a in arns if a], 0


def _roots(ctx: Context) -> tuple[list[str], int]:
    """The change sets to judge and execute, or ([], exit code) when there is nothing (or it failed)."""
    c = ctx.classification
    if c.flow == "cloudformation-execute":
        name = option(c.argv, "--change-set-name") or ""
        if ARN.fullmatch(name):
            return [name], 0
        found = describe(ctx, name, aws_globals(c.argv), option(c.argv, "--stack-name")).get("ChangeSetId")
        if not isinstance(found, str) or not ARN.fullmatch(found):
            raise InputError("describe-change-set returned no change set ARN to execute", origin=name)
        return [found], 0
    if c.flow == "cdk-deploy":
        return create_cdk_change_sets(ctx)
    found, code = create_change_set(ctx)
    return ([found] if found else []), code


def run_cloudformation(ctx: Context) -> int:
    c = ctx.classification
    trust = load_trust(ctx)
    if c.flow == "cloudformation-execute" and not option(c.argv, "--change-set-name"):
        return refuse(Refusal(outcome.UNRUNNABLE, "execute-change-set needs --change-set-name", c.display()))
    roots, code = _roots(ctx)
    if not roots:
        if code == 0:
            return 0  # nothing to deploy
        return refuse(Refusal(outcome.PLAN_FAILED, "planning failed: no change set was created", c.display()))
    workdir = private_dir(trust.work_dir)
    try:
        files = describe_tree(ctx, roots, workdir)
        verdict = judge_plan(files, "cloudformation", trust)
        stacks = stack_ids(files)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    base = Refusal(
        outcome.APPROVAL_REQUIRED,
        "approval required: the change set deletes or replaces resources that need a peer's approval",
        c.display(),
        findings=verdict.findings,
        digest=verdict.destructive_digest,
        scope=cloudformation_scope(c, ctx.env, stacks),
        requester=requester_of(ctx, trust).shown(),
        allowed_signers=str(trust.allowed_signers),
        guard_command=guard_command(ctx, trust),
        detail="change sets (created, not executed): " + ", ".join(roots),
    )
    refused = settle(ctx, trust, verdict, base, ", ".join(roots))
    if refused is not None:
        return refused
    globals_ = aws_globals(c.argv)
    for arn in roots:
        sys.stderr.write(f"planlint guard: executing the judged change set {arn}\n")
        argv = ["aws", *globals_, "cloudformation", "execute-change-set", "--change-set-name", arn]
        executed = subprocess.run(argv, cwd=ctx.cwd, env=ctx.env, check=False).returncode
        if executed != 0:
            return executed
    return code
