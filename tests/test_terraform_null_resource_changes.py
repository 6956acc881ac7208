"""`resource_changes: null` is refused; an absent `resource_changes` is a plan without changes.

Terraform writes `resource_changes` with `omitempty` (internal/command/jsonplan `plan.ResourceChanges`,
a Go slice): a plan without changes omits it, one with changes lists them; `null` is never written, so a
plan saying it was edited or cut. Built from a real corpus plan, edited (synthetic).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main

BASIC_DELETE = "terraform/terraform/show-json__basic-delete__output.json"


def test_null_resource_changes_is_refused_even_when_the_plan_looks_whole(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((corpus / BASIC_DELETE).read_text())
    assert doc["resource_changes"]  # the real plan deletes something
    doc["resource_changes"] = None
    path = tmp_path / "synthetic-null-resource-changes.json"
    path.write_text(json.dumps(doc))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"planlint: error: {path}: `resource_changes` is null, which terraform never writes (a plan without "
        "changes omits it); the plan was edited or cut: run `terraform show -json` on the plan file again\n"
    )


def test_absent_resource_changes_is_a_plan_without_changes(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((corpus / BASIC_DELETE).read_text())
    del doc["resource_changes"]
    path = tmp_path / "synthetic-no-resource-changes.json"
    path.write_text(json.dumps(doc))
    assert main(["check", str(path), "--format", "json"]) == 0
    (plan,) = json.loads(capsys.readouterr().out)["inputs"]
    assert plan["format"] == "terraform" and plan["changes"] == 0
