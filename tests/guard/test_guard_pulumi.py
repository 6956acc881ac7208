"""`planlint guard -- pulumi up|destroy …` end to end, as subprocesses, against a SYNTHETIC fake `pulumi`
(tests/guard/fake_pulumi.py: the real CLI cannot be installed here) that answers with the synthetic
previews in tests/fixtures/pulumi."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from .fake_pulumi import install, read_log
from .guard_rig import GuardRig
from .test_guard_terraform import _approve, _trust

PREVIEWS = Path(__file__).resolve().parents[1] / "fixtures" / "pulumi"
HARMLESS = PREVIEWS / "synthetic-update-only.json"
REPLACES_DB = PREVIEWS / "synthetic-replace-with-reasons.json"
DESTROY = PREVIEWS / "synthetic-destroy-preview.json"


class Rig(GuardRig):
    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path, "FAKE_PULUMI_LOG")
        install(self.bin, sys.executable)
        self.env |= {
            "FAKE_PULUMI_PREVIEW": str(HARMLESS),
            "FAKE_PULUMI_DESTROY_PREVIEWS": str(DESTROY),
            "PULUMI_BACKEND_URL": "s3://user:secret@state-bucket/shop",
        }

    def calls(self) -> list[list[str]]:
        return [list(c["argv"]) for c in read_log(self.log)]  # type: ignore[call-overload]


@pytest.fixture()
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


def _value(argv: list[str], name: str) -> str:
    return next(a.split("=", 1)[1] for a in argv if a.startswith(name + "="))


def test_harmless_up_is_previewed_privately_and_run_constrained_to_that_plan(rig: Rig) -> None:
    proc = rig.guard("--", "pulumi", "-s", "prod", "up", "--yes", "--target", "urn:a", "-f",
                     PULUMI_ENABLE_STREAMING_JSON_PREVIEW="true")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    preview, run = rig.calls()
    assert preview[:3] == ["-s", "prod", "preview"] and "--json" in preview
    assert "--yes" not in preview and "-f" not in preview and preview[3:5] == ["--target", "urn:a"]
    plan = Path(_value(preview, "--save-plan"))
    assert not plan.is_relative_to(rig.work) and not plan.exists()  # private, and gone afterwards
    assert run[:3] == ["-s", "prod", "up"] and run[-1] == "--yes" and "-f" not in run
    assert _value(run, "--plan") == str(plan) and run[3:5] == ["--target", "urn:a"]
    (entry,) = [c for c in read_log(rig.log) if "up" in c["argv"]]  # type: ignore[operator]
    assert json.loads(str(entry["plan"])) == {"synthetic_fake_pulumi_plan": str(HARMLESS)}
    assert not any(c["streaming"] for c in read_log(rig.log))  # one JSON document, never the event stream
    assert "constrained to the judged plan" in proc.stderr


def test_destructive_up_is_refused_with_the_approval_to_ask_for(rig: Rig) -> None:
    proc = rig.guard("--", "pulumi", "up", "--yes", FAKE_PULUMI_PREVIEW=str(REPLACES_DB))
    assert proc.returncode == 10, proc.stderr
    assert "orders-db" in proc.stderr and "planlint approve pl1:" in proc.stderr
    scope = proc.stderr.split("scope:", 1)[1].splitlines()[0]
    assert "stack=shop/prod" in scope and "backend=s3://state-bucket/shop" in scope
    assert "secret" not in proc.stderr  # the backend URL's credentials are never shown
    assert [c[0] for c in rig.calls()] == ["preview"]  # nothing ran


def test_an_approved_up_runs_once(rig: Rig) -> None:
    keys = _trust(rig)  # type: ignore[arg-type]
    refused = rig.guard("--", "pulumi", "up", FAKE_PULUMI_PREVIEW=str(REPLACES_DB))
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "ok.json")  # type: ignore[arg-type]
    ran = rig.guard("--approval", str(approval), "--", "pulumi", "up", FAKE_PULUMI_PREVIEW=str(REPLACES_DB),
                    FAKE_PULUMI_RUN_EXIT="3")  # fmt: skip
    assert ran.returncode == 3, ran.stderr  # Pulumi's own exit code
    assert "approved by alice" in ran.stderr
    again = rig.guard("--approval", str(approval), "--", "pulumi", "up", FAKE_PULUMI_PREVIEW=str(REPLACES_DB))
    assert again.returncode == 12 and "already used" in again.stderr
    assert [c[0] for c in rig.calls()].count("up") == 1


def test_destroy_binds_the_previewed_digest_and_stack(rig: Rig) -> None:
    keys = _trust(rig)  # type: ignore[arg-type]
    refused = rig.guard("--", "pulumi", "destroy", "--yes", "--remove", "-s", "prod")
    assert refused.returncode == 10, refused.stderr
    assert "approval binds this preview's digest and the stack" in refused.stderr
    (preview,) = rig.calls()
    assert preview[:1] == ["destroy"] and preview[-2:] == ["--preview-only", "--json"]
    assert "--remove" not in preview and "--yes" not in preview  # a preview-only --remove removes the stack
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "ok.json")  # type: ignore[arg-type]
    ran = rig.guard("--approval", str(approval), "--", "pulumi", "destroy", "--yes", "--remove", "-s", "prod")
    assert ran.returncode == 0, ran.stderr
    calls = rig.calls()[1:]
    assert [("--preview-only" in c) for c in calls] == [True, True, False]  # judged, re-checked, run
    assert calls[-1] == ["destroy", "--remove", "-s", "prod", "--yes"]


def test_a_destroy_that_previews_differently_before_running_is_refused(rig: Rig, tmp_path: Path) -> None:
    keys = _trust(rig)  # type: ignore[arg-type]
    doc = json.loads(DESTROY.read_text())
    doc["steps"] = [s for s in doc["steps"] if not s["urn"].endswith("::web")]  # synthetic: one delete fewer
    doc["changeSummary"]["delete"] -= 1  # ... counted as Pulumi counts it
    smaller = tmp_path / "smaller-destroy.json"
    smaller.write_text(json.dumps(doc))
    refused = rig.guard("--", "pulumi", "destroy", FAKE_PULUMI_DESTROY_PREVIEWS=str(smaller))
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "ok.json")  # type: ignore[arg-type]
    # the stack gains a resource between guard's judging preview and its last check: nothing is destroyed
    previews = os.pathsep.join([str(smaller), str(DESTROY)])
    Path(f"{rig.log}.destroy-previews").unlink()  # the fake's preview counter starts again
    ran = rig.guard(
        "--approval", str(approval), "--", "pulumi", "destroy", FAKE_PULUMI_DESTROY_PREVIEWS=previews
    )
    assert ran.returncode == 15, ran.stderr
    assert "previews differently" in ran.stderr
    assert all("--preview-only" in c for c in rig.calls())


def test_a_failing_preview_runs_nothing(rig: Rig) -> None:
    proc = rig.guard("--", "pulumi", "up", "--yes", FAKE_PULUMI_FAIL="1")
    assert proc.returncode == 14 and "planning failed" in proc.stderr
    assert [c[0] for c in rig.calls()] == ["preview"]


def test_a_preview_with_error_diagnostics_fails_closed(rig: Rig) -> None:
    proc = rig.guard(
        "--", "pulumi", "up", FAKE_PULUMI_PREVIEW=str(PREVIEWS / "synthetic-failed-preview.json")
    )
    assert proc.returncode == 2, proc.stderr
    assert "up" not in [c[0] for c in rig.calls()]


def test_weakened_protection_needs_approval(rig: Rig) -> None:
    weakened = PREVIEWS / "synthetic-protection-weakened.json"
    proc = rig.guard("--", "pulumi", "up", "--yes", FAKE_PULUMI_PREVIEW=str(weakened))
    assert proc.returncode == 10 and "PL070" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [["stack", "rm", "prod", "--yes"], ["state", "delete", "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::a"],
     ["cancel", "--yes"], ["refresh", "--yes"], ["up", "--remote"]],
)  # fmt: skip
def test_state_surgery_and_unpreviewable_commands_need_an_approval_of_the_command(
    rig: Rig, argv: list[str]
) -> None:
    proc = rig.guard("--", "pulumi", *argv)
    assert proc.returncode == 10, proc.stderr
    assert "planlint approve cmd1:" in proc.stderr and "backend=s3://state-bucket/shop" in proc.stderr
    assert rig.calls() == []


@pytest.mark.parametrize(
    "argv", [["preview", "--json"], ["stack", "ls"], ["destroy", "--preview-only"], ["-s", "prod", "pre"]]
)
def test_read_only_commands_run_untouched(rig: Rig, argv: list[str]) -> None:
    proc = rig.guard("--", "pulumi", *argv, FAKE_PULUMI_PREVIEW=str(REPLACES_DB))
    assert proc.returncode == 0, proc.stderr
    assert rig.calls() == [argv]


@pytest.mark.parametrize(
    ("line", "next_step"),
    [("pulumi up --yes", "it plans, shows what would be destroyed"),
     ("pulumi -s prod destroy -y", "it plans, shows what would be destroyed"),
     ("pulumi state delete urn:pulumi:prod::shop::aws:rds/instance:Instance::db", "prints the digest"),
     ("pulumi stack rm prod", "prints the digest")],
)  # fmt: skip
def test_the_hook_denies_pulumi_outside_guard_and_names_the_guard_form(line: str, next_step: str) -> None:
    from planlint.guard.screen import screen

    screening = screen(line)
    assert screening.deny
    assert f"planlint guard -- {line}" in screening.reason and next_step in screening.reason
