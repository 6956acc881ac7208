"""The task-results callback body (JSON:API) with one outcome per gated finding.

Source: HCP Terraform "Run tasks integration API", "Run Task Callback" > "Request Body" and
"Outcomes Payload Body": `data.type = "task-results"`, `attributes.status` passed/failed/running,
`message`, `url`, `relationships.outcomes.data[]` of `task-result-outcomes` with `outcome-id`,
`description`, markdown `body`, `url` and `tags` (`Status` and `Severity` rendered specially; levels
none/info/warning/error). Plan values never appear: findings carry addresses, types and reasons only.
"""

from __future__ import annotations

from typing import Any

from planlint.model import Finding, Verdict
from planlint.report.markdown import code, inline
from planlint.report.wording import action_text, forced_by, short_digest, why
from planlint.serve.approvals import ApprovalResult
from planlint.serve.payload import RunTaskRequest

MAX_OUTCOMES = 100  # the rest are counted in a final outcome; the run page stays readable
MAX_MESSAGE = 500
SEVERITY_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "info"}


def task_result(
    status: str, message: str, url: str | None = None, outcomes: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A `task-results` document; `outcomes` go under `data.relationships.outcomes.data`."""
    attributes: dict[str, Any] = {"status": status, "message": _one_line(message, MAX_MESSAGE)}
    if url:
        attributes["url"] = url
    data: dict[str, Any] = {"type": "task-results", "attributes": attributes}
    if outcomes:
        data["relationships"] = {"outcomes": {"data": outcomes}}
    return {"data": data}


def outcome(
    outcome_id: str,
    description: str,
    body: str,
    tags: dict[str, list[dict[str, str]]],
    url: str | None = None,
) -> dict[str, Any]:
    """One `task-result-outcomes` entry."""
    attributes: dict[str, Any] = {
        "outcome-id": outcome_id[:200],
        "description": _one_line(description, 300),
        "body": body,
        "tags": tags,
    }
    if url:
        attributes["url"] = url
    return {"type": "task-result-outcomes", "attributes": attributes}


def judged_message(verdict: Verdict, approval: ApprovalResult | None, request: RunTaskRequest) -> str:
    """The one-line summary shown on the run page."""
    gated = _gated(verdict)
    digest = short_digest(verdict.destructive_digest)
    if verdict.decision == "pass":
        return "planlint: nothing destroys or replaces stateful infrastructure; no approval needed"
    if verdict.decision == "denied":
        return f"planlint: {len(gated)} change(s) denied by policy; no approval can unblock them"
    if approval is not None and approval.approved:
        who = ", ".join(approval.approvers)
        return f"planlint: {len(gated)} destructive change(s) approved by {who} ({approval.via}); digest {digest}"
    advisory = (
        " (advisory: the run may continue)" if request.task_result_enforcement_level == "advisory" else ""
    )
    return f"planlint: {len(gated)} destructive change(s) need a peer's approval of digest {digest}{advisory}"


def judged_outcomes(
    verdict: Verdict, approval: ApprovalResult | None, request: RunTaskRequest
) -> list[dict[str, Any]]:
    """One outcome per gated finding, plus what approval is missing and how to give it."""
    gated = _gated(verdict)
    outcomes = [
        outcome(
            f"{f.rule_id}:{f.address}",
            f.message,
            finding_body(f, verdict, approval),
            {
                "Status": [_status_tag(f, approval)],
                "Severity": [
                    {"label": f.severity.capitalize(), "level": SEVERITY_LEVEL.get(f.severity, "none")}
                ],
                "Rule": [{"label": f"{f.rule_id} {f.rule_name}"}],
            },
        )
        for f in gated[:MAX_OUTCOMES]
    ]
    if len(gated) > MAX_OUTCOMES:
        rest = len(gated) - MAX_OUTCOMES
        outcomes.append(
            outcome(
                "planlint-more",
                f"{rest} more gated change(s) not listed",
                f"{rest} more changes need approval; run `planlint check` on the plan JSON to see them all.",
                {"Status": [_status_tag(gated[-1], approval)]},
            )
        )
    if verdict.decision == "approval_required" and approval is not None and not approval.approved:
        outcomes.insert(0, approval_outcome(verdict, approval, request))
    return outcomes


def approval_outcome(verdict: Verdict, approval: ApprovalResult, request: RunTaskRequest) -> dict[str, Any]:
    """Who must approve what, and how: the first thing a blocked run's reader sees."""
    digest = verdict.destructive_digest
    creator = request.run_created_by or "the run's creator"
    lines = [
        f"**A peer other than {inline(creator)} must approve destructive digest {code(digest)}** "
        f"for workspace {code(request.organization_name + '/' + request.workspace_name)}. "
        "A new destructive change makes a new digest and needs a new approval.",
        "",
        "**How**",
        "",
    ]
    if approval.pull_request_url:
        lines.append(
            f"- On the pull request ({approval.pull_request_url}): a qualified peer (write access, not the "
            "author, not a bot, not the head's pusher) adds the approval label after planlint showed this "
            "digest (the `planlint/gate` status), then re-run the plan."
        )
    lines.append(
        f"- Or a peer signs a record: `planlint approve {digest} --scope {request.scope} "
        f"--requester {request.run_created_by or 'CREATOR'}` and the operator puts it in the server's "
        "approvals directory; then re-run the plan."
    )
    lines += ["", "**Why it is not approved yet**", ""]
    lines += [f"- {inline(b)}" for b in approval.blockers] or ["- no approval found"]
    return outcome(
        "planlint-approval",
        f"Approval required: digest {short_digest(digest)}",
        "\n".join(lines) + "\n",
        {"Status": [{"label": "Approval required", "level": "error"}]},
        url=approval.pull_request_url,
    )


def failed_result(reason: str, url: str | None) -> dict[str, Any]:
    """The `failed` document for a run planlint could not judge, with the reason as its outcome."""
    return task_result(
        "failed", f"planlint could not judge the run (fail closed): {reason}", url, [error_outcome(reason)]
    )


def error_outcome(reason: str) -> dict[str, Any]:
    """The reason nothing could be judged (the run fails closed)."""
    body = (
        f"planlint could not judge this run, so it fails closed:\n\n> {inline(reason)}\n\n"
        "Nothing was approved. Fix the cause (or ask the operator of the planlint run task) and re-run.\n"
    )
    return outcome("planlint-error", reason, body, {"Status": [{"label": "Error", "level": "error"}]})


def finding_body(finding: Finding, verdict: Verdict, approval: ApprovalResult | None) -> str:
    """A gated finding in markdown: what, why, rule, and where approval stands."""
    lines = [
        f"### {inline(finding.title)}",
        "",
        f"{code(finding.address)} ({code(finding.type)}) will be {action_text(finding.actions, finding.replace_order)}.",
        "",
        f"- Rule: {finding.rule_id} {finding.rule_name} (severity {finding.severity}, enforcement {finding.enforcement})",
        f"- Why the plan does it: {inline(why(finding))}",
    ]
    if finding.replace_paths:
        lines.append(f"- Forced by: {code(forced_by(finding))}")
    if finding.mitigation:
        lines.append(f"- Mitigation: {inline(finding.mitigation)}")
    if finding.enforcement == "deny":
        lines.append("- Denied by policy: no approval unblocks it.")
    elif approval is not None and approval.approved:
        lines.append(f"- Approved by {inline(', '.join(approval.approvers))} ({inline(approval.via)}).")
    else:
        lines.append(f"- Needs a peer's approval of digest {code(verdict.destructive_digest)}.")
    return "\n".join(lines) + "\n"


def _status_tag(finding: Finding, approval: ApprovalResult | None) -> dict[str, str]:
    if finding.enforcement == "deny":
        return {"label": "Denied", "level": "error"}
    if approval is not None and approval.approved:
        return {"label": "Approved", "level": "info"}
    return {"label": "Approval required", "level": "error"}


def _gated(verdict: Verdict) -> list[Finding]:
    return [f for f in verdict.findings if f.gated and f.waived_by is None]


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
