"""The destructive digest: what a peer's approval is bound to.

sha256 (hex) of the canonical JSON (sorted keys, no spaces, UTF-8) of the *sorted list* of gated
findings, each reduced to `[scope, address, actions, reason, rule_id]`:

- only findings whose enforcement is `approve` or `deny` and that are not waived;
- `scope` is the CloudFormation stack name ("" for Terraform, whose plan JSON names no workspace);
- `actions` is the normalised action list joined with "+", with the replace order appended for
  replacements (`replace:delete_first`), so create_before_destroy and delete-first differ;
- `reason` is the tool's own reason code (Terraform `action_reason`, CloudFormation reason) or "";
- a list, not a set: the same address in two stacks of one run counts twice.

Attribute values, plan timestamps, ids, file names and ordering are deliberately left out, so a
re-plan that changes nothing destructive keeps the digest; any new, removed or different destructive
item changes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from planlint.model import Finding
from planlint.sha256 import sha256_hex

DIGEST_VERSION = "pl1"


def digest_item(finding: Finding) -> list[str]:
    actions = "+".join(finding.actions)
    if finding.replace_order:  # set for replacements only (every loader)
        actions += f":{finding.replace_order}"
    return [finding.scope, finding.address, actions, finding.reason or "", finding.rule_id]


def destructive_digest(findings: Iterable[Finding]) -> str:
    """`pl1:` + sha256 hex over the gated findings (see module docstring for exactly what goes in)."""
    items = sorted(digest_item(f) for f in findings if f.gated and f.waived_by is None)
    canonical = json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{DIGEST_VERSION}:{sha256_hex(canonical)}"
