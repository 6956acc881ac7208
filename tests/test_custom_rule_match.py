"""A policy's own rules (`--rules DIR`) match by address and module globs: any one glob of a list is
enough, a change outside all of them is not matched. Rules and plan here are small and synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main

RULE = """\
id: PL950
name: prod-or-core-deleted
title: A prod or core resource is deleted
severity: high
enforcement: approve
match:
  actions: [delete]
  addresses: ["aws_iam_role.prod_*", "aws_sns_topic.core"]
message: "{address} matches a prod or core glob and will be {action_text}."
docs:
  what: A synthetic test rule that matches by address and module globs.
  why: A synthetic test rule that matches by address and module globs.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule that matches by address and module globs.
  references: ["https://example.com/synthetic"]
"""


def _rc(address: str, rtype: str, module: str | None = None) -> dict[str, object]:
    rc: dict[str, object] = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.rsplit(".", 1)[-1],
        "change": {"actions": ["delete"], "before": {}, "after": None},
    }
    if module:
        rc["module_address"] = module
    return rc


@pytest.fixture()
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    (folder / "PL950.yaml").write_text(RULE, encoding="utf-8")
    by_module = RULE.replace("PL950", "PL951").replace("prod-or-core-deleted", "platform-module-deleted")
    by_module = by_module.replace(
        'addresses: ["aws_iam_role.prod_*", "aws_sns_topic.core"]',
        'modules: ["module.core", "module.platform*"]',
    )
    (folder / "PL951.yaml").write_text(by_module, encoding="utf-8")
    return folder


def test_any_glob_of_the_list_matches(
    tmp_path: Path, rules_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            _rc("aws_iam_role.prod_api", "aws_iam_role"),  # PL950: first address glob
            _rc("aws_sns_topic.core", "aws_sns_topic"),  # PL950: second address glob
            _rc("module.core.aws_sns_topic.y", "aws_sns_topic", "module.core"),  # PL951: first module glob
            _rc("module.platform_v2.aws_sns_topic.x", "aws_sns_topic", "module.platform_v2"),  # PL951: second
            _rc("aws_iam_role.dev_api", "aws_iam_role"),  # no glob
            _rc("module.apps.aws_iam_role.z", "aws_iam_role", "module.apps"),  # no glob
        ],
    }
    path = tmp_path / "synthetic-plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["check", str(path), "--rules", str(rules_dir), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    by_rule = {
        rule: {f["address"] for f in report["findings"] if f["rule_id"] == rule}
        for rule in ("PL950", "PL951")
    }
    assert by_rule == {
        "PL950": {"aws_iam_role.prod_api", "aws_sns_topic.core"},
        "PL951": {"module.platform_v2.aws_sns_topic.x", "module.core.aws_sns_topic.y"},
    }
