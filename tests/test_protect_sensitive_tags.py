"""`protect: {tags: ...}` when the plan marks the tag value sensitive: the value cannot be read, so it
counts as a possible match (PL020, asked about, with a note) and is never printed; `allow_destroy` never
waives on a hidden value. Plans are small and synthetic, in the shape of `terraform show -json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

SECRET_TAG = "prod-7f3a9c"  # the hidden value: must appear in no output


def _plan(tmp_path: Path, before_sensitive: Any) -> Path:
    change = {
        "address": "aws_security_group_rule.db_ingress[0]",
        "mode": "managed",
        "type": "aws_security_group_rule",
        "name": "db_ingress",
        "index": 0,
        "change": {
            "actions": ["delete"],
            "before": {"type": "ingress", "from_port": 5432, "tags": {"env": SECRET_TAG}},
            "after": None,
            "before_sensitive": before_sensitive,
            "after_sensitive": False,
        },
        "action_reason": "delete_because_count_index",
    }
    path = tmp_path / "synthetic-plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [change]}), encoding="utf-8")
    return path


def _policy(tmp_path: Path, text: str) -> str:
    path = tmp_path / ".planlint.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("mask", [{"tags": {"env": True}}, {"tags": True}], ids=["value", "whole-map"])
@pytest.mark.parametrize("output", ["text", "json", "markdown", "sarif", "github"])
def test_hidden_tag_value_is_a_possible_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mask: Any, output: str
) -> None:
    policy = _policy(tmp_path, "protect: {tags: {env: 'prod*'}}\n")
    assert main(["check", "--config", policy, str(_plan(tmp_path, mask)), "--format", output]) == 1
    out = capsys.readouterr().out
    assert "PL020" in out and "marked sensitive in the plan" in out
    assert SECRET_TAG not in out


def test_readable_tag_matches_without_the_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(tmp_path, "protect: {tags: {env: 'prod*'}}\n")
    assert main(["check", "--config", policy, str(_plan(tmp_path, {})), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["rule_id"] == "PL020" and "sensitive" not in finding["message"]
    other = _policy(tmp_path, "protect: {tags: {env: staging}}\n")
    assert main(["check", "--config", other, str(_plan(tmp_path, {}))]) == 0


def test_allow_destroy_never_waives_on_a_hidden_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An EBS volume (stateful) deleted: allow_destroy by a tag whose value is hidden does not waive its
    findings, a readable matching one does."""
    plan = _plan(tmp_path, {"tags": {"env": True}})
    text = plan.read_text().replace("aws_security_group_rule", "aws_ebs_volume")
    plan.write_text(text)
    policy = _policy(tmp_path, "allow_destroy: {tags: {env: 'prod*'}}\n")
    assert main(["check", "--config", policy, str(plan), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["rule_id"] for f in findings if f["enforcement"] == "approve" and not f["waived_by"]] == [
        "PL013"
    ]
    plan.write_text(text.replace('"before_sensitive": {"tags": {"env": true}}', '"before_sensitive": {}'))
    assert main(["check", "--config", policy, str(plan)]) == 0
