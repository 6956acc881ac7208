"""`planlint guard -- terragrunt run --all -- apply|destroy` end to end: every unit planned into guard's private
directory, judged as one verdict with the run report, and exactly those plans applied, or refused.

Terragrunt itself is a SYNTHETIC test double (tests/guard/fake_terragrunt.py: terragrunt cannot be installed
here); it drives the REAL `terraform` in each unit, so plans, saved plan files and applies are real. Skipped
only when `terraform` is not on PATH.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from .fake_terragrunt import install, read_log
from .guard_rig import GuardRig
from .test_guard_terraform import _approve, _trust

pytestmark = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
UNITS = {"live/prod/app": "web", "live/prod/db": "db", "live/stage/app": "web"}


class Rig(GuardRig):
    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path, "FAKE_TG_LOG")
        for unit, name in UNITS.items():
            (self.work / unit).mkdir(parents=True)
            (self.work / unit / "terragrunt.hcl").write_text("# synthetic unit\n")
            (self.work / unit / "main.tf").write_text(
                f'resource "terraform_data" "{name}" {{\n  input = "v"\n}}\n'
            )
        install(self.bin, sys.executable)

    def calls(self) -> list[dict[str, object]]:
        return read_log(self.log)

    def resources(self, unit: str) -> list[str]:
        state = self.work / unit / "terraform.tfstate"
        if not state.exists():
            return []
        return [r["name"] for r in json.loads(state.read_text())["resources"]]


@pytest.fixture()
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


def _option(argv: list[str], name: str) -> str:
    return next(a.split("=", 1)[1] for a in argv if a.startswith(name + "="))


def _applied(rig: Rig) -> Rig:
    proc = rig.guard("--", "terragrunt", "run", "--all", "--", "apply")
    assert proc.returncode == 0, proc.stderr
    return rig


def test_a_harmless_apply_plans_every_unit_privately_and_applies_exactly_those_plans(rig: Rig) -> None:
    _applied(rig)
    plan, apply = rig.calls()
    plan_argv, apply_argv = list(plan["argv"]), list(apply["argv"])  # type: ignore[call-overload]
    plans = _option(plan_argv, "--out-dir")
    assert _option(plan_argv, "--json-out-dir") == plans and not Path(plans).is_relative_to(rig.work)
    assert plan_argv[-2:] == ["--", "plan"] and "--non-interactive" in plan_argv
    assert _option(apply_argv, "--out-dir") == plans and apply_argv[-2:] == ["--", "apply"]
    # every unit applied its own saved plan, and the private directory is gone
    assert [u for u, _ in apply["units"]] == sorted(UNITS)  # type: ignore[union-attr]
    assert all(tf[-1] == f"{plans}/{u}/tfplan.tfplan" for u, tf in apply["units"])  # type: ignore[union-attr]
    assert not Path(plans).exists()
    assert {u: rig.resources(u) for u in UNITS} == {u: [n] for u, n in UNITS.items()}


def test_destroy_of_every_unit_is_refused_then_applied_in_destroy_order_once_approved(rig: Rig) -> None:
    _applied(rig)
    keys = _trust(rig)  # type: ignore[arg-type]
    refused = rig.guard("--", "terragrunt", "run", "--all", "--", "destroy")
    assert refused.returncode == 10, refused.stderr
    # one resource per unit: each unit's destroy-mode plan is still its whole-environment teardown
    assert refused.stderr.count("PL011") == len(UNITS)
    assert all(rig.resources(u) for u in UNITS)
    assert [list(c["argv"])[-2:] for c in rig.calls()][-1] == ["plan", "-destroy"]  # type: ignore[call-overload]
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "ok.json")  # type: ignore[arg-type]
    done = rig.guard("--approval", str(approval), "--", "terragrunt", "run", "--all", "--", "destroy")
    assert done.returncode == 0, done.stderr
    apply = rig.calls()[-1]
    assert list(apply["argv"])[-3:] == ["--", "apply", "-destroy"]  # type: ignore[call-overload]
    assert [u for u, _ in apply["units"]] == sorted(UNITS, reverse=True)  # type: ignore[union-attr]
    assert not any(rig.resources(u) for u in UNITS)


@pytest.mark.parametrize(
    "argv",
    [["run-all", "destroy"], ["destroy", "--all"], ["--all", "run", "--", "destroy"], ["run", "--all", "destroy"],
     ["run", "-a", "--", "apply", "-destroy"]],
)  # fmt: skip
def test_every_spelling_plans_the_destroy_of_every_unit(rig: Rig, argv: list[str]) -> None:
    _applied(rig)
    proc = rig.guard("--", "terragrunt", *argv)
    assert proc.returncode == 10, proc.stderr
    assert list(rig.calls()[-1]["argv"])[-2:] == ["plan", "-destroy"]  # type: ignore[call-overload]


def test_a_failed_unit_refuses_the_set_and_applies_nothing(rig: Rig) -> None:
    proc = rig.guard("--", "terragrunt", "run", "--all", "--", "apply", FAKE_TG_FAIL_UNIT="live/prod/db")
    assert proc.returncode == 14 and "live/prod/db (failed)" in proc.stderr
    assert len(rig.calls()) == 1 and not any(rig.resources(u) for u in UNITS)


def test_a_unit_that_left_no_plan_refuses_the_set(rig: Rig) -> None:
    proc = rig.guard("--", "terragrunt", "run", "--all", "--", "apply", FAKE_TG_NO_JSON_UNIT="live/stage/app")
    # its binary plan is there, its JSON plan is not: the set is refused before the run report is read
    assert proc.returncode == 2 and "unit live/stage/app left no JSON plan" in proc.stderr
    assert len(rig.calls()) == 1 and not any(rig.resources(u) for u in UNITS)


def test_an_excluded_unit_is_left_alone_and_the_rest_applied(rig: Rig) -> None:
    proc = rig.guard("--", "terragrunt", "run", "--all", "--queue-exclude-dir=live/prod/db", "--", "apply")
    assert proc.returncode == 0, proc.stderr
    assert rig.resources("live/prod/db") == [] and rig.resources("live/prod/app") == ["web"]


def test_guard_owns_the_plan_directory(rig: Rig) -> None:
    proc = rig.guard("--", "terragrunt", "run", "--all", "--out-dir=/tmp/mine", "--", "apply")
    assert proc.returncode == 2 and "--out-dir" in proc.stderr
    assert rig.calls() == []
