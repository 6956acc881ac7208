"""A policy's own rules (`--rules DIR`) that test attribute values: every condition of `attributes` must
hold, a `*` step holds when some element does (on the `after` side too), a nested block that is gone
counts as its attributes unset, and a trailing `*` steps over a map's values only. Each rule and plan
here is small and synthetic; what is asserted is the exit code and which addresses are gated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

DOCS = """\
docs:
  what: A synthetic test rule that matches on attribute values.
  why: A synthetic test rule that matches on attribute values.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule that matches on attribute values.
  references: ["https://example.com/synthetic"]
"""


def _rule(folder: Path, rule_id: str, name: str, match: str) -> None:
    text = (
        f"id: {rule_id}\nname: {name}\ntitle: A synthetic attribute rule\nseverity: high\n"
        f'enforcement: approve\nmatch:\n{match}message: "{{address}}: {name} ({{attribute}})"\n{DOCS}'
    )
    (folder / f"{rule_id}.yaml").write_text(text, encoding="utf-8")


def _update(address: str, rtype: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.rsplit(".", 1)[-1],
        "change": {"actions": ["update"], "before": before, "after": after},
    }


def _gated(
    tmp_path: Path, match: str, changes: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, set[str]]:
    """Judge a synthetic plan of `changes` with one synthetic rule (PL960) matching on `match`."""
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    _rule(folder, "PL960", "synthetic-attribute-rule", match)
    plan = tmp_path / "synthetic-plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}), encoding="utf-8")
    code = main(["check", str(plan), "--rules", str(folder), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return code, {f["address"] for f in report["findings"] if f["gated"] and f["rule_id"] == "PL960"}


def test_every_attributes_condition_must_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = (
        "  types: [aws_db_instance]\n  actions: [update]\n  attributes:\n"
        "    - {path: publicly_accessible, before: false, after: true}\n"
        "    - {path: tags.env, after: prod}\n"
    )
    changes = [
        _update(
            "aws_db_instance.both",
            "aws_db_instance",
            {"publicly_accessible": False, "tags": {"env": "prod"}},
            {"publicly_accessible": True, "tags": {"env": "prod"}},
        ),
        _update(  # made public, but not prod
            "aws_db_instance.public_dev",
            "aws_db_instance",
            {"publicly_accessible": False, "tags": {"env": "dev"}},
            {"publicly_accessible": True, "tags": {"env": "dev"}},
        ),
        _update(  # prod, but stays private
            "aws_db_instance.private_prod",
            "aws_db_instance",
            {"publicly_accessible": False, "tags": {"env": "prod", "team": "a"}},
            {"publicly_accessible": False, "tags": {"env": "prod", "team": "b"}},
        ),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (1, {"aws_db_instance.both"})


def test_wildcard_after_test_holds_when_one_element_meets_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = (
        "  types: [aws_instance]\n  actions: [update]\n  attributes_any:\n"
        "    - {path: ebs_block_device.*.encrypted, after: false}\n"
    )
    encrypted = {"device_name": "/dev/sdb", "encrypted": True}
    plain = {"device_name": "/dev/sdc", "encrypted": False}
    changes = [
        _update(
            "aws_instance.one_plain",
            "aws_instance",
            {"ebs_block_device": [encrypted]},
            {"ebs_block_device": [encrypted, plain]},
        ),
        _update(
            "aws_instance.all_encrypted",
            "aws_instance",
            {"ebs_block_device": [encrypted]},
            {"ebs_block_device": [encrypted, {**encrypted, "device_name": "/dev/sdd"}]},
        ),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (1, {"aws_instance.one_plain"})


def test_removed_nested_block_counts_as_its_attribute_unset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleting a `backup_configuration` block: the provider plans `backup_configuration: []`, so
    `settings.backup_configuration.enabled` has no value after, which is not `true`."""
    match = (
        "  types: [google_sql_database_instance]\n  actions: [update]\n  attributes:\n"
        "    - {path: settings.backup_configuration.enabled, before: true, after_not: true}\n"
    )
    backups_on = {"settings": [{"tier": "db-f1-micro", "backup_configuration": [{"enabled": True}]}]}
    changes = [
        _update(
            "google_sql_database_instance.block_removed",
            "google_sql_database_instance",
            backups_on,
            {"settings": [{"tier": "db-f1-micro", "backup_configuration": []}]},
        ),
        _update(
            "google_sql_database_instance.tier_changed",
            "google_sql_database_instance",
            backups_on,
            {"settings": [{"tier": "db-g1-small", "backup_configuration": [{"enabled": True}]}]},
        ),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (1, {"google_sql_database_instance.block_removed"})


def test_trailing_wildcard_steps_over_map_values_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tags.*`: any tag's value. A resource whose only tag stays `prod` has no tag that is not `prod`."""
    match = (
        "  types: [aws_s3_bucket]\n  actions: [update]\n  attributes:\n"
        "    - {path: tags.*, before: prod, after_not: prod}\n"
    )
    changes = [
        _update(
            "aws_s3_bucket.retagged",
            "aws_s3_bucket",
            {"tags": {"env": "prod"}, "acl": "private"},
            {"tags": {"env": "staging"}, "acl": "private"},
        ),
        _update(
            "aws_s3_bucket.still_prod",
            "aws_s3_bucket",
            {"tags": {"env": "prod"}, "acl": "private"},
            {"tags": {"env": "prod"}, "acl": "log-delivery-write"},
        ),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (1, {"aws_s3_bucket.retagged"})


def _db(name: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """An update of the synthetic database `aws_db_instance.NAME`."""
    return _update(f"aws_db_instance.{name}", "aws_db_instance", before, after)


def test_attribute_set_on_one_side_only_is_tested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An attribute dropped from `after` (or null there) is still compared: before true, after unset is
    not true. One unset on both sides is not."""
    match = (
        "  types: [aws_db_instance]\n  actions: [update]\n  attributes_any:\n"
        "    - {path: deletion_protection, before: true, after_not: true}\n"
    )
    changes = [
        _db("dropped", {"deletion_protection": True}, {"engine": "pg"}),
        _db("nulled", {"deletion_protection": True}, {"deletion_protection": None}),
        _db("added", {"engine": "pg"}, {"deletion_protection": False}),
        _db("never_set", {"engine": "pg"}, {"engine": "mysql"}),
        _db("kept", {"deletion_protection": True}, {"deletion_protection": True}),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (
        1,
        {"aws_db_instance.dropped", "aws_db_instance.nulled"},
    )


def test_any_condition_that_holds_on_an_unset_attribute(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`after_in: [null]` holds where the attribute is unset on both sides, even beside a condition on the
    same attribute that does not; `attributes` conditions that hold on unset attributes pass too."""
    match = (
        "  types: [aws_db_instance]\n  actions: [update]\n  attributes:\n"
        "    - {path: backup_retention_period, before_in: [null, 7]}\n"
        "  attributes_any:\n"
        "    - {path: final_snapshot_identifier, after: ''}\n"
        "    - {path: final_snapshot_identifier, after_in: [null]}\n"
    )
    changes = [
        _db("nothing_set", {"engine": "pg"}, {"engine": "mysql"}),
        _db(
            "emptied",
            {"backup_retention_period": 7, "final_snapshot_identifier": "last"},
            {"backup_retention_period": 7, "final_snapshot_identifier": ""},
        ),
        _db("named", {"engine": "pg"}, {"final_snapshot_identifier": "last"}),  # a snapshot is named after
        # the `attributes` condition fails: 30 days before
        _db("long_retention", {"backup_retention_period": 30}, {"backup_retention_period": 30}),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (
        1,
        {"aws_db_instance.nothing_set", "aws_db_instance.emptied"},
    )


def test_all_conditions_on_one_attribute_must_hold_when_it_is_unset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two `attributes` conditions on one attribute, one holding on an unset value and one not: a resource
    without the attribute fails the rule."""
    match = (
        "  types: [aws_db_instance]\n  actions: [update]\n  attributes:\n"
        "    - {path: storage_encrypted, before_in: [null, true]}\n"
        "    - {path: storage_encrypted, after: false}\n"
    )
    changes = [
        _db("unset", {"engine": "pg"}, {"engine": "mysql"}),
        _db("decrypted", {"storage_encrypted": True}, {"storage_encrypted": False}),
        _db("added_off", {"engine": "pg"}, {"storage_encrypted": False}),
        # the first condition holds, the second does not
        _db("kept_on", {"storage_encrypted": True}, {"storage_encrypted": True}),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (
        1,
        {"aws_db_instance.decrypted", "aws_db_instance.added_off"},
    )


def test_where_test_through_a_wildcard_holds_when_one_value_meets_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An element condition's `where` path with a `*` step: the element meets the test when one of the
    values it reaches does (a lifecycle rule with one transition to day 0 among others)."""
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes_any:\n"
        "    - path: rule.*\n      where: [{path: transition.*.days, after: 0}]\n"
    )
    kind = "aws_s3_bucket_lifecycle_configuration"
    changes = [
        _update(
            f"{kind}.one_of_two", kind, {"rule": []}, {"rule": [{"transition": [{"days": 0}, {"days": 30}]}]}
        ),
        _update(f"{kind}.none", kind, {"rule": []}, {"rule": [{"transition": [{"days": 30}, {"days": 60}]}]}),
    ]
    assert _gated(tmp_path, match, changes, capsys) == (1, {f"{kind}.one_of_two"})
