"""A unit of a many-stack run planned with `-destroy` is a whole-environment teardown (PL011), however
few resources it held: Terragrunt's git filter plans a removed unit that way.

The plan is real: Terraform applies one `terraform_data` resource, then plans `-destroy` and renders it
with `terraform show -json`. Skipped only when `terraform` is not on PATH.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from planlint.pipeline import run_check

pytestmark = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")


@pytest.fixture(scope="module")
def one_resource_destroy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`terraform show -json` of a real `plan -destroy` that deletes exactly one resource."""
    work = tmp_path_factory.mktemp("unit")
    (work / "main.tf").write_text('resource "terraform_data" "db" {\n  input = "v"\n}\n')
    for step in (
        ["init", "-input=false"],
        ["apply", "-auto-approve", "-input=false"],
        ["plan", "-destroy", "-input=false", "-out=destroy.tfplan"],
    ):
        subprocess.run(["terraform", *step], cwd=work, check=True, capture_output=True)
    shown = subprocess.run(
        ["terraform", "show", "-json", "destroy.tfplan"], cwd=work, check=True, capture_output=True
    )
    plan = work / "plan.json"
    plan.write_bytes(shown.stdout)
    deletes = [
        r for r in json.loads(shown.stdout)["resource_changes"] if r["change"]["actions"] == ["delete"]
    ]
    assert len(deletes) == 1
    return plan


def _teardown(verdict_findings: object) -> list[str]:
    return [f.scope for f in verdict_findings if f.rule_id == "PL011"]  # type: ignore[attr-defined]


def test_single_resource_destroy_of_a_unit_is_a_teardown(one_resource_destroy: Path, tmp_path: Path) -> None:
    unit = tmp_path / "plans" / "live" / "prod" / "removed"
    unit.mkdir(parents=True)
    shutil.copyfile(one_resource_destroy, unit / "tfplan.json")
    verdict = run_check([str(tmp_path / "plans")])
    assert _teardown(verdict.findings) == ["live/prod/removed"]
    assert verdict.decision == "approval_required"
    assert verdict.plans[0].facts.destroy_mode and verdict.plans[0].facts.stack_unit


def test_the_same_plan_on_its_own_keeps_the_threshold(one_resource_destroy: Path, tmp_path: Path) -> None:
    """Outside a many-stack run a one-resource destroy is judged by the per-resource rules alone."""
    assert _teardown(run_check([str(one_resource_destroy)]).findings) == []
    # a loose file next to a plan directory is scoped by its path but is no unit of the run
    (tmp_path / "plans" / "other").mkdir(parents=True)
    shutil.copyfile(one_resource_destroy, tmp_path / "plans" / "other" / "tfplan.json")
    verdict = run_check([str(tmp_path / "plans"), str(one_resource_destroy)])
    assert _teardown(verdict.findings) == ["other"]
