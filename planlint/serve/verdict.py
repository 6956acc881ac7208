"""Judge one run: plan JSON bytes -> planlint's Verdict -> approval -> passed or failed.

Pure but for the approval sources (signed records on disk, the GitHub API); runs in a worker thread.
Any PlanlintError on the way is the caller's to turn into `failed` (fail closed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import msgspec

from planlint.errors import InputError
from planlint.model import Verdict
from planlint.serve.approvals import ApprovalResult, find_approval
from planlint.serve.payload import RunTaskRequest
from planlint.serve.settings import ServerSettings

Status = Literal["passed", "failed"]


@dataclass(frozen=True, slots=True)
class RunJudgement:
    """What the callback reports: the status, and what it rests on."""

    status: Status
    verdict: Verdict
    approval: ApprovalResult | None = None  # None: no approval was needed or none could help


def judge_run(data: bytes, request: RunTaskRequest, settings: ServerSettings) -> RunJudgement:
    """Load the plan, evaluate it under the server's policy, and weigh approval of its destructive digest."""
    from planlint.loaders import terraform
    from planlint.loaders.terraform_changes import Listing
    from planlint.pipeline import judge

    origin = f"plan JSON of {request.run_id or 'the run'}"
    listing = Listing(origin)  # each change judged as it is decoded: never all held at once
    doc = terraform.decode_document(data, origin, listing)
    if not terraform.is_plan(doc):
        reason = terraform.not_a_plan_reason(doc)
        raise InputError(
            reason or "is not a Terraform plan (no format_version with resource_changes)", origin
        )
    plan = terraform.load_terraform(doc, origin, hashlib.sha256(data).hexdigest(), listing)
    verdict = judge([plan], settings.policy, settings.rules)
    if verdict.decision != "approval_required":
        status: Status = "passed" if verdict.decision in ("pass", "approved") else "failed"
        return RunJudgement(status, verdict)
    approval = find_approval(
        request, verdict.destructive_digest, settings.policy.approval, settings.records, settings.github
    )
    if approval.approved:
        note = f"approved by {', '.join(approval.approvers)} ({approval.via})"
        return RunJudgement(
            "passed", msgspec.structs.replace(verdict, decision="approved", approval_note=note), approval
        )
    return RunJudgement(
        "failed", msgspec.structs.replace(verdict, approval_note="; ".join(approval.blockers)), approval
    )
