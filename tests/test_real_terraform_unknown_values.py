"""Values unknown until apply, in plans written by real Terraform: `terraform show -json` leaves an
unknown value out of `after` (and marks it in `after_unknown`), so a condition that lists null among the
after values it fears (`after_in: [0, null]`) asks about it instead of passing it. Element conditions
(`where`, `added`) read the same plans. Only `terraform_data` is used (no provider download); its
`input` object stands in for a provider's attributes, judged by a synthetic policy rule (PL962) written
like PL022 and PL023 but on `input.*` paths. Skipped only when `terraform` is not on PATH."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main
from tests.test_real_terraform import TERRAFORM, Shape, real_plan

pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")

RULE = """\
id: PL962
name: synthetic-real-unknown-values
title: A synthetic rule on terraform_data inputs
severity: high
enforcement: approve
match:
  types: [terraform_data]
  actions: [update]
  attributes_any:
    - {path: input.backup_retention_period, before_not_in: [0, null], after_in: [0, null]}
    - path: input.rule.*
      added: true
      where: [{path: status, after: Enabled}, {path: expiration.days, after_not_in: [null, 0]}]
message: "{address} ({attribute})"
docs:
  what: A synthetic test rule written like PL022 and PL023, on terraform_data inputs.
  why: A synthetic test rule written like PL022 and PL023, on terraform_data inputs.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule written like PL022 and PL023, on terraform_data inputs.
"""

SOURCE = 'resource "terraform_data" "src" {\n  input = "7"\n}\n'
REPLACED_SOURCE = 'resource "terraform_data" "src" {\n  input = "7"\n  triggers_replace = [timestamp()]\n}\n'


def _db(retention: str, rules: str = "[]") -> str:
    return (
        'resource "terraform_data" "db" {\n'
        f"  input = {{\n    backup_retention_period = {retention}\n    rule = {rules}\n  }}\n}}\n"
    )


EXPIRE = '[{ id = "expire", status = "Enabled", expiration = [{ days = 30 }] }]'
ABORT = '[{ id = "abort", status = "Enabled", expiration = [] }]'
CASES = [
    # (name, first, second, the message of the gated finding, or None when nothing is gated)
    ("retention to zero", SOURCE + _db("7"), SOURCE + _db("0"), "input.backup_retention_period not 0/null"),
    # src is replaced, so its output is unknown until apply, and with it the new retention
    (
        "retention unknown until apply",
        SOURCE + _db("7"),
        REPLACED_SOURCE + _db("terraform_data.src.output"),
        "input.backup_retention_period not 0/null -> 0/null",
    ),
    ("retention shortened", SOURCE + _db("7"), SOURCE + _db("3"), None),
    (
        "expiring rule added",
        SOURCE + _db("7", ABORT),
        SOURCE + _db("7", ABORT[:-1] + ", " + EXPIRE[1:]),
        "input.rule[1]",
    ),
    ("expiring rule kept", SOURCE + _db("7", EXPIRE), SOURCE + _db("8", EXPIRE), None),
]


@pytest.mark.parametrize(("name", "first", "second", "message"), CASES, ids=[c[0] for c in CASES])
def test_real_plan_values(
    name: str,
    first: str,
    second: str,
    message: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = real_plan(tmp_path / "tf", Shape(name, first, second, "GATE" if message else "PASS"))
    rules = tmp_path / "synthetic-rules"
    rules.mkdir()
    (rules / "PL962.yaml").write_text(RULE, encoding="utf-8")
    code = main(["check", "--rules", str(rules), "--format", "json", str(plan)])
    findings = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule_id"] == "PL962"]
    if message is None:
        assert (code, findings) == (0, [])
    else:
        assert code == 1 and [f["address"] for f in findings] == ["terraform_data.db"]
        assert message in findings[0]["message"]


def test_terraform_leaves_an_unknown_value_out_of_after(tmp_path: Path) -> None:
    """What the rules above rely on, as Terraform 1.x writes it: the key is missing, not null."""
    plan = real_plan(
        tmp_path / "tf",
        Shape("unknown", SOURCE + _db("7"), REPLACED_SOURCE + _db("terraform_data.src.output"), "GATE"),
    )
    (db,) = [
        c for c in json.loads(plan.read_text())["resource_changes"] if c["address"] == "terraform_data.db"
    ]
    assert db["change"]["actions"] == ["update"]
    assert "backup_retention_period" not in db["change"]["after"]["input"]
    assert db["change"]["after_unknown"]["input"]["backup_retention_period"] is True
