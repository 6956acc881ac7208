"""An OpenTofu plan is reported as OpenTofu even when some of its resources use the built-in provider.

OpenTofu's built-in provider keeps Terraform's address, `terraform.io/builtin/terraform` (OpenTofu docs,
"Built-in Provider"), so a real OpenTofu plan mixes it with `registry.opentofu.org/...` providers. The base
plan is a real `tofu show -json` from the corpus; the added `terraform_data` change and the update turned
into a no-op are labelled synthetic edits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main

TOFU_PLAN = "terraform/opentofu/show-json-identity__update__output.json"
BUILTIN_CHANGE = {
    "address": "terraform_data.marker",
    "mode": "managed",
    "type": "terraform_data",
    "name": "marker",
    "provider_name": "terraform.io/builtin/terraform",
    "change": {"actions": ["no-op"], "before": {"input": "v"}, "after": {"input": "v"}},
}


def _heading(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["check", "--no-color", str(path)]) == 0
    return next(line for line in capsys.readouterr().out.splitlines() if line.startswith(str(path)))


def test_tofu_plan_is_named_opentofu(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus / TOFU_PLAN
    assert _heading(path, capsys) == f"{path}  (opentofu 1.12.0-dev, format 1.2)"


def test_tofu_plan_with_a_builtin_provider_resource_is_still_opentofu(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((corpus / TOFU_PLAN).read_text(encoding="utf-8"))
    doc["resource_changes"].append(BUILTIN_CHANGE)
    path = tmp_path / "synthetic-tofu-with-terraform-data.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert _heading(path, capsys) == f"{path}  (opentofu 1.12.0-dev, format 1.2)"


def test_tofu_plan_with_nothing_to_do_is_still_opentofu(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic edit: the plan's one change made a no-op (a plan with nothing to do). No rule can match it,
    so the loader only counts it; the plan is still named for the tool that wrote it."""
    doc = json.loads((corpus / TOFU_PLAN).read_text(encoding="utf-8"))
    change = doc["resource_changes"][0]["change"]
    change.update(actions=["no-op"], after=change["before"])
    doc["resource_changes"].append(BUILTIN_CHANGE)
    path = tmp_path / "synthetic-tofu-no-op.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert _heading(path, capsys) == f"{path}  (opentofu 1.12.0-dev, format 1.2)"
