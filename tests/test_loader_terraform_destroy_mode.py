"""A destroy-mode plan (`terraform plan -destroy`) is a teardown: every delete it carries is gated by PL011.

The loader tells destroy mode from what the plan JSON records (no managed resource left in
`planned_values`, deletes without an `action_reason`). The plans here are real Terraform 1.11 output
(`terraform_data` only, no provider download); the one edit, labelled synthetic, gives a single delete of
a real destroy-mode plan a reason of its own, which must not turn the teardown into an ordinary plan.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from tests.test_real_terraform import TERRAFORM, Shape, real_plan

pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")

TWO = 'resource "terraform_data" "a" {\n  input = "v"\n}\nresource "terraform_data" "b" {\n  input = "v"\n}\n'


@pytest.fixture(scope="module")
def destroy_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`terraform plan -destroy` of two applied `terraform_data` resources, as `show -json` wrote it."""
    root = tmp_path_factory.mktemp("destroy") / "tf"
    shape = Shape("-destroy", TWO, TWO, "GATE", plan_args=("-destroy",))
    doc: dict[str, Any] = json.loads(real_plan(root, shape).read_text(encoding="utf-8"))
    return doc


def _check(doc: dict[str, Any], path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["check", "--format", "json", str(path)])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, report


def _gated(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["address"]) for f in report["findings"] if f["gated"]}


def test_real_destroy_mode_plan_is_a_teardown(
    destroy_plan: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = destroy_plan["resource_changes"]
    assert [(c["address"], c["change"]["actions"], c.get("action_reason")) for c in changes] == [
        ("terraform_data.a", ["delete"], None),
        ("terraform_data.b", ["delete"], None),
    ]
    code, report = _check(destroy_plan, tmp_path / "plan.json", capsys)
    assert code == 1
    assert _gated(report) == {("PL011", "terraform_data.a"), ("PL011", "terraform_data.b")}


def test_one_delete_with_a_reason_keeps_the_teardown_gated(
    destroy_plan: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic edit: one delete of the real destroy-mode plan says it is gone from the configuration.

    The plan still keeps no managed resource and the other delete has no reason of its own: a
    teardown. Read as an ordinary plan, two stateless deletes would pass (PL010 wants five).
    """
    doc = json.loads(json.dumps(destroy_plan))
    doc["resource_changes"][1]["action_reason"] = "delete_because_no_resource_config"
    code, report = _check(doc, tmp_path / "synthetic-destroy-one-reason.json", capsys)
    assert code == 1
    assert _gated(report) == {("PL011", "terraform_data.a"), ("PL011", "terraform_data.b")}


def test_plan_that_manages_nothing_is_not_destroy_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real plan of a configuration with only an output: `planned_values` keeps no managed resource, but
    nothing is deleted, so the report says no destroy mode."""
    shape = Shape(
        "outputs only", 'output "x" {\n  value = "v"\n}\n', 'output "x" {\n  value = "w"\n}\n', "PASS"
    )
    doc = json.loads(real_plan(tmp_path / "tf", shape).read_text(encoding="utf-8"))
    code, report = _check(doc, tmp_path / "plan.json", capsys)
    assert code == 0
    assert report["inputs"][0]["facts"]["destroy_mode"] is False
    assert main(["check", "--no-color", str(tmp_path / "plan.json")]) == 0
    assert "destroy" not in capsys.readouterr().out.lower()


# What Terraform 1.11 writes for `removed { from = terraform_data.kept  lifecycle { destroy = false } }`
FORGET = {
    "address": "terraform_data.kept",
    "mode": "managed",
    "type": "terraform_data",
    "name": "kept",
    "provider_name": "terraform.io/builtin/terraform",
    "change": {"actions": ["forget"], "before": {"input": "v"}, "after": None},
    "action_reason": "delete_because_no_resource_config",
}


def test_cut_down_destroy_plan_with_a_forget_is_still_a_teardown(
    destroy_plan: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic edit: the real destroy-mode plan without `planned_values` (cut down, as hand-made plans
    are), plus a forget. Every delete without a reason still makes it a teardown; a forget destroys
    nothing and does not change that."""
    doc = {k: v for k, v in destroy_plan.items() if k != "planned_values"}
    doc["resource_changes"] = [*destroy_plan["resource_changes"], FORGET]
    code, report = _check(doc, tmp_path / "synthetic-destroy-cut-down-forget.json", capsys)
    assert code == 1
    assert _gated(report) == {("PL011", "terraform_data.a"), ("PL011", "terraform_data.b")}
