"""A root change set with two nested stacks: each child change set's resources land under the nested stack
that names it, so the gated address says which stack loses the database. Built from the AWS user guide's
real root + child pair (awsdocs), with a second nested stack and child added (labelled synthetic).

A nested stack change names its child by ChangeSetId; some published samples rewrite that id, and then the
child's StackId (the nested stack's PhysicalResourceId) identifies it. Both ways are checked with the
children given in the opposite order of the root's changes, so taking "the first child" would misplace one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

AWSDOCS = "cloudformation/awsdocs-cloudformation-user-guide"
DATA_STACK_ID = (
    "arn:aws:cloudformation:us-west-2:123456789012:stack/my-data-stack/00000000-0000-0000-0000-0000000000d5"
)
DATA_CHANGE_SET_ID = (
    "arn:aws:cloudformation:us-west-2:123456789012:changeSet/my-data-stack-change-set/"
    "00000000-0000-0000-0000-0000000000d5"
)


def _docs(corpus: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(root with ChildStack and DataStack, the real child of ChildStack, a synthetic child of DataStack)."""
    root = json.loads((corpus / AWSDOCS / "nested-root-change-set.json").read_text())
    app_child = json.loads((corpus / AWSDOCS / "nested-child-change-set.json").read_text())
    data_stack = copy.deepcopy(root["Changes"][0])
    data_stack["ResourceChange"].update(
        LogicalResourceId="DataStack", PhysicalResourceId=DATA_STACK_ID, ChangeSetId=DATA_CHANGE_SET_ID
    )
    root["Changes"].append(data_stack)
    data_child = copy.deepcopy(app_child)
    data_child.update(
        _synthetic="synthetic: the awsdocs child, re-aimed at a second nested stack that drops its database",
        ChangeSetId=DATA_CHANGE_SET_ID,
        ChangeSetName="my-data-stack-change-set",
        StackId=DATA_STACK_ID,
        StackName="my-data-stack",
        Changes=[
            {
                "Type": "Resource",
                "ResourceChange": {
                    "Action": "Remove",
                    "LogicalResourceId": "Db",
                    "PhysicalResourceId": "orders-db",
                    "ResourceType": "AWS::RDS::DBCluster",
                    "PolicyAction": "Delete",
                    "Scope": [],
                    "Details": [],
                },
            }
        ],
    )
    return root, app_child, data_child


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *docs: dict[str, Any]) -> tuple[int, Any]:
    paths = []
    for index, doc in enumerate(docs):
        path = tmp_path / f"synthetic-{index}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(str(path))
    code = main(["check", *paths, "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code in (0, 1) else err)


@pytest.mark.parametrize("rewrite_ids", [False, True], ids=["by-change-set-id", "by-stack-id"])
def test_each_child_lands_under_the_nested_stack_that_names_it(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], rewrite_ids: bool
) -> None:
    root, app_child, data_child = _docs(corpus)
    if rewrite_ids:  # as trek10's sample does: the nested ChangeSetId no longer names a given child
        for item in root["Changes"]:
            item["ResourceChange"]["ChangeSetId"] = "file://" + item["ResourceChange"]["LogicalResourceId"]
    code, report = _check(tmp_path, capsys, root, data_child, app_child)
    assert code == 1, report
    assert [f["address"] for f in report["findings"] if f["gated"]] == ["DataStack/Db"]
    assert report["inputs"][0]["facts"]["nested_change_sets"] == [
        app_child["ChangeSetId"],
        DATA_CHANGE_SET_ID,
    ]


def test_a_child_named_by_neither_id_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The DataStack change names another change set and another stack: its child belongs nowhere."""
    root, app_child, data_child = _docs(corpus)
    data_stack = root["Changes"][1]["ResourceChange"]
    data_stack.update(ChangeSetId=DATA_CHANGE_SET_ID + "-other", PhysicalResourceId=DATA_STACK_ID + "-other")
    code, err = _check(tmp_path, capsys, root, data_child, app_child)
    assert code == 2
    assert "DataStack changes (Modify) but its nested change set was not given" in err
