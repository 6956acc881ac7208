"""What the CloudFormation loader records about each change beyond its action: the property that forces a
replacement (shown as "Replacement forced by"), the causes and how sure CloudFormation is, a whole nested
stack going, drift. Each read from a real corpus change set, or a small edit of one named synthetic.

Most of this lands in each change's `details` (`planlint.loaders.load_inputs` returns them), the drift count
in the report's facts, and the forcing property in the finding's message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.loaders import load_inputs
from planlint.model import ResourceChange

ADD_REPLACEMENT_TRUE = "cloudformation/localstack/create-add-with-replacement-true.prop-values.json"
PLAIN_ADD = "cloudformation/trek10-cfn-changeset-viewer/simple.json"
REMOVE = "cloudformation/trek10-cfn-changeset-viewer/multiple.json"  # BucketToRemove: Remove, Delete
CONDITIONAL = (
    Path(__file__).resolve().parent / "fixtures" / "cloudformation" / "synthetic-conditional-replacement.json"
)
SYNC = Path(__file__).resolve().parent / "fixtures" / "cloudformation" / "synthetic-sync-with-actual.json"


def _changes(path: Path | str) -> dict[str, ResourceChange]:
    (plan,) = load_inputs([str(path)])
    return {c.address: c for c in plan.changes}


def _write(tmp_path: Path, doc: Any, name: str) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_an_add_reported_with_replacement_true_says_why_it_is_a_create(corpus: Path) -> None:
    for change in _changes(corpus / ADD_REPLACEMENT_TRUE).values():
        assert change.actions == ("create",)
        assert "Replacement True on an Add is how CloudFormation reports a new resource" in change.details
    (plain,) = _changes(corpus / PLAIN_ADD).values()
    assert plain.actions == ("create",) and not any("Replacement True" in d for d in plain.details)


@pytest.mark.parametrize(
    ("target", "forced_by"),
    [
        ({"Attribute": "Properties", "RequiresRecreation": "Always"}, "Properties"),
        ({"Attribute": "Tags", "RequiresRecreation": "Conditionally"}, "Tags"),
        ({"RequiresRecreation": "Always"}, "(unnamed attribute)"),
        ({"Path": "/Properties/Tags/1/Key", "RequiresRecreation": "Always"}, "Properties.Tags[1].Key"),
    ],
)
def test_the_forcing_property_is_named_in_the_finding(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], target: dict[str, Any], forced_by: str
) -> None:
    """A Details target without Name: its Path, else its Attribute, else said to be unnamed."""
    doc = json.loads(CONDITIONAL.read_text())
    doc["Changes"][0]["ResourceChange"]["Details"] = [
        {"Target": target, "ChangeSource": "DirectModification"}
    ]
    path = _write(tmp_path, doc, "synthetic-forced-by.json")
    assert main(["check", path, "--format", "json"]) == 1
    (finding,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["gated"]]
    assert finding["address"] == "Cluster" and finding["replace_paths"] == [forced_by]
    assert f"Replacement forced by: {forced_by}." in finding["message"]


def test_causes_say_where_the_change_comes_from_and_whether_it_is_decided_yet() -> None:
    (cluster,) = _changes(CONDITIONAL).values()
    assert (
        "Properties.EngineMode requires recreation (Conditionally); caused by template change, decided at "
        "execution; parameter Mode"
    ) in cluster.details


@pytest.mark.parametrize(
    ("detail", "cause"),
    [
        ({}, "change"),
        ({"ChangeSource": "Automatic"}, "nested stack update"),
        ({"ChangeSource": "ResourceAttribute", "CausingEntity": "Queue.Arn"}, "attribute of Queue.Arn"),
        ({"ChangeSource": "SomethingNew", "Evaluation": "Dynamic"}, "SomethingNew, decided at execution"),
    ],
)
def test_a_cause_is_worded_from_its_change_source(tmp_path: Path, detail: dict[str, Any], cause: str) -> None:
    doc = json.loads(CONDITIONAL.read_text())
    target = {"Attribute": "Properties", "Name": "EngineMode", "RequiresRecreation": "Always"}
    doc["Changes"][0]["ResourceChange"]["Details"] = [{"Target": target, **detail}]
    (cluster,) = _changes(_write(tmp_path, doc, "synthetic-cause.json")).values()
    assert f"Properties.EngineMode requires recreation (Always); caused by {cause}" in cluster.details


@pytest.mark.parametrize(("action", "whole"), [("Remove", True), ("Add", False)])
def test_a_removed_nested_stack_is_said_to_take_everything_in_it(
    tmp_path: Path, action: str, whole: bool
) -> None:
    doc = json.loads(CONDITIONAL.read_text())
    doc["Changes"][0]["ResourceChange"].update(ResourceType="AWS::CloudFormation::Stack", Action=action)
    (stack,) = _changes(_write(tmp_path, doc, "synthetic-nested-stack.json")).values()
    assert any("a whole nested stack: every resource in it goes" in d for d in stack.details) is whole


def test_a_removed_resource_that_is_not_a_stack_is_not_called_one(corpus: Path) -> None:
    removed = _changes(corpus / REMOVE)["BucketToRemove"]
    assert removed.actions == ("delete",)
    assert not any("nested stack" in d for d in removed.details), removed.details


@pytest.mark.parametrize(
    ("statuses", "count"),
    [
        (("MODIFIED", "DELETED"), 2),
        (("IN_SYNC", "NOT_CHECKED"), 0),
        (("UNKNOWN", "MODIFIED"), 1),
        ((None, "UNSUPPORTED"), 0),
    ],
)
def test_only_drifted_resources_are_counted_as_drifted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], statuses: tuple[str | None, str], count: int
) -> None:
    doc = json.loads(SYNC.read_text())
    for item, status in zip(doc["Changes"], statuses, strict=True):
        item["ResourceChange"]["ResourceDriftStatus"] = status
    path = _write(tmp_path, doc, "synthetic-drift.json")
    main(["check", path, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["inputs"][0]["facts"]["drift_count"] == count
    for change, status in zip(_changes(path).values(), statuses, strict=True):
        said = any(d.startswith("drifted (") for d in change.details)
        assert said is (status in ("MODIFIED", "DELETED")), change.details
