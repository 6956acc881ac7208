"""SARIF for GitHub code scanning: valid 2.1.0, one stable fingerprint per finding, repository paths,
a category per stack, one severity per rule, and help from the rule docs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from planlint.cli import main
from planlint.model import SourceLocation, Verdict
from planlint.pipeline import run_check
from planlint.report import REPORTERS
from planlint.report import sarif as sarif_report
from tests.conftest import CORPUS
from tests.fixtures.report import synthetic_verdicts as synthetic

REPO = Path(__file__).resolve().parent.parent
# ../shared/schemas, or the schemas beside PLANLINT_CORPUS (README, "Set up")
SARIF_SCHEMA = CORPUS.parent / "schemas" / "sarif-schema-2.1.0.json"
# Real plans with many findings of several rules, Terraform and CloudFormation.
CORPUS_INPUTS: tuple[tuple[str, ...], ...] = (
    ("terraform/snyk-cli/tf-plan-destroy.json",),
    ("terraform/terraform-visual/examples__aws-s3.json",),
    ("cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json",),
    (
        "cloudformation/trek10-cfn-changeset-viewer/nested.json",
        "cloudformation/trek10-cfn-changeset-viewer/nested.nested.json",
    ),
)


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _log(verdict: Verdict, root: Path = REPO) -> dict[str, Any]:
    return sarif_report.sarif_log(verdict, root=root)


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return [result for run in log["runs"] for result in run["results"]]


def _corpus_log(corpus: Path, inputs: tuple[str, ...], copy_to: Path | None = None) -> dict[str, Any]:
    """Check corpus inputs from the corpus root (as the golden runs do), optionally from a copy."""
    before = Path.cwd()
    os.chdir(corpus if copy_to is None else copy_to)
    try:
        for relative in inputs if copy_to is not None else ():
            (copy_to / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(corpus / relative, copy_to / relative)
        verdict = run_check(list(inputs))
        return json.loads(REPORTERS["sarif"](verdict))
    finally:
        os.chdir(before)


def test_every_synthetic_verdict_is_valid_sarif(validator: Any) -> None:
    for make in (
        synthetic.verdict_with_findings,
        synthetic.verdict_without_findings,
        synthetic.verdict_multiple_inputs,
        synthetic.verdict_hostile,
    ):
        errors = list(validator.iter_errors(_log(make())))
        assert not errors, [e.message for e in errors[:3]]


def test_the_schema_check_can_fail(validator: Any) -> None:
    log = _log(synthetic.verdict_with_findings())
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(log))


@pytest.mark.parametrize("inputs", CORPUS_INPUTS, ids=lambda i: i[0])
def test_corpus_sarif_is_valid_with_one_fingerprint_per_finding_stable_across_runs(
    corpus: Path, inputs: tuple[str, ...], validator: Any, tmp_path: Path
) -> None:
    first = _corpus_log(corpus, inputs)
    assert not list(validator.iter_errors(first))
    results = _results(first)
    assert len(results) >= 2, "pick inputs with several findings"
    for run in first["runs"]:
        hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
        assert len(hashes) == len(set(hashes)), "two findings share a fingerprint: their alerts would merge"
        ours = [r["partialFingerprints"]["planlint/v1"] for r in run["results"]]
        assert len(ours) == len(set(ours))
    again = _corpus_log(corpus, inputs)
    moved = _corpus_log(corpus, inputs, copy_to=tmp_path)  # the same plan checked out elsewhere
    for other in (again, moved):
        assert [r["partialFingerprints"] for r in _results(other)] == [
            r["partialFingerprints"] for r in results
        ]
        assert [r["automationDetails"]["id"] for r in other["runs"]] == [
            r["automationDetails"]["id"] for r in first["runs"]
        ]


def test_fingerprint_follows_identity_not_line_or_message() -> None:
    base = synthetic.db_finding()
    replanned = replace(base, message="other words", location=SourceLocation("moved/main.tf", 99))
    assert sarif_report.fingerprint(base) == sarif_report.fingerprint(replanned)
    for changed in (
        replace(base, address="module.data.aws_db_instance.replica"),
        replace(base, rule_id="PL009"),
        replace(base, scope="other-stack"),
        replace(base, actions=("delete",)),
    ):
        assert sarif_report.fingerprint(base) != sarif_report.fingerprint(changed)


def test_one_run_per_input_with_its_own_category() -> None:
    log = _log(synthetic.verdict_multiple_inputs())
    ids = [run["automationDetails"]["id"] for run in log["runs"]]
    assert ids == ["planlint/stacks/prod/plan.json/", "planlint/data-stack/"]
    assert [len(run["results"]) for run in log["runs"]] == [2, 1]
    clean = _log(synthetic.verdict_without_findings())  # an empty run closes the stack's fixed alerts
    assert [(run["automationDetails"]["id"], run["results"]) for run in clean["runs"]] == [
        ("planlint/clean.json/", [])
    ]


def test_locations_are_repository_paths_preferring_the_source_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdict = synthetic.verdict_with_findings()
    db, bucket = _results(_log(verdict))
    assert db["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "modules/data/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "endLine": 30},
    }
    assert bucket["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stacks/prod/plan.json"
    assert bucket["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}

    # absolute paths inside the repository become relative; a git revision prefix is dropped
    monkeypatch.chdir(tmp_path)
    absolute = replace(verdict.findings[0], location=SourceLocation(str(tmp_path / "infra" / "db.tf"), 4, 9))
    base_side = replace(verdict.findings[0], location=SourceLocation("HEAD~1:infra/old.tf", 40, 52))
    log = _log(replace(verdict, findings=(absolute, base_side)), root=tmp_path)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in _results(log)]
    assert uris == ["infra/db.tf", "infra/old.tf"]
    moved_away = _results(log)[1]
    assert moved_away["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert "HEAD~1:infra/old.tf:40" in moved_away["message"]["text"]


def test_stdin_and_outside_paths_are_never_locations(tmp_path: Path) -> None:
    finding = replace(synthetic.bucket_finding(), origin="-")
    outside = replace(synthetic.bucket_finding(), origin="/elsewhere/plan.json", address="aws_s3_bucket.o")
    plan = replace(synthetic.terraform_plan(), origin="-")
    verdict = Verdict((plan,), (finding, outside), "", "approval_required")
    log = _log(verdict, root=tmp_path)
    assert "file://" not in json.dumps(log)
    for result in _results(log):
        assert "physicalLocation" not in result["locations"][0]
        assert result["locations"][0]["logicalLocations"][0]["name"].startswith("aws_s3_bucket.")
    notes = [
        n["message"]["text"]
        for run in log["runs"]
        for n in run["invocations"][0]["toolExecutionNotifications"]
    ]
    assert all("no file in the repository" in n for n in notes) and len(notes) == 2
    assert [run["automationDetails"]["id"] for run in log["runs"]] == [
        "planlint/stdin/",
        "planlint/plan.json/",
    ]


def test_one_security_severity_per_rule_and_levels_per_result() -> None:
    verdict = synthetic.verdict_multiple_inputs()  # PL001 findings of severity high and medium
    severities = {
        (rule["id"], rule["properties"]["security-severity"])
        for run in _log(verdict)["runs"]
        for rule in run["tool"]["driver"]["rules"]
    }
    lowered = replace(
        verdict,
        findings=tuple(replace(f, severity="low", enforcement="info") for f in verdict.findings),
    )
    log = _log(lowered)
    assert {
        (rule["id"], rule["properties"]["security-severity"])
        for run in log["runs"]
        for rule in run["tool"]["driver"]["rules"]
    } == severities
    assert dict(severities)["PL001"] == sarif_report.SECURITY_SEVERITY["high"]  # PL001's declared severity
    assert {r["level"] for r in _results(log)} == {"note"}
    assert [r["level"] for r in _results(_log(verdict))] == [
        "error",
        "warning",
        "note",
    ]  # approve, warn, waived


def test_rules_carry_help_from_their_docs_and_a_working_help_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (rule,) = _log(synthetic.verdict_with_findings())["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"].endswith("/docs/rules.md#pl001-stateful-resource-destroyed")
    anchors = [
        line[3:].lower().replace(" ", "-")
        for line in (REPO / "docs" / "rules.md").read_text().splitlines()
        if line.startswith("## ")
    ]
    assert rule["helpUri"].rsplit("#", 1)[1] in anchors
    for section in ("What it checks", "Why it matters", "Example", "How to fix"):
        assert f"## {section}" in rule["help"]["markdown"]
    assert "`planlint rules show PL001`" in rule["help"]["text"]
    assert main(["rules", "show", "PL001"]) == 0
    assert "What it checks" in capsys.readouterr().out


def test_custom_rules_get_no_invented_severity() -> None:
    finding = replace(synthetic.db_finding(), rule_id="PL900", rule_name="team-rule")
    verdict = Verdict((synthetic.terraform_plan(),), (finding,), "", "approval_required")
    (rule,) = _log(verdict)["runs"][0]["tool"]["driver"]["rules"]
    assert "security-severity" not in rule["properties"] and "helpUri" not in rule


def test_results_are_capped_keeping_gated_findings() -> None:
    warn = synthetic.bucket_finding()
    gated = synthetic.db_finding()
    warns = [replace(warn, address=f"aws_s3_bucket.w{i}") for i in range(4)]
    verdict = Verdict((), (*warns, gated), "", "approval_required")
    run = sarif_report.sarif_log(verdict, max_results=3, root=REPO)["runs"][0]
    assert [r["properties"]["address"] for r in run["results"]] == [
        gated.address,
        "aws_s3_bucket.w0",
        "aws_s3_bucket.w1",
    ]
    assert run["properties"]["results_omitted"] == 2
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith("2 of 5 findings left out")
    full = sarif_report.sarif_log(verdict, root=REPO)["runs"][0]
    assert len(full["results"]) == 5 and "invocations" not in full
