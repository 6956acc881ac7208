"""CloudFormation change sets the loader must refuse or recognise, driven through `planlint check` where a
user would meet them: statuses of a change set being deleted, a nested child that names another root,
a document of the wrong shape, and detection by either name or id. Built from real corpus files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

AWSDOCS = "cloudformation/awsdocs-cloudformation-user-guide"
SIMPLE = "cloudformation/aws-cli-examples/describe-change-set.json"


def _write(tmp_path: Path, doc: Any, name: str) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["check", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planlint: error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    "status", ["DELETE_PENDING", "DELETE_IN_PROGRESS", "DELETE_COMPLETE", "DELETE_FAILED"]
)
def test_a_change_set_being_deleted_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    doc = json.loads((corpus / SIMPLE).read_text())
    doc["Status"] = status
    err = _refusal(capsys, _write(tmp_path, doc, f"synthetic-{status}.json"))
    assert f"change set was deleted (Status {status})" in err


def test_nested_child_that_names_another_root_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = json.loads((corpus / AWSDOCS / "nested-root-change-set.json").read_text())
    child = json.loads((corpus / AWSDOCS / "nested-child-change-set.json").read_text())
    assert main(["check", _write(tmp_path, root, "root.json"), _write(tmp_path, child, "child.json")]) == 0
    capsys.readouterr()
    other_root = root["ChangeSetId"].replace("my-root-stack-change-set", "someone-elses-root")
    child["RootChangeSetId"] = other_root
    err = _refusal(
        capsys, _write(tmp_path, root, "root.json"), _write(tmp_path, child, "synthetic-child.json")
    )
    assert f"names root change set {other_root}" in err and "synthetic-child.json" in err


def test_a_json_array_given_as_a_change_set_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, [{"ChangeSetId": "x"}], "synthetic-array.json")
    assert "is not a change set object" in _refusal(capsys, path, "--input-format", "cloudformation")


def test_a_change_set_without_changes_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((corpus / SIMPLE).read_text())
    del doc["Changes"]
    assert "has no Changes list" in _refusal(capsys, _write(tmp_path, doc, "synthetic-no-changes.json"))


@pytest.mark.parametrize(
    "keep",
    [("ChangeSetId", "StackId"), ("ChangeSetName", "StackName"), ("ChangeSetId", "StackName")],
    ids=["ids", "names", "id-and-name"],
)
def test_change_set_detected_by_name_or_id(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], keep: tuple[str, str]
) -> None:
    """describe-change-set output always has both; a trimmed copy with either one is still judged, not refused."""
    doc = json.loads((corpus / SIMPLE).read_text())
    for key in ("ChangeSetId", "ChangeSetName", "StackId", "StackName"):
        if key not in keep:
            doc.pop(key)
    assert main(["check", _write(tmp_path, doc, "synthetic-trimmed.json"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"][0]["format"] == "cloudformation"


def test_change_set_detected_with_status_alone(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed "no changes" change set has a Status and no Changes list: still a change set, judged clean."""
    doc = json.loads((corpus / "cloudformation/localstack/failed-no-changes.json").read_text())
    assert "Changes" not in doc or doc["Changes"] in (None, [])
    doc.pop("Changes", None)
    assert main(["check", _write(tmp_path, doc, "synthetic-status-only.json"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"][0]["format"] == "cloudformation"
