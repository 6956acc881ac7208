"""Every destroy is visible: deletes and replacements that need no approval are listed, with why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.pipeline import run_check


def _rc(address: str, rtype: str, actions: list[str], before: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.rsplit(".", maxsplit=1)[-1],
        "change": {"actions": actions, "before": before, "after": None if actions == ["delete"] else before},
    }


# synthetic: a stateless delete, an instance replaced with only its root disk lost (PL031 warns), a
# waived database delete and a gated one
PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.5",
    "resource_changes": [
        _rc("aws_security_group_rule.old", "aws_security_group_rule", ["delete"], {"type": "ingress"}),
        _rc(
            "aws_instance.web",
            "aws_instance",
            ["delete", "create"],
            {"root_block_device": [{"delete_on_termination": True}]},
        ),
        _rc("aws_db_instance.scratch", "aws_db_instance", ["delete"], {"engine": "postgres"}),
        _rc("aws_db_instance.main", "aws_db_instance", ["delete"], {"engine": "postgres"}),
        _rc("aws_s3_bucket.logs", "aws_s3_bucket", ["update"], {"bucket": "logs"}),
    ],
}
POLICY = (
    "waivers:\n"
    "  - {rule: PL001, address: aws_db_instance.scratch, reason: throwaway test database, expires: 2099-01-01}\n"
)


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[str, str]:
    plan = tmp_path / "synthetic-plan.json"
    plan.write_text(json.dumps(PLAN))
    policy = tmp_path / ".planlint.yml"
    policy.write_text(POLICY)
    return str(plan), str(policy)


def test_every_destroy_without_approval_is_listed_with_why(inputs: tuple[str, str]) -> None:
    plan, policy = inputs
    verdict = run_check([plan], config_path=policy)
    why = {u.address: u.why_not_gated for u in verdict.ungated_destroys}
    assert set(why) == {"aws_security_group_rule.old", "aws_instance.web", "aws_db_instance.scratch"}
    assert why["aws_security_group_rule.old"].startswith("aws_security_group_rule is known stateless (")
    assert "stateful_types" in why["aws_security_group_rule.old"]
    assert why["aws_instance.web"].startswith("its findings do not block (PL031 warn")
    assert "waived" in why["aws_db_instance.scratch"]
    assert verdict.decision == "approval_required"  # aws_db_instance.main is gated, so not listed


def test_reports_show_the_ungated_destroys(
    inputs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    plan, policy = inputs
    main(["check", "--config", policy, "--format", "json", plan])
    report = json.loads(capsys.readouterr().out)
    assert [u["address"] for u in report["ungated_destroys"]] == [
        "aws_security_group_rule.old",
        "aws_instance.web",
        "aws_db_instance.scratch",
    ]
    assert report["summary"]["destroys"] == 4 and report["summary"]["ungated_destroys"] == 3
    main(["check", "--config", policy, plan])
    text = capsys.readouterr().out
    assert "Not gated: 3 changes delete or replace something without needing approval:" in text
    assert "aws_security_group_rule.old (aws_security_group_rule): destroyed. Not gated:" in text
    main(["check", "--config", policy, "--format", "markdown", plan])
    markdown = capsys.readouterr().out
    assert "<details><summary>Not gated: 3 changes" in markdown
    assert markdown.index("<details><summary>Not gated") > markdown.index("Changes that need approval")
