"""A change set whose fields have the wrong shape is refused through `planlint check` (exit 2, one line
naming the file and the field), never judged on what could be read and never a traceback. Each case is a
real corpus change set with one field edited (labelled synthetic in the file name); the JSON documents
that are not change sets at all are the shapes a user passes by mistake (`create-change-set` output,
a trimmed copy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

# one Modify + Replacement True of an SNS topic (PolicyAction ReplaceAndDelete) and one update
REPLACE = "cloudformation/localstack/modify-replace-true-plus-dynamic-eval.prop-values.json"
NOT_A_CHANGE_SET = "is not a plan or change set"


def _write(tmp_path: Path, doc: Any, name: str = "synthetic-edited.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _refused(capsys: pytest.CaptureFixture[str], path: str) -> str:
    code = main(["check", path])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"planlint: error: {path}: ") and err.count("\n") == 1, err
    return err


def _edited(corpus: Path, **change: Any) -> dict[str, Any]:
    """The real change set with its first ResourceChange (the replaced topic Foo) edited."""
    doc: dict[str, Any] = json.loads((corpus / REPLACE).read_text())
    doc["Changes"][0]["ResourceChange"].update(change)
    return doc


def test_the_real_change_set_is_judged(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The baseline every edit below starts from: judged, and the replaced topic asked about (exit 1: an
    SNS topic's data is unreviewed in the catalogue, since a FIFO topic can archive its messages; PL004)."""
    assert main(["check", str(corpus / REPLACE), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["address"], f["rule_id"]) for f in report["findings"]] == [("Foo", "PL004")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("LogicalResourceId", 7, "a resource change: LogicalResourceId is int, expected a string"),
        ("ResourceType", ["AWS::SNS::Topic"], "resource Foo: ResourceType is list, expected a string"),
        ("ResourceType", None, "resource Foo has no ResourceType"),
        ("ResourceType", "", "resource Foo has no ResourceType"),
        ("LogicalResourceId", "", "a resource change has no LogicalResourceId"),
        ("Action", {"Modify": True}, "resource Foo: Action is dict, expected a string"),
        ("Replacement", True, "resource Foo: Replacement is bool, expected a string"),
        ("BeforeContext", 42, "resource Foo: BeforeContext is int, expected a JSON string"),
        ("AfterContext", ["Properties"], "resource Foo: AfterContext is list, expected a JSON string"),
        ("Details", {"Target": {}}, "resource Foo: Details is not a list"),
        ("Details", "Properties.TopicName", "resource Foo: Details is not a list"),
        ("Details", ["Properties"], "resource Foo: a Details entry has no Target object"),
        ("Scope", "Properties", "resource Foo: Scope is not a list of attribute names"),
        ("Scope", ["Properties", 1], "resource Foo: Scope is not a list of attribute names"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused(
    tmp_path: Path,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    value: Any,
    message: str,
) -> None:
    err = _refused(capsys, _write(tmp_path, _edited(corpus, **{field: value})))
    assert message in err


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"Attribute": "Properties", "Name": 3, "RequiresRecreation": "Always"}, "Name is int"),
        ({"Attribute": "Properties", "Path": ["Properties"], "RequiresRecreation": "Always"}, "Path is list"),
        ({"Attribute": 1, "Name": "TopicName", "RequiresRecreation": "Always"}, "Attribute is int"),
    ],
)
def test_a_details_target_of_the_wrong_type_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], target: dict[str, Any], message: str
) -> None:
    err = _refused(capsys, _write(tmp_path, _edited(corpus, Details=[{"Target": target}])))
    assert f"resource Foo: {message}, expected a string" in err


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("Foo", "Changes[0] is not an object"),
        ({"Type": "Resource"}, "Changes[0] has no ResourceChange object"),
        ({"Type": "Resource", "ResourceChange": "Foo"}, "Changes[0] has no ResourceChange object"),
    ],
)
def test_a_changes_entry_of_the_wrong_shape_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], item: Any, message: str
) -> None:
    doc = json.loads((corpus / REPLACE).read_text())
    doc["Changes"][0] = item
    assert message in _refused(capsys, _write(tmp_path, doc))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ChangeSetId", 5, "the change set: ChangeSetId is int, expected a string"),
        ("Status", ["CREATE_COMPLETE"], "the change set: Status is list, expected a string"),
        ("ParentChangeSetId", {"Id": "x"}, "the change set: ParentChangeSetId is dict, expected a string"),
    ],
)
def test_a_change_set_field_of_the_wrong_type_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any, message: str
) -> None:
    doc = json.loads((corpus / REPLACE).read_text())
    doc[field] = value
    err = _refused(capsys, _write(tmp_path, doc))
    assert message in err


def test_create_change_set_output_is_not_taken_for_a_change_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aws cloudformation create-change-set` prints only the new change set's Id and StackId."""
    doc = {
        "Id": "arn:aws:cloudformation:us-east-1:123456789012:changeSet/synthetic/0000",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/synthetic/0000",
    }
    assert NOT_A_CHANGE_SET in _refused(capsys, _write(tmp_path, doc, "synthetic-create-output.json"))


@pytest.mark.parametrize(
    "drop",
    [
        ("StackId", "StackName"),  # a change set id, no stack, but Changes and Status
        ("Changes", "Status"),  # ids of both, nothing to judge
        ("ChangeSetId", "ChangeSetName"),  # a stack, Changes and Status, but no change set id
    ],
    ids=["no-stack", "no-changes-or-status", "no-change-set-id"],
)
def test_a_trimmed_document_is_not_taken_for_a_change_set(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], drop: tuple[str, str]
) -> None:
    doc = json.loads((corpus / REPLACE).read_text())
    for key in drop:
        del doc[key]
    assert NOT_A_CHANGE_SET in _refused(capsys, _write(tmp_path, doc, "synthetic-trimmed.json"))


def test_a_change_set_without_an_id_is_refused_when_read_as_one(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --input-format cloudformation detection is skipped; a document with no ChangeSetId (nor
    ChangeSetName) cannot be tied to its nested children or named in an approval, so it is refused."""
    doc = json.loads((corpus / REPLACE).read_text())
    del doc["ChangeSetId"], doc["ChangeSetName"]
    path = _write(tmp_path, doc, "synthetic-no-id.json")
    assert main(["check", path, "--input-format", "cloudformation"]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f"planlint: error: {path}: has no ChangeSetId; expected `aws cloudformation describe-change-set` output\n"
    )


def test_a_change_set_with_only_a_stack_id_is_scoped_to_that_stack(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without StackName the stack is named by its StackId: an approval is bound to the stack it names."""
    doc = json.loads((corpus / REPLACE).read_text())
    del doc["StackName"]
    path = _write(tmp_path, doc, "synthetic-stack-id-only.json")
    assert main(["check", path, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"][0]["scope"] == doc["StackId"]
    assert report["findings"][0]["scope"] == doc["StackId"]
