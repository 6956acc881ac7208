"""`planlint check DIR`: every file below a plan directory is read, refused naming it, or listed as skipped.

Stacks are a real corpus plan copied into synthetic layouts (Terragrunt's `DIR/<unit>/tfplan.json`, with
`--out-dir`'s binary `tfplan.tfplan` beside it, or one plan per stack); nothing below the directory may be
dropped silently (planlint/stack_files.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planlint.cli import main

DESTROY_PLAN = "terraform/snyk-cli/tf-plan-destroy.json"


@pytest.fixture
def plan(corpus: Path) -> Path:
    return corpus / DESTROY_PLAN


def _put(plan: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plan, target)
    return target


def _refusal(capsys: pytest.CaptureFixture[str], root: Path) -> str:
    assert main(["check", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"planlint: error: {root}: ") and err.count("\n") == 1, err
    return err


def _inputs(capsys: pytest.CaptureFixture[str], root: Path) -> list[dict[str, object]]:
    assert main(["check", str(root), "--format", "json"]) in (0, 1)
    inputs: list[dict[str, object]] = json.loads(capsys.readouterr().out)["inputs"]
    return inputs


def test_a_plan_beside_terragrunts_layout_is_refused_not_dropped(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(plan, tmp_path / "stackA" / "tfplan.json")
    _put(plan, tmp_path / "stackB" / "plan.json")
    err = _refusal(capsys, tmp_path)
    assert "stackB/plan.json is not a Terragrunt plan (tfplan.json) in a directory of Terragrunt plans" in err


def test_terragrunts_binary_twin_is_the_same_plan_but_a_lone_binary_is_refused(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(plan, tmp_path / "live" / "db" / "tfplan.json")
    (tmp_path / "live" / "db" / "tfplan.tfplan").write_bytes(b"PK synthetic binary plan")
    inputs = _inputs(capsys, tmp_path)
    assert [i["scope"] for i in inputs] == ["live/db"] and inputs[0]["notes"] == []
    _put(plan, tmp_path / "live" / "web" / "tfplan.tfplan")  # web's JSON plan is missing
    err = _refusal(capsys, tmp_path)
    assert (
        "live/web/tfplan.tfplan is a binary plan without its tfplan.json: unit live/web left no JSON plan"
        in err
    )


@pytest.mark.parametrize("hidden", [".prod/plan.json", ".terragrunt-cache/x/tfplan.json", "prod/.plan.json"])
def test_a_json_file_in_a_hidden_place_is_refused(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], hidden: str
) -> None:
    _put(plan, tmp_path / "dev" / "plan.json")
    _put(plan, tmp_path / hidden)
    assert f"{hidden} is a JSON file in a hidden place" in _refusal(capsys, tmp_path)


@pytest.mark.parametrize("name", ["plan.txt", "tfplan.json.bak", "README.md"])
def test_a_file_that_is_not_a_plan_json_is_refused(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    _put(plan, tmp_path / "dev" / "plan.json")
    _put(plan, tmp_path / "prod" / name)
    assert f"prod/{name} is not a plan JSON (*.json)" in _refusal(capsys, tmp_path)


def test_a_plan_json_in_capitals_is_read_as_its_stack(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(plan, tmp_path / "dev" / "plan.json")
    _put(plan, tmp_path / "prod" / "PLAN.JSON")
    _put(plan, tmp_path / "edge" / "Network.Json")
    assert sorted(str(i["scope"]) for i in _inputs(capsys, tmp_path)) == ["dev", "edge/Network", "prod"]


def test_version_control_and_hidden_non_plans_are_skipped_and_listed(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(plan, tmp_path / "dev" / "plan.json")
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "info.json").write_text("{}")  # never read: version control
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / ".terragrunt-cache").mkdir()
    (tmp_path / ".terragrunt-cache" / "terragrunt.hcl").write_text("")
    (inputs,) = _inputs(capsys, tmp_path)
    assert inputs["notes"] == [
        f"{tmp_path}: skipped 3 file(s) that are not plans: .DS_Store, .git/, .terragrunt-cache/terragrunt.hcl"
    ]


@pytest.mark.parametrize("inside", [False, True])
def test_a_symlinked_stack_is_refused_naming_where_it_points(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: bool
) -> None:
    root = tmp_path / "stacks"
    _put(plan, root / "dev" / "plan.json")
    elsewhere = _put(plan, (root if inside else tmp_path / "other") / "real" / "plan.json").parent
    (root / "prod").symlink_to(elsewhere, target_is_directory=True)
    err = _refusal(capsys, root)
    where = "inside" if inside else "outside"
    assert f"prod is a symlink to {elsewhere} ({where} the directory); planlint follows no symlink" in err


def test_a_symlinked_plan_file_is_refused(
    plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "stacks"
    _put(plan, root / "dev" / "plan.json")
    (root / "prod").mkdir()
    (root / "prod" / "plan.json").symlink_to(plan)
    assert f"prod/plan.json is a symlink to {plan.resolve()} (outside the directory)" in _refusal(
        capsys, root
    )
