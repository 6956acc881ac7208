"""What a change set's ExecutionStatus tells the reader, through `planlint check --format json`: a change set
that cannot be executed as it is (already executed, failed, obsolete) says so in the input's notes and
facts; an executable one, an empty "no changes" one and an old one without the field say nothing. Real
corpus change sets, ExecutionStatus edited where named synthetic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

SIMPLE = "cloudformation/aws-cli-examples/describe-change-set.json"  # AVAILABLE
NO_CHANGES = "cloudformation/localstack/failed-no-changes.json"  # FAILED "no changes", UNAVAILABLE
NO_FIELD = "cloudformation/ankon-explain-cloudformation-changeset/SampleChangeSet.json"  # no ExecutionStatus


def _input(capsys: pytest.CaptureFixture[str], path: Path | str) -> dict[str, Any]:
    assert main(["check", str(path), "--format", "json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    (plan,) = report["inputs"]
    return plan


def _execution_notes(plan: dict[str, Any]) -> list[str]:
    return [n for n in plan["notes"] if n.startswith("ExecutionStatus")]


@pytest.mark.parametrize("status", ["EXECUTE_COMPLETE", "EXECUTE_FAILED", "OBSOLETE", "UNAVAILABLE"])
def test_a_change_set_that_cannot_be_executed_says_so(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    doc = json.loads((corpus / SIMPLE).read_text())
    doc["ExecutionStatus"] = status
    path = tmp_path / f"synthetic-{status}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    plan = _input(capsys, path)
    assert _execution_notes(plan) == [
        f"ExecutionStatus {status}: this change set cannot be executed as it is"
    ]
    assert plan["facts"]["applyable"] is False


def test_an_executable_change_set_says_nothing_about_it(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _input(capsys, corpus / SIMPLE)
    assert _execution_notes(plan) == [] and plan["facts"]["applyable"] is True


def test_an_empty_change_set_is_not_called_unexecutable(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CloudFormation marks a "no changes" change set UNAVAILABLE; there is nothing to execute anyway."""
    plan = _input(capsys, corpus / NO_CHANGES)
    assert _execution_notes(plan) == []
    assert plan["notes"] == [
        "CloudFormation reported no changes: The submitted information didn't contain changes. "
        "Submit different information to create a change set."
    ]


def test_an_old_change_set_without_the_field_leaves_it_unknown(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _input(capsys, corpus / NO_FIELD)
    assert _execution_notes(plan) == [] and plan["facts"]["applyable"] is None
