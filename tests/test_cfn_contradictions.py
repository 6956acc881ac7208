"""CloudFormation change sets that contradict themselves: the gate refuses them or takes the more
destructive reading, never the harmless one. Built from real corpus files, edited (synthetic).

API reference: a FAILED change set whose StatusReason says it "didn't contain changes" has none to list;
ResourceChange.Replacement "depends on the change with the most impact" of its Details'
ResourceTargetDefinition.RequiresRecreation (Always + Static evaluation: True; Always + Dynamic, or
Conditionally: Conditional).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.loaders import load_inputs
from tests.test_cfn_refusals import _refusal, _write

NO_CHANGES = "cloudformation/localstack/failed-no-changes.json"
AWSDOCS = "cloudformation/awsdocs-cloudformation-user-guide"
REMOVE_DB = {
    "Type": "Resource",
    "ResourceChange": {
        "Action": "Remove",
        "LogicalResourceId": "Db",
        "PhysicalResourceId": "db-1",
        "ResourceType": "AWS::RDS::DBInstance",
        "Scope": [],
        "Details": [],
    },
}


def test_a_failed_no_changes_change_set_that_lists_a_remove_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((corpus / NO_CHANGES).read_text())
    assert main(["check", _write(tmp_path, doc, "no-changes.json")]) == 0  # the real one: no changes
    capsys.readouterr()
    doc["Changes"] = [REMOVE_DB]
    path = _write(tmp_path, doc, "synthetic-failed-with-changes.json")
    err = _refusal(capsys, path)
    assert err.startswith(f"planlint: error: {path}: change set FAILED because it has no changes (")
    assert "yet it lists 1 change(s) in Changes: contradictory" in err


def test_a_nested_child_that_failed_with_no_changes_yet_lists_a_remove_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = json.loads((corpus / AWSDOCS / "nested-root-change-set.json").read_text())
    child = json.loads((corpus / AWSDOCS / "nested-child-change-set.json").read_text())
    child.update(Status="FAILED", StatusReason="No updates are to be performed.", Changes=[REMOVE_DB])
    child_path = _write(tmp_path, child, "synthetic-child.json")
    err = _refusal(capsys, _write(tmp_path, root, "root.json"), child_path)
    assert f"{child_path}: change set FAILED because it has no changes" in err


def _modify(replacement: str, requires: str, evaluation: str = "Static") -> dict[str, Any]:
    return {
        "Type": "Resource",
        "ResourceChange": {
            "Action": "Modify",
            "LogicalResourceId": "Db",
            "PhysicalResourceId": "db-1",
            "ResourceType": "AWS::RDS::DBInstance",
            "Replacement": replacement,
            "Scope": ["Properties"],
            "Details": [
                {
                    "Target": {"Attribute": "Properties", "Name": "Tags", "RequiresRecreation": "Never"},
                    "Evaluation": "Static",
                    "ChangeSource": "DirectModification",
                },
                {
                    "Target": {"Attribute": "Properties", "Name": "Engine", "RequiresRecreation": requires},
                    "Evaluation": evaluation,
                    "ChangeSource": "DirectModification",
                },
            ],
        },
    }


@pytest.mark.parametrize(
    ("replacement", "requires", "evaluation", "judged", "reason"),
    [
        ("False", "Always", "Static", "True", "cfn_replacement_true"),
        ("False", "Always", "Dynamic", "Conditional", "cfn_replacement_conditional"),
        ("False", "Conditionally", "Static", "Conditional", "cfn_replacement_conditional"),
        ("Conditional", "Always", "Static", "True", "cfn_replacement_true"),
    ],
)
def test_replacement_weaker_than_its_details_is_judged_by_the_details(
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    replacement: str,
    requires: str,
    evaluation: str,
    judged: str,
    reason: str,
) -> None:
    doc = json.loads((corpus / "cloudformation/aws-cli-examples/describe-change-set.json").read_text())
    doc["Changes"] = [_modify(replacement, requires, evaluation)]
    path = _write(tmp_path, doc, "synthetic-contradiction.json")
    code = main(["check", path, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["gated"]]
    assert (finding["address"], finding["actions"], finding["reason"]) == ("Db", ["replace"], reason)
    said = (
        f"Replacement {replacement}, yet Engine RequiresRecreation {requires}: judged as Replacement {judged}"
    )
    ((change,),) = [plan.changes for plan in load_inputs([path])]
    assert said in change.details


@pytest.mark.parametrize(
    ("replacement", "requires"), [("False", "Never"), ("True", "Never"), ("True", "Always")]
)
def test_replacement_agreeing_with_or_stronger_than_its_details_is_read_as_said(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], replacement: str, requires: str
) -> None:
    doc = json.loads((corpus / "cloudformation/aws-cli-examples/describe-change-set.json").read_text())
    doc["Changes"] = [_modify(replacement, requires)]
    path = _write(tmp_path, doc, "synthetic-agreeing.json")
    code = main(["check", path, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    (counts,) = [i["change_counts"] for i in report["inputs"]]
    assert counts == ({"update": 1} if replacement == "False" else {"replace": 1})
    assert code == (0 if replacement == "False" else 1)
    ((change,),) = [plan.changes for plan in load_inputs([path])]
    assert not [d for d in change.details if "judged as Replacement" in d]


def test_a_modify_without_replacement_is_still_refused_whatever_its_details_say(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((corpus / "cloudformation/aws-cli-examples/describe-change-set.json").read_text())
    change = _modify("False", "Always")
    del change["ResourceChange"]["Replacement"]
    doc["Changes"] = [change]
    assert "Modify without Replacement" in _refusal(
        capsys, _write(tmp_path, doc, "synthetic-no-replacement.json")
    )
