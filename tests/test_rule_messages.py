"""What a finding says: why a replacement happens, which attributes force it, and what a mitigation covers.

Real corpus inputs where the corpus has the case; otherwise small synthetic plans built in memory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planlint.config import DEFAULT_POLICY
from planlint.model import Finding, Plan, ResourceChange, Verdict
from planlint.pipeline import judge, run_check
from planlint.report.wording import plan_counts_text


def _plan(*changes: ResourceChange) -> Plan:
    return Plan(
        origin="synthetic-plan.json",
        format="terraform",
        tool="terraform",
        tool_version="1.9.5",
        format_version="1.2",
        changes=changes,
    )


def _replace(reason: str | None, paths: tuple[str, ...] = (), **values: dict[str, object]) -> ResourceChange:
    from planlint.model import Values

    return ResourceChange(
        address="aws_db_instance.main",
        type="aws_db_instance",
        platform="terraform",
        actions=("replace",),
        replace_order="delete_first",
        reason=reason,
        replace_paths=paths,
        values=Values.of(values.get("before", {}), values.get("after", {})),
    )


def _only(verdict: Verdict, rule_id: str) -> Finding:
    hits = [f for f in verdict.findings if f.rule_id == rule_id]
    assert len(hits) == 1, [f.rule_id for f in verdict.findings]
    return hits[0]


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("replace_by_request", "Because replacement was requested (-replace)."),
        ("replace_because_tainted", "Because the object is tainted."),
        ("replace_by_triggers", "lifecycle replace_triggered_by changed"),
        ("replace_because_cannot_update", "Because an attribute that cannot be updated in place changed."),
    ],
)
def test_replace_reason_in_words(reason: str, words: str) -> None:
    finding = _only(judge([_plan(_replace(reason))], DEFAULT_POLICY), "PL001")
    assert words in finding.message
    assert reason not in finding.message  # words, not the code


def test_replace_names_the_forcing_paths() -> None:
    change = _replace("replace_because_cannot_update", ("engine", "availability_zone"))
    finding = _only(judge([_plan(change)], DEFAULT_POLICY), "PL001")
    assert "Replacement forced by: engine, availability_zone." in finding.message
    assert finding.replace_paths == ("engine", "availability_zone")


def test_replace_without_paths_lists_changed_attribute_names_not_values() -> None:
    change = _replace(
        None,
        before={"engine": "postgres", "password": "(sensitive value)", "arn": "arn:x"},
        after={"engine": "mysql", "password": "(sensitive value)"},
    )
    message = _only(judge([_plan(change)], DEFAULT_POLICY), "PL001").message
    assert "attributes that change: engine." in message
    assert "postgres" not in message and "mysql" not in message and "arn" not in message


def test_real_cloudformation_replacement_names_the_property(corpus: Path) -> None:
    verdict = run_check([str(corpus / "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json")])
    replaced = next(f for f in verdict.findings if f.address == "BucketToReplace")
    assert "Replacement forced by: Properties.BucketName." in replaced.message
    assert "Replacement: True" in replaced.message


def test_real_mitigations_retain_and_replace_and_retain(corpus: Path) -> None:
    verdict = run_check([str(corpus / "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json")])
    removed = next(f for f in verdict.findings if f.address == "BucketToRemove")
    # nothing is destroyed: worded as leaving the stack, not counted as a destroy
    assert (removed.rule_id, removed.enforcement, removed.severity) == ("PL019", "info", "low")
    assert "removed from the stack, resource kept" in removed.message and "Not covered" in removed.message
    assert "destroy" not in plan_counts_text(verdict.plans[0])
    replaced = next(f for f in verdict.findings if f.address == "BucketToReplace")
    assert (replaced.enforcement, replaced.severity) == ("approve", "medium")  # data kept, app on empty
    assert replaced.mitigation and "new, empty resource" in replaced.mitigation
    assert verdict.decision == "approval_required"


def test_final_snapshot_lowers_severity_but_still_needs_approval() -> None:
    from planlint.model import Values

    def delete(before: dict[str, object]) -> ResourceChange:
        return ResourceChange(
            address="aws_db_instance.main",
            type="aws_db_instance",
            platform="terraform",
            actions=("delete",),
            reason="delete_because_no_resource_config",
            values=Values.of(before, None),
        )

    with_snapshot = _only(
        judge([_plan(delete({"skip_final_snapshot": False, "final_snapshot_identifier": "main-final"}))]),
        "PL001",
    )
    without = _only(judge([_plan(delete({"skip_final_snapshot": True}))]), "PL001")
    assert (without.enforcement, without.severity, without.mitigation) == ("approve", "high", None)
    assert (with_snapshot.enforcement, with_snapshot.severity) == ("approve", "medium")
    assert with_snapshot.mitigation and "service is down" in with_snapshot.mitigation


def test_forget_needs_no_approval_but_is_said() -> None:
    from planlint.model import Values

    forgotten = ResourceChange(
        address="aws_db_instance.legacy",
        type="aws_db_instance",
        platform="terraform",
        actions=("forget",),
        values=Values.of({"identifier": "legacy"}, None),
    )
    verdict = judge([_plan(forgotten)])
    finding = _only(verdict, "PL019")
    assert finding.enforcement == "info" and "nothing is destroyed" in finding.message
    assert "Not covered" in finding.message
    assert verdict.decision == "pass"


def test_rekeying_message_carries_the_moved_block_fix() -> None:
    from planlint.model import Values

    rekeyed = ResourceChange(
        address='aws_db_instance.db["eu"]',
        type="aws_db_instance",
        platform="terraform",
        actions=("delete",),
        reason="delete_because_each_key",
        values=Values.of({"identifier": "eu"}, None),
    )
    verdict = judge([_plan(rekeyed)])
    finding = _only(verdict, "PL013")  # and only PL013: PL001 leaves re-keying to it
    assert 'moved { from = aws_db_instance.db["eu"] to = <new address> }' in finding.message
    assert "for_each key is no longer in the map or set" in finding.message
    assert [f.rule_id for f in verdict.findings] == ["PL013"]


def test_weakened_protection_names_the_attribute_without_plan_values() -> None:
    from planlint.model import Values

    change = ResourceChange(
        address="aws_db_instance.main",
        type="aws_db_instance",
        platform="terraform",
        actions=("update",),
        values=Values.of({"deletion_protection": True}, {"deletion_protection": False}),
    )
    finding = _only(judge([_plan(change)]), "PL014")
    assert "(deletion_protection true -> not true)" in finding.message
    assert finding.gated
