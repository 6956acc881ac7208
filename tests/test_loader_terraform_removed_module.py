"""A removed `module` block: Terraform 1.11 gives its resources `delete_because_no_resource_config`, and
planlint tells the module is gone from the plan's `configuration` (PL012). A `configuration` that is not
the shape `terraform show -json` writes is refused (exit 2, the file named); a plan without one (hand-made,
cut down) is still judged, never refused for it.

The plan is real Terraform 1.11 output (`terraform_data` only, no provider download); the edits of it are
labelled synthetic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from tests.test_real_terraform import TERRAFORM, Shape, real_plan

pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")

KEEP = 'resource "terraform_data" "keep" {\n  input = "v"\n}\n'
MODULE = {
    "mod/main.tf": "".join(
        f'resource "terraform_data" "{n}" {{\n  input = "v"\n}}\n' for n in ("one", "two", "three")
    )
}
GONE = {f"module.store.terraform_data.{n}" for n in ("one", "two", "three")}
# terraform_data classed as data, so the deletes are gated whether or not the module's removal is seen
POLICY = "stateful_types:\n  terraform_data: data\n"


@pytest.fixture(scope="module")
def removed_module_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Apply a root resource plus `module "store"` (three resources), then plan without the module block."""
    root = tmp_path_factory.mktemp("removed-module") / "tf"
    first = KEEP + 'module "store" {\n  source = "./mod"\n}\n'
    shape = Shape("module removed", first, KEEP, "GATE", extra_files=MODULE)
    doc: dict[str, Any] = json.loads(real_plan(root, shape).read_text(encoding="utf-8"))
    return doc


def _check(
    doc: dict[str, Any], tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str], *policy: str
) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["check", "--format", "json", *policy, str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def _gated(out: str) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["address"]) for f in json.loads(out)["findings"] if f["gated"]}


def test_real_removed_module_is_gated_as_a_removed_module(
    removed_module_plan: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reasons = {c["address"]: c.get("action_reason") for c in removed_module_plan["resource_changes"]}
    assert reasons == {
        "terraform_data.keep": None,
        **dict.fromkeys(GONE, "delete_because_no_resource_config"),
    }
    code, out, err = _check(removed_module_plan, tmp_path, "plan.json", capsys)
    assert code == 1, err
    assert _gated(out) == {("PL012", a) for a in GONE}


@pytest.mark.parametrize(
    "configuration",
    [
        pytest.param([], id="a list"),
        pytest.param({"root_module": {"module_calls": ["store"]}}, id="module_calls a list"),
        pytest.param(
            {"root_module": {"module_calls": {"store": {"module": "./mod"}}}}, id="a call's module a string"
        ),
    ],
)
def test_malformed_configuration_is_refused(
    removed_module_plan: dict[str, Any],
    configuration: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Synthetic edit: the real plan's `configuration` replaced by a shape Terraform never writes."""
    doc = {**removed_module_plan, "configuration": configuration}
    code, out, err = _check(doc, tmp_path, "synthetic-bad-configuration.json", capsys)
    assert code == 2
    assert json.loads(out)["decision"] == "error"
    assert err == (
        f"planlint: error: {tmp_path / 'synthetic-bad-configuration.json'}: "
        "configuration is not an object of modules and module calls\n"
    )


def test_plan_without_configuration_is_judged(
    removed_module_plan: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic edit: `configuration` cut out. Nothing tells the module call is gone, but the plan is judged:
    its stateful deletes are gated (PL001), not refused for the missing section."""
    doc = {k: v for k, v in removed_module_plan.items() if k != "configuration"}
    policy = tmp_path / ".planlint.yml"
    policy.write_text(POLICY, encoding="utf-8")
    code, out, err = _check(doc, tmp_path, "synthetic-no-configuration.json", capsys, "--config", str(policy))
    assert code == 1, err
    assert _gated(out) == {("PL001", a) for a in GONE}
