"""What a person (or agent) has to do after a verdict: the "Next" steps every human-readable report prints.

They depend on the decision, on where planlint runs (`wording.run_context`: a pull request with the GitHub
Action, a pre-commit hook, or a terminal) and on the tools the inputs came from (Terraform, CloudFormation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlint.report.wording import short_digest

if TYPE_CHECKING:
    from planlint.model import Verdict
    from planlint.report.wording import RunContext

APPROVAL_LABEL = "planlint:approve-destroy"  # the Action's default (action.yml, input approval-label)
# .pre-commit-hooks.yaml: the hook that judged an input of this tool
PRE_COMMIT_HOOKS: dict[str, str] = {
    "terraform-source": "planlint-terraform-source",
    "cloudformation": "planlint-cloudformation-template",
}
PEER = (
    "A peer (not the author, not a bot, with write access) must approve exactly this destructive change set"
)


def next_steps(verdict: Verdict, context: RunContext = "github") -> tuple[str, ...]:
    """What a person (or agent) has to do now: for the verdict's decision, where planlint runs
    (`context`, see `run_context`) and the tools of its inputs (Terraform, CloudFormation)."""
    short = short_digest(verdict.destructive_digest)
    if verdict.decision == "pass":
        return ("Nothing to do: no change needs approval.",)
    if verdict.decision == "approved":
        return (f"Approved for destructive digest {short}; a new destructive change needs a new approval.",)
    if verdict.decision == "error":
        return ("Fix the input error reported by planlint and run it again; nothing was judged.",)
    fix = fix_step(verdict)
    if verdict.decision == "denied":
        return (f"A deny finding cannot be approved: {fix} Or change the policy through its owners.",)
    if context == "github":
        return (
            f"{PEER} (digest {short}), after the latest push.",
            "In a pull request with the planlint GitHub Action: the peer adds the approval label "
            f"(by default the label {APPROVAL_LABEL}). A new destructive change invalidates the approval.",
            f"Or {fix}",
        )
    steps = [
        f"{PEER} (digest {short}), where it is applied: in its pull request the peer adds the label "
        f"{APPROVAL_LABEL} (planlint GitHub Action); when an agent applies it through `planlint guard`, "
        "the peer runs the `planlint approve ...` command guard prints.",
    ]
    if context == "pre-commit":
        tool = next((p.tool for p in verdict.plans if p.tool in PRE_COMMIT_HOOKS), "terraform-source")
        steps.append(
            "To commit anyway and ask for that approval in the pull request, skip this hook once: "
            f"`SKIP={PRE_COMMIT_HOOKS[tool]} git commit ...`."
        )
    steps.append(f"Or {fix}")
    return tuple(steps)


def fix_step(verdict: Verdict) -> str:
    """How to change the input so nothing stateful goes, in the terms of the tools it came from."""
    formats = {p.format for p in verdict.plans}
    parts = []
    if "terraform" in formats or not formats:
        parts.append(
            "change the Terraform configuration so nothing stateful is destroyed or replaced: keep the "
            "resource block, add a `moved` block if it was renamed or re-keyed, use "
            "`removed { lifecycle { destroy = false } }` to stop managing it without deleting it, or undo "
            "the attribute change that forces the replacement."
        )
    if formats & {"cloudformation", "cloudformation-template"}:
        parts.append(
            "change the CloudFormation template so nothing stateful is deleted or replaced: keep the "
            "resource and its logical id, set DeletionPolicy and UpdateReplacePolicy to Retain or Snapshot, "
            "or undo the property change that requires replacement."
        )
    return " For CloudFormation: ".join(parts)
