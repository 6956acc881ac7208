"""No-ops no rule can match are counted, not recorded: verdicts, reports and refusals stay the same.

`planlint check` (run_check) asks the rule set which managed no-ops a rule could match
(`planlint.shapes.no_op_reader`) and the Terraform loader only counts the others
(`Plan.counted_no_ops`). Every corpus plan must give byte-identical reports either way; a policy rule
that can match a no-op still gets exactly the no-ops it can match; a no-op that is only counted is
still validated, so a hostile plan is refused as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.blast_radius import plan_stats
from planlint.errors import InputError
from planlint.loaders import load_inputs
from planlint.pipeline import judge, run_check
from planlint.report import REPORTERS
from planlint.report.wording import change_counts
from planlint.ruleset import load_ruleset
from planlint.shapes import no_op_reader, values_reader

REFUSED = {"show-json__plan-error__output.json", "actions__plan.json"}  # errored; invokes an action


def _plans(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "terraform").rglob("*.json") if p.name not in REFUSED)


def test_counting_no_ops_never_changes_a_report(corpus: Path) -> None:
    ruleset = load_ruleset()
    no_op_matters = no_op_reader(ruleset)
    counted_plans = 0
    for path in _plans(corpus):
        [recorded] = load_inputs([str(path)])
        [counted] = load_inputs([str(path)], no_op_matters=no_op_matters)
        assert recorded.counted_no_ops == 0
        assert counted.change_count == recorded.change_count == len(recorded.changes), path
        assert change_counts(counted) == change_counts(recorded), path
        assert plan_stats(counted) == plan_stats(recorded), path
        assert counted.tool == recorded.tool, path
        counted_plans += counted.counted_no_ops > 0
        kept, lean = judge([recorded], ruleset=ruleset), judge([counted], ruleset=ruleset)
        for name in ("json", "markdown", "sarif"):
            assert REPORTERS[name](lean) == REPORTERS[name](kept), (path, name)
    assert counted_plans > 20  # the corpus has plenty of no-ops: the test exercises the counting


def test_counted_together_with_released_buffers(corpus: Path) -> None:
    """What run_check does: both at once, on a plan with no-ops, deletes and updates (snyk's destroy plan
    is all deletes: this one mixes)."""
    ruleset = load_ruleset()
    for path in _plans(corpus)[:40]:
        [recorded] = load_inputs([str(path)])
        [lean] = load_inputs(
            [str(path)], needs_values=values_reader(ruleset), no_op_matters=no_op_reader(ruleset)
        )
        assert REPORTERS["json"](judge([lean], ruleset=ruleset)) == REPORTERS["json"](
            judge([recorded], ruleset=ruleset)
        ), path


def _rc(address: str, actions: list[str], **extra: Any) -> dict[str, Any]:
    *_, rtype, name = address.split(".")
    bucket = {"bucket": name}
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": actions, "before": bucket, "after": bucket},
        **extra,
    }


def _write(tmp_path: Path, *changes: dict[str, Any]) -> str:
    path = tmp_path / "plan.json"
    plan = {"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": list(changes)}
    path.write_text(json.dumps(plan), encoding="utf-8")
    return str(path)


RULE = """\
id: PL953
name: kept-log-bucket
title: A log bucket is kept
severity: low
enforcement: warn
match:
  actions: [no-op]
  addresses: ["aws_s3_bucket.logs*"]
message: "{address} is kept."
docs:
  what: A synthetic test rule that matches some no-op changes by address.
  why: A synthetic test rule that matches some no-op changes by address.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule that matches some no-op changes by address.
  references: ["https://example.com/synthetic"]
"""


def test_a_policy_rule_gets_exactly_the_no_ops_it_can_match(tmp_path: Path) -> None:
    """Synthetic: four no-op buckets, two of them named like the rule's address glob."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "PL953.yaml").write_text(RULE, encoding="utf-8")
    plan = _write(
        tmp_path,
        *(_rc(f"aws_s3_bucket.{n}", ["no-op"]) for n in ("logs_a", "data", "logs_b", "assets")),
    )
    verdict = run_check([plan], rule_dirs=[rules])
    assert [f.address for f in verdict.findings] == ["aws_s3_bucket.logs_a", "aws_s3_bucket.logs_b"]
    [loaded] = verdict.plans
    assert [c.address for c in loaded.changes] == ["aws_s3_bucket.logs_a", "aws_s3_bucket.logs_b"]
    assert loaded.counted_no_ops == 2
    assert loaded.change_count == 4
    # the default rules match no no-op: all four are counted
    [plain] = run_check([plan]).plans
    assert (plain.changes, plain.counted_no_ops) == ((), 4)


def test_no_ops_that_move_import_or_read_stay_records(tmp_path: Path) -> None:
    """Synthetic: only a managed, unmoved, not imported, not deposed no-op is counted."""
    plan = _write(
        tmp_path,
        _rc("aws_s3_bucket.kept", ["no-op"]),
        _rc("aws_s3_bucket.moved", ["no-op"], previous_address="aws_s3_bucket.old"),
        _rc("aws_s3_bucket.same", ["no-op"], previous_address="aws_s3_bucket.same"),
        {
            **_rc("aws_s3_bucket.imported", ["no-op"]),
            "change": {"actions": ["no-op"], "importing": {"id": "b"}},
        },
        _rc("aws_s3_bucket.old_object", ["no-op"], deposed="00000001"),
        _rc("data.aws_s3_bucket.looked_up", ["no-op"], mode="data"),
    )
    [loaded] = run_check([plan]).plans
    assert [c.address for c in loaded.changes] == [
        "aws_s3_bucket.moved",
        "aws_s3_bucket.imported",
        "aws_s3_bucket.old_object (deposed 00000001)",
        "data.aws_s3_bucket.looked_up",
    ]
    assert loaded.counted_no_ops == 2
    assert change_counts(loaded) == {"import": 1, "move": 1, "no-op": 4}
    assert (
        plan_stats(loaded).managed == 4
    )  # kept, same, moved, imported: not the deposed, not the data source


def test_an_opentofu_plan_of_only_no_ops_is_still_opentofus(tmp_path: Path) -> None:
    plan = _write(
        tmp_path, _rc("aws_s3_bucket.a", ["no-op"], provider_name="registry.opentofu.org/hashicorp/aws")
    )
    [loaded] = run_check([plan]).plans
    assert (loaded.tool, loaded.counted_no_ops) == ("opentofu", 1)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ([_rc("aws_s3_bucket.a", ["no-op"], mode="transient")], "unknown resource mode"),
        ([_rc("aws_s3_bucket.a", ["no-op"]), _rc("aws_s3_bucket.b", ["purge"])], r"resource_changes\[1\]"),
        ([_rc("aws_s3_bucket.a", ["no-op", "no-op"])], "unknown action list"),
        (
            [_rc("aws_s3_bucket.a", ["no-op"]), _rc("data.aws_s3_bucket.b", ["delete"], mode="data")],
            "data source",
        ),
    ],
)
def test_no_ops_are_still_validated_when_counted(
    tmp_path: Path, changes: list[dict[str, Any]], words: str
) -> None:
    with pytest.raises(InputError, match=words):
        run_check([_write(tmp_path, *changes)])
