"""`planlint diff OLD NEW`: predicted deletes and replacements from real templates and edited copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.model import ResourceChange
from planlint.pipeline import judge
from planlint.templates import read_template
from planlint.templates.diff import create_only, diff_templates

TEMPLATES = "cloudformation-templates/aws-cloudformation-templates"


def _edited(corpus: Path, tmp_path: Path, name: str, old: str, new: str) -> tuple[str, str]:
    """The real template and a copy with one textual edit (the copy is test-generated, so synthetic)."""
    original = corpus / TEMPLATES / name
    text = original.read_text()
    assert old in text, f"{name} no longer contains {old!r}"
    edited = tmp_path / f"synthetic-edited-{name}"
    edited.write_text(text.replace(old, new))
    return str(original), str(edited)


def _changes(old: str, new: str) -> dict[str, ResourceChange]:
    plan = diff_templates(read_template(old), read_template(new))
    assert plan.format == "cloudformation-template"
    assert any("not AWS's change set" in note for note in plan.notes)
    return {c.address: c for c in plan.changes}


def test_schema_lookup_reads_cfn_lint_bundled_schemas() -> None:
    rds = create_only("AWS::RDS::DBInstance")
    assert rds is not None and ("StorageEncrypted",) in rds.always and ("Engine",) in rds.conditional
    # custom resources are read as AWS::CloudFormation::CustomResource: a new ServiceToken replaces them
    custom = create_only("Custom::Thing")
    assert custom is not None and custom.always == (("ServiceToken",),)
    assert create_only("AWS::Nope::Nothing") is None


def test_create_only_property_change_predicts_replace(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(
        corpus, tmp_path, "RDS_PIOPS.yaml", "StorageEncrypted: true", "StorageEncrypted: false"
    )
    changes = _changes(old, new)
    assert list(changes) == ["myDB"]
    db = changes["myDB"]
    assert (db.actions, db.reason, db.replace_paths) == (
        ("replace",),
        "cfn_replacement_true",
        ("StorageEncrypted",),
    )
    verdict = judge([diff_templates(read_template(old), read_template(new))])
    assert [(f.rule_id, f.address, f.enforcement) for f in verdict.findings] == [("PL001", "myDB", "approve")]


def test_conditional_create_only_change_is_judged_as_replace(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(corpus, tmp_path, "RDS_PIOPS.yaml", "Engine: MySQL", "Engine: postgres")
    db = _changes(old, new)["myDB"]
    assert (db.actions, db.reason, db.replace_paths) == (
        ("replace",),
        "cfn_replacement_conditional",
        ("Engine",),
    )


def test_in_place_property_change_is_an_update(corpus: Path, tmp_path: Path) -> None:
    added = "BackupRetentionPeriod: 7\n      CopyTagsToSnapshot: true"
    old, new = _edited(corpus, tmp_path, "RDS_PIOPS.yaml", "BackupRetentionPeriod: 7", added)
    db = _changes(old, new)["myDB"]
    assert db.actions == ("update",)
    assert judge([diff_templates(read_template(old), read_template(new))]).decision == "pass"


def test_renamed_logical_id_is_delete_plus_create(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(corpus, tmp_path, "DynamoDB_Table.yaml", "  myDynamoDBTable:", "  SessionsTable:")
    changes = _changes(old, new)
    assert changes["myDynamoDBTable"].actions == ("delete",)
    assert changes["myDynamoDBTable"].reason == "cfn_logical_id_renamed"
    assert "renamed to SessionsTable" in changes["myDynamoDBTable"].details[0]
    assert changes["SessionsTable"].actions == ("create",)
    # the delete is shown where the rename is: the new id's line in the new template
    where = changes["myDynamoDBTable"].source
    assert (
        where is not None and where.path.endswith("synthetic-edited-DynamoDB_Table.yaml") and where.line == 43
    )


def test_removed_resource_with_retain_is_an_orphan_not_a_loss(corpus: Path, tmp_path: Path) -> None:
    name = "RDS_MySQL_With_Read_Replica.yaml"
    text = (corpus / TEMPLATES / name).read_text()
    start = text.index("  ReplicaDB:")
    end = text.index("\nOutputs:") if "\nOutputs:" in text[start:] else len(text)
    edited = tmp_path / f"synthetic-edited-{name}"
    edited.write_text(text[:start] + text[end:])
    changes = _changes(str(corpus / TEMPLATES / name), str(edited))
    replica = changes["ReplicaDB"]
    assert (replica.actions, replica.policy_action) == (("delete",), "Retain")
    verdict = judge(
        [diff_templates(read_template(str(corpus / TEMPLATES / name)), read_template(str(edited)))]
    )
    [finding] = [f for f in verdict.findings if f.address == "ReplicaDB" and f.rule_id == "PL001"]
    assert finding.enforcement == "info" and finding.mitigation is not None and "Retain" in finding.mitigation


def test_deletion_policy_removed_is_a_weakened_protection(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(
        corpus, tmp_path, "RDS_Snapshot_On_Delete.yaml", "DeletionPolicy: Snapshot", "DeletionPolicy: Delete"
    )
    changes = _changes(old, new)
    weakened = changes["MyDB"]
    assert (weakened.actions, weakened.reason) == (("update",), "cfn_deletion_policy_removed")
    assert "DeletionPolicy Snapshot -> Delete" in weakened.details[0]


def test_identical_templates_predict_nothing(corpus: Path) -> None:
    path = str(corpus / TEMPLATES / "EFSAccessPoint.yaml")
    assert _changes(path, path) == {}


def test_diff_cli_both_forms_and_prediction_note(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _edited(
        corpus, tmp_path, "RDS_PIOPS.yaml", "StorageEncrypted: true", "StorageEncrypted: false"
    )
    assert main(["diff", old, new, "--format", "json"]) == 1
    first = json.loads(capsys.readouterr().out)
    assert main(["diff", "--base-template", old, new, "--format", "json"]) == 1
    second = json.loads(capsys.readouterr().out)
    assert first == second
    assert main(["diff", old, new]) == 1
    assert "predicted from templates" in capsys.readouterr().out


def test_diff_cli_usage_errors(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = str(corpus / TEMPLATES / "EFSAccessPoint.yaml")
    assert main(["diff", one]) == 2
    assert "give OLD and NEW templates" in capsys.readouterr().err
    assert main(["diff", one, one, one]) == 2
