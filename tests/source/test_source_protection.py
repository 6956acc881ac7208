"""Protections removed between two source trees, with and without a plan, through the real pipeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.model import Finding
from planlint.pipeline import run_check
from planlint.source.protection import weakened

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "source"
HEAD = str(FIXTURES / "synthetic-head")
BASE = str(FIXTURES / "synthetic-base")
PLAN = str(FIXTURES / "synthetic-plan.json")


def _by_rule(findings: tuple[Finding, ...], rule_id: str) -> dict[str, Finding]:
    return {f.address: f for f in findings if f.rule_id == rule_id}


def test_source_alone_reports_removed_protections_and_implied_deletes() -> None:
    verdict = run_check([], source=HEAD, base_source=BASE)
    assert verdict.decision == "approval_required"
    protections = _by_rule(verdict.findings, "PL060")
    assert sorted(protections) == ["aws_db_instance.legacy", "aws_db_instance.main"]
    assert protections["aws_db_instance.main"].reason == "source_prevent_destroy_removed"
    # attribute protections turned off in source are judged by the same rules as a plan's update
    assert list(_by_rule(verdict.findings, "PL014")) == ["aws_db_instance.main"]
    # PL014's reason is the weakened protection, whatever else the same block lost
    assert _by_rule(verdict.findings, "PL014")["aws_db_instance.main"].reason == "source_protection_weakened"
    force_destroy = _by_rule(verdict.findings, "PL016")["aws_s3_bucket.logs"]
    assert force_destroy.reason == "source_protection_weakened"
    assert force_destroy.location is not None and force_destroy.location.path.endswith(
        "synthetic-head/storage.tf"
    )
    # the block carrying prevent_destroy was deleted: located in the base checkout, where it was
    assert protections["aws_db_instance.legacy"].location is not None
    assert protections["aws_db_instance.legacy"].location.path.endswith("synthetic-base/main.tf")
    deletes = _by_rule(verdict.findings, "PL001")
    # legacy: block deleted; scratch: `removed` with destroy = true. Not sessions (destroy = false: forgotten),
    # not old_name (moved to assets), not aws_iam_role.ci (deleted, but not stateful).
    assert sorted(deletes) == ["aws_db_instance.legacy", "aws_ebs_volume.scratch"]
    assert deletes["aws_ebs_volume.scratch"].reason == "source_removed_destroy"
    assert deletes["aws_db_instance.legacy"].reason == "source_block_deleted"
    source_plan = verdict.plans[-1]
    assert source_plan.tool == "terraform-source"
    assert any("not from a terraform plan" in note for note in source_plan.notes)
    deleted = {c.address for c in source_plan.changes if c.reason == "source_block_deleted"}
    assert deleted == {"aws_db_instance.legacy", "aws_iam_role.ci"}


def test_protection_details_name_what_changed() -> None:
    verdict = run_check([], source=HEAD, base_source=BASE)
    changes = {c.address: c for c in verdict.plans[-1].changes if c.reason == "source_protection_weakened"}
    removed = {
        c.address: c for c in verdict.plans[-1].changes if c.reason == "source_prevent_destroy_removed"
    }
    # one change per reason: prevent_destroy's loss (PL060) apart from the provider-side protection (PL014)
    assert "lifecycle.prevent_destroy: true -> unset" in " ".join(removed["aws_db_instance.main"].details)
    assert "deletion_protection: true -> false" in " ".join(changes["aws_db_instance.main"].details)
    assert "deletion_protection" not in " ".join(removed["aws_db_instance.main"].details)
    assert changes["aws_db_instance.main"].actions == ("update",)  # deletion_protection is a real update
    changes["aws_db_instance.legacy"] = removed["aws_db_instance.legacy"]
    assert changes["aws_db_instance.legacy"].actions == (
        "no-op",
    )  # prevent_destroy alone changes no cloud object
    assert "force_destroy: false -> true" in " ".join(changes["aws_s3_bucket.logs"].details)


def test_source_without_base_reports_only_removed_blocks_that_destroy() -> None:
    verdict = run_check([], source=HEAD)
    assert [(f.rule_id, f.address) for f in verdict.findings] == [("PL001", "aws_ebs_volume.scratch")]
    # and says so: nothing was compared, so "base vs head" would be a claim it did not check
    notes = verdict.plans[-1].notes
    assert any(note.startswith("no base to compare with") for note in notes)
    assert not any("base vs head" in note for note in notes)


def test_source_without_tf_files_is_an_input_error_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("synthetic: a directory with no Terraform in it\n")
    assert main(["check", "--source", str(tmp_path), "--base-source", BASE]) == 2
    assert main(["check", "--source", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert (
        err
        == [
            f"planlint: error: {tmp_path}: no .tf or .tofu files here, so there is nothing to compare "
            "or locate; point --source at the root module directory (the one you run terraform plan in)"
        ]
        * 2
    )


def test_identical_trees_pass() -> None:
    verdict = run_check([], source=BASE, base_source=BASE)
    assert verdict.findings == ()
    assert verdict.decision == "pass"


def test_with_a_plan_deletes_come_from_the_plan_and_findings_are_located() -> None:
    verdict = run_check([PLAN], source=HEAD, base_source=BASE)
    plan_findings = [f for f in verdict.findings if f.origin == PLAN]
    # every finding of the plan is located in a .tf file, none at the plan file
    assert plan_findings and all(f.location is not None for f in plan_findings)
    assert all(f.location is not None and f.location.path.endswith(".tf") for f in plan_findings)
    # the source plan adds only what the plan cannot know (prevent_destroy): no second delete, and the
    # deletion_protection / force_destroy updates are judged once, from the plan
    source_findings = [f for f in verdict.findings if f.origin != PLAN]
    assert sorted(f.address for f in source_findings) == ["aws_db_instance.legacy", "aws_db_instance.main"]
    assert {f.rule_id for f in source_findings} == {"PL060"}
    for address in ("aws_ebs_volume.scratch", "aws_db_instance.legacy"):
        assert [f.rule_id for f in verdict.findings if f.address == address and f.rule_id != "PL060"] == [
            "PL001"
        ]
    located = {f.address: f.location for f in plan_findings}
    rds = located['module.db["eu"].aws_rds_cluster.this']
    assert rds is not None and rds.path.endswith("synthetic-head/modules/db/main.tf")


def test_moved_block_carries_protection_to_the_new_address(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    base.mkdir()
    head.mkdir()
    header = "# Synthetic (test-generated) source.\n"
    (base / "main.tf").write_text(
        header + 'resource "aws_db_instance" "a" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'
    )
    (head / "main.tf").write_text(
        header + "moved {\n  from = aws_db_instance.a\n  to   = aws_db_instance.b\n}\n\n"
        'resource "aws_db_instance" "b" {\n}\n'
    )
    verdict = run_check([], source=str(head), base_source=str(base))
    finding = _by_rule(verdict.findings, "PL060")["aws_db_instance.b"]
    assert finding.location is not None and finding.location.line == 7  # header, moved (4 lines), blank
    assert not _by_rule(verdict.findings, "PL001")  # a move is not a delete


def test_weakened_uses_provider_defaults() -> None:
    assert weakened({"skip_final_snapshot": None}, {"skip_final_snapshot": True}, "aws_db_instance") == [
        "skip_final_snapshot: unset (default) -> true"
    ]
    # Google's deletion_protection defaults to true: removing `= true` keeps it; `= false` loses it
    assert (
        weakened({"deletion_protection": True}, {"deletion_protection": None}, "google_sql_database_instance")
        == []
    )
    assert weakened(
        {"deletion_protection": True}, {"deletion_protection": False}, "google_sql_database_instance"
    )
    # an expression planlint cannot evaluate is not proof of protection
    lost = weakened({"deletion_protection": True}, {"deletion_protection": "var.protect"}, "aws_db_instance")
    assert lost == ["deletion_protection: true -> `var.protect` (an expression planlint cannot evaluate)"]
    assert weakened({"force_destroy": True}, {"force_destroy": False}, "aws_s3_bucket") == []


def test_cli_check_source_sarif_places_results_on_tf_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--source", HEAD, "--base-source", BASE, "--format", "sarif"])
    assert code == 1
    log = json.loads(capsys.readouterr().out)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
    }
    assert uris and all(uri.endswith(".tf") for uri in uris)


def test_cli_check_source_in_a_copied_tree_with_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "synthetic-head", tmp_path / "head")
    shutil.copytree(FIXTURES / "synthetic-base", tmp_path / "base")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--source", "head", "--base-source", "base", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert "file=head/main.tf,line=" in out
    assert "file=head/storage.tf,line=" in out


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin",
        },
    )


def test_base_ref_compares_the_working_tree_with_a_git_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "synthetic-base", repo / "infra")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    shutil.rmtree(repo / "infra")
    shutil.copytree(FIXTURES / "synthetic-head", repo / "infra")  # the uncommitted change under review
    monkeypatch.chdir(repo)
    verdict = run_check([], source="infra", base_ref="HEAD")
    protections = _by_rule(verdict.findings, "PL060")
    assert sorted(protections) == ["aws_db_instance.legacy", "aws_db_instance.main"]
    legacy = protections["aws_db_instance.legacy"].location
    assert legacy is not None and legacy.path == "HEAD:infra/main.tf"
    # same answer as with a base checkout directory
    same = run_check([], source="infra", base_source=str(FIXTURES / "synthetic-base"))
    assert [(f.rule_id, f.address) for f in same.findings] == [
        (f.rule_id, f.address) for f in verdict.findings
    ]
    assert main(["check", "--source", "infra", "--base-ref", "no-such-ref"]) == 2
    assert "git revision 'no-such-ref' not found" in capsys.readouterr().err
    assert main(["check", "--source", "infra", "--base-ref", "HEAD", "--base-source", "infra"]) == 2
    assert "not both" in capsys.readouterr().err


def test_plan_with_source_but_no_base_only_locates() -> None:
    verdict = run_check([PLAN], source=HEAD)
    assert [p.origin for p in verdict.plans] == [PLAN]  # no extra source input
    unlocated = sorted(f.address for f in verdict.findings if f.location is None)
    assert unlocated == ["aws_db_instance.legacy"]  # its block is gone and no base was given
    assert any("module.network" in note for note in verdict.plans[0].notes)
    assert not [f for f in verdict.findings if f.rule_id == "PL060"]
