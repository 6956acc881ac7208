"""Guarded CloudFormation: create the change set without executing it, describe it (pages and nested
children), judge it, then execute exactly that change set by its ARN (or refuse).

`aws cloudformation deploy` and `sam deploy` are re-run with `--no-execute-changeset`; for
`execute-change-set` the named change set is described first. A change set is immutable once created,
so executing the ARN that was described executes what was judged.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from planlint.errors import InputError
from planlint.guard import outcome
from planlint.guard.outcome import Refusal
from planlint.guard.runner import Context, authorise, judge_plan, load_trust, refuse
from planlint.guard.scope import cloudformation_scope, option, requester
from planlint.guard.terraform import private_dir

ARN = re.compile(r"arn:[^\s\"':]+:cloudformation:[^\s\"':]+:\d+:changeSet/[^\s\"']+")
NO_CHANGES = re.compile(r"No changes to deploy|didn't contain changes|contains no updates", re.IGNORECASE)
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
    proc = subprocess.run(argv, cwd=ctx.cwd, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    sys.stderr.write(output)
    match = ARN.search(output)
    if match:
        return match.group(0), proc.returncode
    if proc.returncode == 0 and NO_CHANGES.search(output):
        return None, 0
    return None, proc.returncode or outcome.PLAN_FAILED


def describe(ctx: Context, arn: str, globals_: list[str]) -> dict[str, Any]:
    """One change set with every page of Changes merged (a missing page would hide deletions)."""
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
        if token:
            argv += ["--next-token", token]
        proc = subprocess.run(argv, cwd=ctx.cwd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise InputError(f"describe-change-set failed: {proc.stderr.strip()}", origin=arn)
        try:
            page = json.loads(proc.stdout)
        except ValueError as exc:
            raise InputError(f"describe-change-set did not return JSON: {exc}", origin=arn) from exc
        if merged is None:
            merged = page
        else:
            merged.setdefault("Changes", []).extend(page.get("Changes", []))
        token = page.get("NextToken")
        if not token:
            merged.pop("NextToken", None)
            return merged
    raise InputError(f"more than {MAX_PAGES} pages of changes; refusing to judge a partial change set", arn)


def describe_tree(ctx: Context, root_arn: str, workdir: Path) -> list[str]:
    """The root change set and every nested child, each written to a file for the loader."""
    globals_ = aws_globals(ctx.classification.argv)
    files: list[str] = []
    queue = [root_arn]
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


def run_cloudformation(ctx: Context) -> int:
    c = ctx.classification
    trust = load_trust(ctx)
    if c.flow == "cloudformation-execute":
        name = option(c.argv, "--change-set-name")
        if not name:
            return refuse(
                Refusal(outcome.UNRUNNABLE, "execute-change-set needs --change-set-name", c.display())
            )
        stack = option(c.argv, "--stack-name")
        arn = name if ARN.fullmatch(name) else None
        if arn is None:
            document = _describe_by_name(ctx, name, stack)
            arn = str(document.get("ChangeSetId", ""))
        code = 0
    else:
        found, code = create_change_set(ctx)
        if found is None and code == 0:
            return 0  # nothing to deploy
        if found is None:
            return refuse(
                Refusal(outcome.PLAN_FAILED, "planning failed: no change set was created", c.display())
            )
        arn = found
    workdir = private_dir()
    try:
        files = describe_tree(ctx, arn, workdir)
        verdict = judge_plan(files, "cloudformation", trust)
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    base = Refusal(
        outcome.APPROVAL_REQUIRED,
        "approval required: the change set deletes or replaces resources that need a peer's approval",
        c.display(),
        findings=verdict.findings,
        digest=verdict.destructive_digest,
        scope=cloudformation_scope(c, ctx.env),
        requester=requester(trust.requester if trust else None),
        allowed_signers=str(trust.allowed_signers) if trust else "",
        detail=f"change set: {arn} (created, not executed)",
    )
    if verdict.decision == "denied":
        return refuse(Refusal(outcome.DENIED, "denied: a rule forbids this change; no approval unblocks it",
                               c.display(), findings=verdict.findings, digest=verdict.destructive_digest))  # fmt: skip
    if verdict.decision == "approval_required":
        ok, refusal_code = authorise(ctx, trust, base)
        if not ok:
            return refusal_code
    globals_ = aws_globals(c.argv)
    sys.stderr.write(f"planlint guard: executing the judged change set {arn}\n")
    argv = ["aws", *globals_, "cloudformation", "execute-change-set", "--change-set-name", arn]
    return subprocess.run(argv, cwd=ctx.cwd, check=False).returncode or code


def _describe_by_name(ctx: Context, name: str, stack: str | None) -> dict[str, Any]:
    globals_ = aws_globals(ctx.classification.argv)
    argv = [
        "aws",
        *globals_,
        "cloudformation",
        "describe-change-set",
        "--change-set-name",
        name,
        "--output",
        "json",
    ]
    if stack:
        argv += ["--stack-name", stack]
    proc = subprocess.run(argv, cwd=ctx.cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise InputError(f"describe-change-set failed: {proc.stderr.strip()}", origin=name)
    document: dict[str, Any] = json.loads(proc.stdout)
    return document
