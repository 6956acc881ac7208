"""The words of a finding's message, as a reviewer reads them: which volumes go with an instance (by
concrete path, cut after five), which attributes change in a replacement the plan gives no reason for
(names only, cut after eight), and the fields a policy's own rule can put in its message. Plans and rules
here are small and synthetic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

DOCS = """\
docs:
  what: A synthetic test rule whose message shows the fields a rule message can use.
  why: A synthetic test rule whose message shows the fields a rule message can use.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule whose message shows the fields a rule message can use.
  references: ["https://example.com/synthetic"]
"""


def _rc(
    address: str, rtype: str, actions: list[str], before: Any, after: Any, **extra: Any
) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.rsplit(".", 1)[-1],
        "change": {"actions": actions, "before": before, "after": after},
        **extra,
    }


def _messages(
    tmp_path: Path, changes: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], *args: str
) -> dict[tuple[str, str], str]:
    """(rule id, address) -> message, from `planlint check --format json` of a synthetic plan."""
    plan = tmp_path / "synthetic-plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}), encoding="utf-8")
    assert main(["check", str(plan), "--format", "json", *args]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    return {(f["rule_id"], f["address"]): f["message"] for f in findings}


def _ebs(*delete_on_termination: bool) -> list[dict[str, Any]]:
    return [
        {"device_name": f"/dev/sd{chr(ord('b') + i)}", "delete_on_termination": d}
        for i, d in enumerate(delete_on_termination)
    ]


def _instance(address: str, before: dict[str, Any]) -> dict[str, Any]:
    return _rc(
        address, "aws_instance", ["delete"], before, None, action_reason="delete_because_no_resource_config"
    )


INSTANCE_GONE = "will be destroyed. Because its resource block was removed from the configuration."


def test_volumes_named_by_the_elements_that_go(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the EBS volumes deleted on termination are named; the root disk is the one-item block [0]."""
    before = {
        "ebs_block_device": _ebs(True, False, True),
        "root_block_device": [{"delete_on_termination": True}],
    }
    messages = _messages(tmp_path, [_instance("aws_instance.app", before)], capsys)
    assert messages[("PL030", "aws_instance.app")] == (
        "aws_instance.app (aws_instance) will be destroyed. The data volumes attached through it are deleted "
        "with it (ebs_block_device[0].delete_on_termination, ebs_block_device[2].delete_on_termination). "
        "Because its resource block was removed from the configuration."
    )
    assert messages[("PL031", "aws_instance.app")].startswith(
        "aws_instance.app (aws_instance) will be destroyed. Its root/boot disk is deleted with it "
        "(root_block_device[0].delete_on_termination):"
    )


@pytest.mark.parametrize(
    ("devices", "named"),
    [
        pytest.param(
            5, ", ".join(f"ebs_block_device[{i}].delete_on_termination" for i in range(5)), id="five"
        ),
        pytest.param(
            6,
            ", ".join(f"ebs_block_device[{i}].delete_on_termination" for i in range(5)) + " (+1 more)",
            id="six",
        ),
        pytest.param(
            9,
            ", ".join(f"ebs_block_device[{i}].delete_on_termination" for i in range(5)) + " (+4 more)",
            id="nine",
        ),
    ],
)
def test_volume_list_is_cut_after_five(
    devices: int, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {"ebs_block_device": _ebs(*[True] * devices)}
    messages = _messages(tmp_path, [_instance("aws_instance.app", before)], capsys)
    assert f"deleted with it ({named}). Because" in messages[("PL030", "aws_instance.app")]


@pytest.mark.parametrize(
    ("changed", "listed"),
    [
        pytest.param(8, "a1, a2, a3, a4, a5, a6, a7, a8", id="eight"),
        pytest.param(9, "a1, a2, a3, a4, a5, a6, a7, a8, ...", id="nine"),
    ],
)
def test_replacement_without_paths_lists_eight_changed_names(
    changed: int, listed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A replacement the plan gives neither a reason nor replace_paths for: the changed top-level names."""
    before = {f"a{i}": "old" for i in range(1, changed + 1)} | {"same": 1}
    after = {f"a{i}": "new" for i in range(1, changed + 1)} | {"same": 1}
    change = _rc("aws_db_instance.main", "aws_db_instance", ["delete", "create"], before, after)
    messages = _messages(tmp_path, [change], capsys)
    assert messages[("PL001", "aws_db_instance.main")] == (
        "aws_db_instance.main (RDS database instance) will be replaced (old object destroyed first, then the "
        "new one created). The plan does not name the attribute that forces it (no replace_paths); "
        f"attributes that change: {listed}."
    )


def test_pulumi_replacement_without_reasons_gets_no_terraform_wording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic edit of a synthetic Pulumi preview: the replace step without `replaceReasons`. The sentence
    about Terraform's `replace_paths` is not said of it."""
    fixture = Path(__file__).parent / "fixtures/pulumi/synthetic-replacement-steps.json"
    preview = json.loads(fixture.read_text(encoding="utf-8"))
    for step in preview["steps"]:
        step.pop("replaceReasons", None)
    path = tmp_path / "synthetic-replace-without-reasons.json"
    path.write_text(json.dumps(preview), encoding="utf-8")
    assert main(["check", str(path), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["message"] for f in findings if f["rule_id"] == "PL001"] == [
        "aws:dynamodb/table:Table::sessions (DynamoDB table) will be replaced (old object destroyed first, "
        "then the new one created)."
    ]


FIELDS_RULE = """\
id: PL970
name: message-fields
title: A synthetic rule showing message fields
severity: low
enforcement: warn
match:
  actions: [delete]
message: "{address}: class {class}; storage word {storage_word}; reason {reason_text}; in {module}"
"""


def test_rule_message_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A policy's rule may name the class, the reason in words, the module (root module when none) and the
    storage word of an unknown type; each is empty or said in words when the change has none."""
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    (folder / "PL970.yaml").write_text(FIELDS_RULE + DOCS, encoding="utf-8")
    changes = [
        _rc(
            "aws_db_instance.main",
            "aws_db_instance",
            ["delete"],
            {"identifier": "main"},
            None,
            action_reason="delete_because_no_resource_config",
        ),
        _rc(
            "module.files.acme_bucket.logs",
            "acme_bucket",
            ["delete"],
            {"name": "logs"},
            None,
            module_address="module.files",
        ),
        _rc("aws_sns_topic.keep", "aws_sns_topic", ["no-op"], {"name": "keep"}, {"name": "keep"}),
    ]
    messages = _messages(tmp_path, changes, capsys, "--rules", str(folder))
    assert messages[("PL970", "aws_db_instance.main")] == (
        "aws_db_instance.main: class data; storage word ; "
        "reason its resource block was removed from the configuration; in root module"
    )
    assert messages[("PL970", "module.files.acme_bucket.logs")] == (
        "module.files.acme_bucket.logs: class unknown; storage word bucket; reason ; in module.files"
    )


FLAG_RULE = """\
id: PL971
name: audited-sql-instance-destroyed
title: A synthetic rule naming the matched element of a nested block
severity: high
enforcement: approve
match:
  types: [google_sql_database_instance]
  actions: [delete]
  attributes_any:
    - {path: settings.database_flags.*.name, before: cloudsql.enable_pgaudit}
message: "{address} is destroyed with audit logging on ({attribute})"
"""


def test_wildcard_finding_names_the_element_through_one_item_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terraform nests a single block in a one-item list (`settings`): the path names it `settings[0]`."""
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    (folder / "PL971.yaml").write_text(FLAG_RULE + DOCS, encoding="utf-8")
    flags = [{"name": "log_connections", "value": "on"}, {"name": "cloudsql.enable_pgaudit", "value": "on"}]
    change = _rc(
        "google_sql_database_instance.main",
        "google_sql_database_instance",
        ["delete"],
        {"settings": [{"tier": "db-f1-micro", "database_flags": flags}]},
        None,
    )
    messages = _messages(tmp_path, [change], capsys, "--rules", str(folder))
    assert messages[("PL971", "google_sql_database_instance.main")] == (
        "google_sql_database_instance.main is destroyed with audit logging on "
        "(settings[0].database_flags[1].name)"
    )


@pytest.mark.parametrize(("rtype", "rule"), [("acme_thing", "PL003"), ("acme_database", "PL004")])
def test_unknown_type_text_line_gives_the_reason_not_an_empty_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rtype: str, rule: str
) -> None:
    """The text line's 'Why:' starts with what planlint does not know, never with ', and ...'."""
    plan = tmp_path / "synthetic-plan.json"
    change = _rc(f"{rtype}.x", rtype, ["delete"], {}, None, action_reason="delete_because_no_resource_config")
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": [change]}), encoding="utf-8")
    assert main(["check", str(plan)]) == 1
    line = next(ln for ln in capsys.readouterr().out.splitlines() if f"{rule} approve" in ln)
    assert "Why: planlint does not know" in line, line
    assert "Why: ," not in line and "Why: ;" not in line
