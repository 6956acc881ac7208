"""A CloudFormation Modify that weakens, keeps or strengthens a DeletionPolicy / UpdateReplacePolicy: which
way it goes decides whether PL018 gates the resource, and the change's details say it in words
("DeletionPolicy Retain -> Delete: protection weakened").

Built from trek10's real change set (deletion-policies.json), whose BucketToRemoveDeletionPolices drops
both policies (Retain -> removed); each case edits that change's Details targets and contexts (labelled
synthetic in the file name) the way CloudFormation writes them: AttributeChangeType Add/Modify/Remove,
BeforeValue/AfterValue, and BeforeContext/AfterContext only with --include-property-values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.loaders import load_inputs

REL = "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json"
BUCKET = "BucketToRemoveDeletionPolices"
PL018 = ("PL018", BUCKET)


def _target(attribute: str, change_type: str, before: str | None, after: str | None) -> dict[str, Any]:
    target: dict[str, Any] = {
        "Attribute": attribute,
        "RequiresRecreation": "Never",
        "Path": f"/{attribute}",
        "AttributeChangeType": change_type,
    }
    if before is not None:
        target["BeforeValue"] = before
    if after is not None:
        target["AfterValue"] = after
    return {"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"}


def _edited(
    corpus: Path,
    tmp_path: Path,
    *,
    details: list[dict[str, Any]],
    scope: list[str],
    contexts: tuple[dict[str, Any] | None, dict[str, Any] | None] | None,
    resource_type: str = "AWS::S3::Bucket",
) -> str:
    doc = json.loads((corpus / REL).read_text())
    change = doc["Changes"][0]["ResourceChange"]
    assert change["LogicalResourceId"] == BUCKET
    change.update(Details=details, Scope=scope, ResourceType=resource_type)
    if contexts is None:  # created without --include-property-values
        change.pop("BeforeContext"), change.pop("AfterContext")
    else:
        change["BeforeContext"], change["AfterContext"] = (json.dumps(c) for c in contexts)
    path = tmp_path / "synthetic-policy-edit.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _verdict(capsys: pytest.CaptureFixture[str], path: str) -> tuple[set[tuple[str, str]], tuple[str, ...]]:
    """(gated (rule, address) pairs, the bucket change's details)."""
    assert main(["check", path, "--format", "json"]) == 1  # BucketToReplace (ReplaceAndRetain) is gated
    report = json.loads(capsys.readouterr().out)
    gated = {(f["rule_id"], f["address"]) for f in report["findings"] if f["gated"]}
    assert ("PL001", "BucketToReplace") in gated
    (plan,) = load_inputs([path])
    change = next(c for c in plan.changes if c.address == BUCKET)
    assert change.actions == ("update",)
    return gated, change.details


def test_the_real_change_set_drops_both_policies(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gated, details = _verdict(capsys, str(corpus / REL))
    assert PL018 in gated
    assert "DeletionPolicy Retain -> removed (default): protection weakened" in details
    assert "UpdateReplacePolicy Retain -> removed (default): protection weakened" in details


@pytest.mark.parametrize("with_contexts", [True, False], ids=["property-values", "targets-only"])
@pytest.mark.parametrize(
    ("change_type", "before", "after", "weakened", "wording"),
    [
        ("Modify", "Retain", "Delete", True, "DeletionPolicy Retain -> Delete: protection weakened"),
        ("Modify", "Snapshot", "Delete", True, "DeletionPolicy Snapshot -> Delete: protection weakened"),
        ("Remove", "Retain", None, True, "DeletionPolicy Retain -> removed (default): protection weakened"),
        ("Modify", "Retain", "RetainExceptOnCreate", False, None),
        ("Modify", "Delete", "Retain", False, None),
        ("Add", None, "Retain", False, None),
        ("Remove", "Delete", None, False, None),
    ],
)
def test_direction_of_a_deletion_policy_change_decides_the_gate(
    corpus: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    with_contexts: bool,
    change_type: str,
    before: str | None,
    after: str | None,
    weakened: bool,
    wording: str | None,
) -> None:
    """The target's BeforeValue/AfterValue give the direction; the contexts, when present, agree."""
    contexts = (
        (
            {"Properties": {}, **({"DeletionPolicy": before} if before else {})},
            {"Properties": {}, **({"DeletionPolicy": after} if after else {})},
        )
        if with_contexts
        else None
    )
    path = _edited(
        corpus,
        tmp_path,
        details=[_target("DeletionPolicy", change_type, before, after)],
        scope=["DeletionPolicy"],
        contexts=contexts,
    )
    gated, details = _verdict(capsys, path)
    assert (PL018 in gated) is weakened, details
    if wording:
        assert wording in details
    else:
        assert not any("protection weakened" in d for d in details), details
    assert not any("--include-property-values" in d for d in details), details


def test_a_target_value_wins_over_a_context_that_does_not_show_the_policy(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Contexts without the policy (CloudFormation's default) but a target saying Retain -> Snapshot on a
    bucket: Snapshot does not keep an S3 bucket, so it is weakened; the words come from the target."""
    path = _edited(
        corpus,
        tmp_path,
        details=[_target("UpdateReplacePolicy", "Modify", "Retain", "Snapshot")],
        scope=["UpdateReplacePolicy"],
        contexts=({"Properties": {}}, {"Properties": {}}),
    )
    gated, details = _verdict(capsys, path)
    assert PL018 in gated
    assert "UpdateReplacePolicy Retain -> Snapshot: protection weakened" in details


def test_an_unchanged_policy_named_in_scope_with_values_is_not_a_weakening(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scope names DeletionPolicy; the values show Delete going to the default (Delete for a bucket)."""
    path = _edited(
        corpus,
        tmp_path,
        details=[],
        scope=["DeletionPolicy", "UpdateReplacePolicy"],
        contexts=({"Properties": {}, "DeletionPolicy": "Delete"}, {"Properties": {}}),
    )
    gated, details = _verdict(capsys, path)
    assert PL018 not in gated, details
    assert not any("protection weakened" in d or "--include-property-values" in d for d in details)


def test_default_to_delete_on_a_database_cluster_is_a_weakening(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No DeletionPolicy on an AWS::RDS::DBCluster means Snapshot; an explicit Delete drops the snapshot."""
    path = _edited(
        corpus,
        tmp_path,
        details=[_target("DeletionPolicy", "Add", None, "Delete")],
        scope=["DeletionPolicy"],
        contexts=({"Properties": {}}, {"Properties": {}, "DeletionPolicy": "Delete"}),
        resource_type="AWS::RDS::DBCluster",
    )
    gated, details = _verdict(capsys, path)
    assert PL018 in gated
    assert "DeletionPolicy default -> Delete: protection weakened" in details


def test_a_policy_change_without_any_value_is_asked_about(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --include-property-values nor target values the direction is unknown: judged weakened,
    and the details say how to get the values; a policy the change does not touch is not mentioned."""
    path = _edited(
        corpus,
        tmp_path,
        details=[_target("UpdateReplacePolicy", "Modify", None, None)],
        scope=["UpdateReplacePolicy"],
        contexts=None,
    )
    gated, details = _verdict(capsys, path)
    assert PL018 in gated
    assert [d for d in details if "UpdateReplacePolicy" in d] == [
        "UpdateReplacePolicy changes but the change set has no values (create it with "
        "--include-property-values); judged as weakened protection"
    ]
    assert not any(d.startswith("DeletionPolicy") for d in details), details


def test_a_replacement_that_also_weakens_its_policy_says_so(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A replace keeps its replacement reason (PL001), and its details still record the weakened policy."""
    doc = json.loads((corpus / REL).read_text())
    change = doc["Changes"][2]["ResourceChange"]
    assert change["LogicalResourceId"] == "BucketToReplace"
    change["Scope"] = ["Properties", "UpdateReplacePolicy"]
    change["Details"].append(_target("UpdateReplacePolicy", "Modify", "Retain", "Delete"))
    path = tmp_path / "synthetic-replace-and-weaken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (plan,) = load_inputs([str(path)])
    replaced = next(c for c in plan.changes if c.address == "BucketToReplace")
    assert replaced.actions == ("replace",) and replaced.reason == "cfn_replacement_true"
    assert "UpdateReplacePolicy Retain -> Delete: protection weakened" in replaced.details
