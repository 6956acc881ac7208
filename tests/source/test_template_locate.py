"""`check CHANGESET --template TEMPLATE`: change-set findings located at the logical id in the template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main

TEMPLATE = "cloudformation-templates/aws-cloudformation-templates/RDS_PIOPS.yaml"


def _synthetic_change_set(tmp_path: Path) -> Path:
    """A hand-written describe-change-set shape (synthetic) that removes the real template's myDB."""
    doc = {
        "ChangeSetName": "synthetic",
        "ChangeSetId": "arn:aws:cloudformation:us-east-1:111111111111:changeSet/synthetic/1",
        "StackName": "piops",
        "ExecutionStatus": "AVAILABLE",
        "Status": "CREATE_COMPLETE",
        "Changes": [
            {
                "Type": "Resource",
                "ResourceChange": {
                    "Action": "Remove",
                    "LogicalResourceId": "myDB",
                    "PhysicalResourceId": "db-1",
                    "ResourceType": "AWS::RDS::DBInstance",
                    "PolicyAction": "Delete",
                    "Scope": [],
                    "Details": [],
                },
            },
            {
                "Type": "Resource",
                "ResourceChange": {
                    "Action": "Remove",
                    "LogicalResourceId": "NotInTemplate",
                    "PhysicalResourceId": "t-1",
                    "ResourceType": "AWS::DynamoDB::Table",
                    "PolicyAction": "Delete",
                    "Scope": [],
                    "Details": [],
                },
            },
        ],
    }
    path = tmp_path / "synthetic-change-set.json"
    path.write_text(json.dumps(doc))
    return path


def test_change_set_findings_point_at_the_template_lines(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change_set = _synthetic_change_set(tmp_path)
    template = corpus / TEMPLATE
    assert main(["check", str(change_set), "--template", str(template), "--format", "json"]) == 1
    findings = {f["address"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    where = findings["myDB"]["location"]
    assert where["path"].endswith("RDS_PIOPS.yaml")
    assert template.read_text().splitlines()[where["line"] - 1].strip() == "myDB:"
    assert findings["NotInTemplate"]["location"] is None  # not in the template: left unlocated


def test_plain_change_set_check_is_unlocated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(_synthetic_change_set(tmp_path)), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings and all(f["location"] is None for f in findings)
