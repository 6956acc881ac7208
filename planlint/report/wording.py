"""Human words for the codes in a Verdict: actions, reasons, policy actions, decisions, counts.

Every reporter takes its words from here so that text, markdown, SARIF and annotations say the same
thing. Nothing here reads before/after values: only codes, addresses and attribute paths. What a person
has to do next is in planlint/report/next_steps.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

from planlint.model import (
    Decision,
    Enforcement,
    Finding,
    Plan,
    ReplaceOrder,
    SourceLocation,
    UngatedDestroy,
    Verdict,
)

# Terraform's `action_reason` values (terraform show -json, "resource_changes[].action_reason") and
# the CloudFormation codes our loader uses for Replacement / Remove / DeletionPolicy changes.
REASON_TEXT: dict[str, str] = {
    "replace_because_cannot_update": "an attribute that cannot be updated in place changed",
    "replace_by_request": "replacement was requested (-replace)",
    "replace_because_tainted": "the object is tainted",
    "replace_by_triggers": "a resource or attribute named in its lifecycle replace_triggered_by changed",
    "delete_because_no_resource_config": "its resource block was removed from the configuration",
    "delete_because_no_module": "its module call was removed from the configuration",
    "delete_because_count_index": "its count index is no longer in range",
    "delete_because_each_key": "its for_each key is no longer in the map or set",
    "delete_because_wrong_repetition": "count/for_each was added or removed, so its address changed",
    "delete_because_no_move_target": "a moved block points at an address that does not exist",
    "delete_because_enabled_false": "its lifecycle `enabled` argument is now false (OpenTofu)",
    "forgot_because_lifecycle_destroy_in_config": (
        "its configuration sets lifecycle destroy = false, so the old object is kept, not destroyed (OpenTofu)"
    ),
    "forgot_because_lifecycle_destroy_in_state": (
        "it was last applied with lifecycle destroy = false, so the object is kept, not destroyed (OpenTofu)"
    ),
    "read_because_config_unknown": "the data source's configuration is not known until apply",
    "read_because_dependency_pending": "the data source depends on a change that is still pending",
    "read_because_check_nested": "the data source is read by a check block",
    "cfn_replacement_true": "a property that requires replacement changed (Replacement: True)",
    "cfn_replacement_conditional": (
        "a property that may require replacement changed (Replacement: Conditional); "
        "CloudFormation decides at execution"
    ),
    "cfn_remove": "the resource was removed from the template",
    "cfn_deletion_policy_removed": "its DeletionPolicy protection was removed or weakened",
    "cfn_logical_id_renamed": (
        "its logical id was renamed: CloudFormation deletes the old resource and creates a new, empty one"
    ),
    "cfn_condition_false": (
        "its Condition is now false whatever parameters are given: CloudFormation deletes a resource whose "
        "condition is false"
    ),
    "cfn_template_unresolved": (
        "whether CloudFormation keeps it depends on something planlint does not resolve from the "
        "templates, so planlint assumes the worst"
    ),
    "cfn_template_policy_missing": "the template sets no DeletionPolicy/UpdateReplacePolicy that keeps its data",
    "pulumi_protect_removed": "its `protect` option was turned off: Pulumi will let it be deleted from now on",
    "pulumi_retain_on_delete_removed": (
        "its `retainOnDelete` option was turned off: a later delete destroys it instead of leaving it in place"
    ),
    "pulumi_protect_ignored": (
        "it is protected (`protect: true`) yet the preview deletes it: the preview ran with --ignore-protect"
    ),
    "pulumi_read_replacement": "Pulumi stops owning it and reads an existing resource instead: it deletes the one it owned",
    "pulumi_import_replacement": "an imported resource takes its place: Pulumi deletes the one it owned",
    "pulumi_pending_replace_removed": "a resource left pending replacement by an interrupted update leaves the stack",
    "source_prevent_destroy_removed": "lifecycle.prevent_destroy was removed in the source (base vs head)",
    "source_protection_weakened": "a deletion protection was turned off in the source (base vs head)",
    "source_block_deleted": "its resource block was deleted from the source, with no moved or removed block",
    "source_removed_destroy": "a `removed` block with lifecycle.destroy = true destroys it",
}

ACTION_TEXT: dict[str, str] = {
    "create": "created",
    "update": "updated in place",
    "delete": "destroyed",
    "replace": "replaced",
    "forget": "removed from state (the real object is kept)",
    "import": "imported",
    "move": "moved to a new address",
    "read": "read",
    "no-op": "unchanged",
}

# `plan -destroy`: said once for every reporter. Forgets (lifecycle destroy = false) may keep some objects.
DESTROY_MODE_TEXT = (
    "Destroy plan (plan -destroy): it tears down everything it manages that it does not forget."
)

# CloudFormation's counterpart of a forget: a Remove with PolicyAction Retain.
CLOUDFORMATION_FORGET_TEXT = "removed from the stack, resource kept"
CLOUDFORMATION_FORGET_COUNT_TEXT = "removed from the stack (kept)"

# Action combinations worded as one thing: a replacement that keeps the old object is not "created and
# removed", and must never read like a destroy.
COMBINED_ACTION_TEXT: dict[tuple[str, ...], str] = {
    (
        "create",
        "forget",
    ): "replaced without destroying: the old object is removed from state and kept, a new one created",
}

# Short column words for counts: "2 to destroy".
ACTION_COUNT_TEXT: dict[str, str] = {
    "create": "to create",
    "update": "to update",
    "delete": "to destroy",
    "replace": "to replace",
    "forget": "to forget",
    "import": "to import",
    "move": "to move",
    "read": "to read",
    "no-op": "unchanged",
}
# Order in which counts are listed: the destructive ones first, because those are what people look for.
ACTION_ORDER: tuple[str, ...] = (
    "delete",
    "replace",
    "forget",
    "update",
    "create",
    "import",
    "move",
    "read",
    "no-op",
)

REPLACE_ORDER_TEXT: dict[str, str] = {
    "delete_first": "old object destroyed first, then the new one created",
    "create_first": "new object created first, then the old one destroyed",
    "unknown": "replacement order not known",
}

# CloudFormation PolicyAction: what happens to the physical resource and its data.
POLICY_ACTION_TEXT: dict[str, str] = {
    "Delete": "deleted together with its data",
    "Retain": "retained: removed from the stack but kept in the account",
    "Snapshot": "snapshotted, then deleted",
    "ReplaceAndDelete": "replaced; the old resource and its data are deleted",
    "ReplaceAndRetain": "replaced; the old resource is kept in the account",
    "ReplaceAndSnapshot": "replaced; the old resource is snapshotted, then deleted",
}

ENFORCEMENT_TEXT: dict[Enforcement, str] = {
    "info": "info: shown only",
    "warn": "warning: does not block",
    "approve": "needs a peer's approval",
    "deny": "denied: no approval unblocks it",
}

DECISION_TEXT: dict[Decision, str] = {
    "pass": "pass: nothing needs approval",
    "approved": "approved: every change that needs approval has it",
    "approval_required": "approval required: destructive changes need a peer's approval",
    "denied": "denied: the plan contains a change no approval can unblock",
    "error": "error: planlint could not judge the input (fail closed)",
}


def reason_text(reason: str | None) -> str | None:
    """Words for a reason code; an unknown code is shown verbatim rather than hidden."""
    if reason is None:
        return None
    return REASON_TEXT.get(reason, reason)


def action_text(
    actions: Iterable[str], replace_order: ReplaceOrder | None = None, resource_type: str = ""
) -> str:
    """'replaced (old object destroyed first, then the new one created)', 'imported and updated in place'."""
    actions = tuple(actions)
    if actions in COMBINED_ACTION_TEXT:
        return COMBINED_ACTION_TEXT[actions]
    if actions == ("forget",) and "::" in resource_type:  # a CloudFormation type (AWS::S3::Bucket)
        return CLOUDFORMATION_FORGET_TEXT
    words = [ACTION_TEXT.get(a, a) for a in actions]
    text = " and ".join(words) if words else "unchanged"
    if replace_order and "replace" in actions:
        text += f" ({REPLACE_ORDER_TEXT[replace_order]})"
    return text


def policy_action_text(policy_action: str | None) -> str | None:
    if policy_action is None:
        return None
    return POLICY_ACTION_TEXT.get(policy_action, policy_action)


NO_REASON = "the plan records no reason"

# Unicode bidirectional controls: they reorder how a line is displayed ("Trojan Source",
# CVE-2021-42574), so a plan's address could show as something it is not. Shown as escapes, never sent.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def why(finding: Finding) -> str:
    """Why the change matters, in words: the rule's message without its subject (the address) and
    without the action the row already shows, plus the tool's reason when the message leaves it out.

    'the plan records no reason' only when neither says anything more.
    """
    rest = _without_subject(finding.message, finding.address)
    said = f"will be {action_text(finding.actions, finding.replace_order, finding.type)}"
    if rest.startswith(said):
        # "will be destroyed, and planlint does not know ..." -> "planlint does not know ..."
        rest = rest[len(said) :].lstrip(".:;, ").removeprefix("and ")
    if finding.replace_paths:  # shown on its own ("forced by") by every reporter
        rest = " ".join(rest.replace(f"Replacement forced by: {forced_by(finding)}.", "").split())
    reason = reason_text(finding.reason)
    if reason and reason not in rest:
        rest = f"{reason}. {rest[:1].upper()}{rest[1:]}".strip()
    rest = rest.removeprefix("Because ")
    if rest.startswith("is "):  # "{address} ({type}) is protected ..." without its subject
        rest = f"it {rest}"
    return rest or NO_REASON


def _without_subject(message: str, address: str) -> str:
    """'is destroyed by ...' from '{address} ({what}) is destroyed by ...'."""
    if not message.startswith(address):
        return message.strip()
    rest = message[len(address) :].lstrip()
    if rest.startswith("("):
        depth = 0
        for index, ch in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                rest = rest[index + 1 :]
                break
    return rest.lstrip(":; ").strip()


def origin_text(origin: str) -> str:
    """How an input is named to a person: its path as given, `<stdin>` for '-'."""
    return "<stdin>" if origin == "-" else origin


# `REV:` in front of a path read from a git revision (`--base-ref`): git rev-parse syntax, never a drive letter
_GIT_REVISION = re.compile(r"([A-Za-z0-9_./@{}~^-]{2,}):(?![/\\])")


def location_text(location: SourceLocation | None) -> str:
    """'infra/main.tf:12'; a block found only in the base revision (`--base-ref HEAD`) is shown at its
    file and line as they were there: 'infra/main.tf:12 (as it was in HEAD)'. '' when unknown."""
    if location is None:
        return ""
    revision, path = split_revision(location.path)
    where = f"{path}:{location.line}"
    return f"{where} (as it was in {revision})" if revision else where


def split_revision(path: str) -> tuple[str | None, str]:
    """('HEAD', 'infra/main.tf') from 'HEAD:infra/main.tf'; (None, path) for a path in the working tree."""
    match = _GIT_REVISION.match(path)
    return (match.group(1), path[match.end() :]) if match else (None, path)


def escape_bidi(text: str) -> str:
    """`text` with bidirectional controls shown as `\\u202e` escapes."""
    if not any(ch in BIDI_CONTROLS for ch in text):
        return text
    return "".join(f"\\u{ord(ch):04x}" if ch in BIDI_CONTROLS else ch for ch in text)


def escape_control(ch: str) -> str:
    """One character made safe for a terminal or a CI log: a C0/C1 control character (ESC, …) as `\\x1b`,
    a bidirectional control as `\\u202e`; anything else as it is."""
    code = ord(ch)
    if code < 32 or 127 <= code < 160:
        return f"\\x{code:02x}"
    if ch in BIDI_CONTROLS:
        return f"\\u{code:04x}"
    return ch


def sentence(text: str) -> str:
    """`text` ending in a full stop, so parts can be joined into one message."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?" else text + "."


def explanation(finding: Finding) -> list[str]:
    """The finding as sentences for one-message formats (annotations, SARIF); skips what the message says."""
    parts = [sentence(finding.message)]
    actions = action_text(finding.actions, finding.replace_order, finding.type)
    if actions not in finding.message:
        parts.append(f"Action: {actions}.")
    reason = reason_text(finding.reason)
    if reason and reason not in finding.message:
        parts.append(f"Why: {reason}.")
    paths = forced_by(finding)
    if paths and paths not in finding.message:
        parts.append(f"Forced by: {paths}.")
    if finding.mitigation and finding.mitigation not in finding.message:
        parts.append(sentence(f"Mitigation: {finding.mitigation}"))
    if finding.waived_by is not None:
        parts.append(sentence(f"Waived by {finding.waived_by}"))
    return parts


def forced_by(finding: Finding) -> str:
    """The attribute paths that force a replacement, comma separated ('' when none)."""
    return ", ".join(finding.replace_paths)


def change_counts(plan: Plan) -> dict[str, int]:
    """How many changes carry each action (a change with ('import', 'update') counts for both)."""
    counts: dict[str, int] = {"no-op": plan.counted_no_ops} if plan.counted_no_ops else {}
    for change in plan.changes:
        for action in change.actions:
            counts[action] = counts.get(action, 0) + 1
    return {a: counts[a] for a in sorted(counts, key=_action_rank)}


def plan_counts_text(plan: Plan) -> str:
    """`counts_text` of one input, in its tool's words."""
    return counts_text(
        change_counts(plan), "cloudformation" if plan.format == "cloudformation" else "terraform"
    )


def counts_text(counts: Mapping[str, int], platform: str = "terraform") -> str:
    """'1 to destroy, 2 to create' (no-ops left out); 'no changes' when there is nothing to do."""
    words = ACTION_COUNT_TEXT
    if platform == "cloudformation":
        words = {**ACTION_COUNT_TEXT, "forget": CLOUDFORMATION_FORGET_COUNT_TEXT}
    parts = [
        f"{n} {words.get(a, a)}"
        for a, n in sorted(counts.items(), key=lambda item: _action_rank(item[0]))
        if a != "no-op" and n
    ]
    return ", ".join(parts) if parts else "no changes"


# Where planlint runs decides what "Next" can tell a person to do (see `run_context`).
RunContext = Literal["local", "pre-commit", "github"]
RUN_CONTEXTS: tuple[RunContext, ...] = ("local", "pre-commit", "github")


def run_context(environ: Mapping[str, str]) -> RunContext:
    """'github' in GitHub Actions (GITHUB_ACTIONS=true); 'pre-commit' in a pre-commit hook (PRE_COMMIT=1,
    which pre-commit sets for every hook since pre-commit/pre-commit#1467); otherwise 'local'."""
    if environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    if environ.get("PRE_COMMIT") == "1":
        return "pre-commit"
    return "local"


# How many ungated destroys a human-readable report lists per input before pointing at the JSON report.
MAX_UNGATED_SHOWN = 25


def ungated_for(verdict: Verdict, plan: Plan | None) -> list[UngatedDestroy]:
    """The verdict's ungated destroys that belong to one input (none for findings not tied to one)."""
    if plan is None:
        return []
    return [u for u in verdict.ungated_destroys if u.origin == plan.origin and u.scope == plan.scope]


def ungated_heading(count: int) -> str:
    noun = "change deletes or replaces" if count == 1 else "changes delete or replace"
    return f"Not gated: {count} {noun} something without needing approval"


def ungated_text(item: UngatedDestroy) -> str:
    """'github_repository.x (github_repository): destroyed (because ...). Not gated: ...'."""
    text = f"{item.address} ({item.type}): {action_text(item.actions, item.replace_order, item.type)}"
    reason = reason_text(item.reason)
    if reason:
        text += f", because {reason}"
    return f"{text}. Not gated: {sentence(item.why_not_gated)}"


def short_digest(digest: str) -> str:
    """'pl1:0123456789ab' from 'pl1:<64 hex>': enough to recognise, not to approve by."""
    prefix, _, hexdigest = digest.rpartition(":")
    if not hexdigest:
        return "(none)"
    return f"{prefix}:{hexdigest[:12]}" if prefix else hexdigest[:12]


def _action_rank(action: str) -> int:
    return ACTION_ORDER.index(action) if action in ACTION_ORDER else len(ACTION_ORDER)
