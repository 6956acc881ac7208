"""A policy's own rules (`--rules DIR`) with the condition forms that see data deleted without the resource
going: `before_not_in`/`after_not_in` (a value is none of these), `decreased` (a smaller number after),
and element conditions (`where`: tests on one element of a list; `added`: only elements the list did not
hold before). Each rule and plan here
is small and synthetic; what is asserted is the exit code, which addresses are gated and what the
finding names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from tests.test_rule_attribute_conditions import _rule as _write_rule

RULE = "synthetic-element-rule"


def _judge(
    tmp_path: Path, match: str, changes: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, str]]:
    """Exit code and {gated address: message} of one synthetic rule (PL961) over a synthetic plan."""
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    _write_rule(folder, "PL961", RULE, match)
    plan = tmp_path / "synthetic-plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}), encoding="utf-8")
    code = main(["check", str(plan), "--rules", str(folder), "--format", "json"])
    assert code != 2, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    return code, {f["address"]: f["message"] for f in report["findings"] if f["rule_id"] == "PL961"}


def _update(name: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": f"aws_s3_bucket_lifecycle_configuration.{name}",
        "mode": "managed",
        "type": "aws_s3_bucket_lifecycle_configuration",
        "name": name,
        "change": {"actions": ["update"], "before": before, "after": after},
    }


def test_not_in_tests_both_sides_and_null_after_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`before_not_in: [0, null]` + `after_in: [0, null]`: a set, non-zero value that becomes 0 or is left
    out of `after` (unknown until apply)."""
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes:\n"
        "    - {path: days, before_not_in: [0, null], after_in: [0, null]}\n"
    )
    changes = [
        _update("to_zero", {"days": 7}, {"days": 0}),
        _update("to_unknown", {"days": 7}, {}),
        _update("shorter", {"days": 7}, {"days": 3}),
        _update("was_zero", {"days": 0}, {"days": 0}),
        _update("was_unset", {}, {"days": 0}),
        _update("to_one", {"days": 7}, {"days": 1}),
    ]
    code, gated = _judge(tmp_path, match, changes, capsys)
    prefix = "aws_s3_bucket_lifecycle_configuration."
    assert (code, set(gated)) == (1, {prefix + "to_zero", prefix + "to_unknown"})
    assert gated[prefix + "to_zero"] == f"{prefix}to_zero: {RULE} (days not 0/null -> 0/null)"


def test_after_not_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes:\n"
        '    - {path: status, before: Enabled, after_not_in: [Enabled, "Enabled "]}\n'
    )
    changes = [
        _update("suspended", {"status": "Enabled"}, {"status": "Suspended"}),
        _update("kept", {"status": "Enabled"}, {"status": "Enabled"}),
        _update("kept_spaced", {"status": "Enabled"}, {"status": "Enabled "}),
    ]
    code, gated = _judge(tmp_path, match, changes, capsys)
    assert (code, set(gated)) == (1, {"aws_s3_bucket_lifecycle_configuration.suspended"})
    assert gated["aws_s3_bucket_lifecycle_configuration.suspended"].endswith(
        '(status "Enabled" -> not "Enabled"/"Enabled ")'
    )


EXPIRING = (
    "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes_any:\n"
    "    - path: rule.*\n      added: true\n"
    "      where: [{path: status, after: Enabled}, {path: expiration.days, after_not_in: [null, 0]}]\n"
)


def _rule(rule_id: str, status: str = "Enabled", days: int | None = None) -> dict[str, Any]:
    return {"id": rule_id, "status": status, "expiration": [] if days is None else [{"days": days}]}


def test_added_element_that_meets_every_where_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An element counts when it is new or changed and one element meets every `where` test: an enabled
    rule without expiry next to a disabled rule with one is not an enabled expiring rule."""
    abort = {"id": "abort", "status": "Enabled", "expiration": []}
    changes = [
        _update("gains", {"rule": [abort]}, {"rule": [abort, _rule("expire", days=30)]}),
        _update("shortened", {"rule": [_rule("expire", days=30)]}, {"rule": [_rule("expire", days=1)]}),
        _update("enabled", {"rule": [_rule("e", "Disabled", 30)]}, {"rule": [_rule("e", days=30)]}),
        _update("kept", {"rule": [_rule("expire", days=30)]}, {"rule": [_rule("expire", days=30), abort]}),
        _update(
            "reordered",
            {"rule": [_rule("a", days=30), _rule("b", days=60)]},
            {"rule": [_rule("b", days=60), _rule("a", days=30)]},
        ),
        _update("split", {"rule": []}, {"rule": [_rule("on"), _rule("off", "Disabled", 30)]}),
        _update(
            "disabled", {"rule": [_rule("expire", days=30)]}, {"rule": [_rule("expire", "Disabled", 30)]}
        ),
        _update("zero_days", {"rule": []}, {"rule": [_rule("expire", days=0)]}),
        _update("removed", {"rule": [abort, _rule("expire", days=30)]}, {"rule": [abort]}),
    ]
    code, gated = _judge(tmp_path, EXPIRING, changes, capsys)
    prefix = "aws_s3_bucket_lifecycle_configuration."
    assert (code, set(gated)) == (1, {prefix + "gains", prefix + "shortened", prefix + "enabled"})
    assert gated[prefix + "gains"] == f"{prefix}gains: {RULE} (rule[1])"  # the element, never its values


def test_an_element_holding_a_sensitive_value_is_never_taken_as_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terraform redacts a value marked sensitive the same on both sides, so an expiring rule with a
    sensitive value may have changed unseen: it counts as added. The finding names the element, and no
    report prints the value."""
    secret = {**_rule("expire", days=30), "tags": ["public", "synthetic-secret-prefix/"]}
    mask = {"rule": [{"tags": [False, True]}]}  # one leaf of one element: any, not all
    changes = [
        _update("sensitive", {"rule": [secret]}, {"rule": [secret]}),
        _update("plain", {"rule": [_rule("expire", days=30)]}, {"rule": [_rule("expire", days=30)]}),
    ]
    changes[0]["change"].update(before_sensitive=mask, after_sensitive=mask)
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    _write_rule(folder, "PL961", RULE, EXPIRING)
    plan = tmp_path / "synthetic-plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}), encoding="utf-8")
    for fmt in ("json", "text", "markdown", "sarif"):
        code = main(["check", str(plan), "--rules", str(folder), "--format", fmt])
        out = capsys.readouterr().out
        assert code == 1 and "synthetic-secret-prefix" not in out
        if fmt == "json":
            gated = {
                f["address"]: f["message"] for f in json.loads(out)["findings"] if f["rule_id"] == "PL961"
            }
            prefix = "aws_s3_bucket_lifecycle_configuration."
            assert gated == {prefix + "sensitive": f"{prefix}sensitive: {RULE} (rule[0])"}


def test_where_without_added_counts_every_element(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = EXPIRING.replace("      added: true\n", "")
    changes = [
        _update("kept", {"rule": [_rule("expire", days=30)]}, {"rule": [_rule("expire", days=30)]}),
        _update("none", {"rule": [_rule("expire", days=30)]}, {"rule": [_rule("abort")]}),
    ]
    code, gated = _judge(tmp_path, match, changes, capsys)
    assert (code, set(gated)) == (1, {"aws_s3_bucket_lifecycle_configuration.kept"})


def test_a_where_test_through_a_wildcard_holds_when_one_value_meets_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes:\n"
        "    - {path: rule.*, where: [{path: tag.*.key, after: tmp}]}\n"
    )
    changes = [
        _update("one_tmp", {}, {"rule": [{"id": "a", "tag": [{"key": "logs"}, {"key": "tmp"}]}]}),
        _update("no_tmp", {}, {"rule": [{"id": "a", "tag": [{"key": "logs"}, {"key": "audit"}]}]}),
    ]
    code, gated = _judge(tmp_path, match, changes, capsys)
    assert (code, set(gated)) == (1, {"aws_s3_bucket_lifecycle_configuration.one_tmp"})


def test_added_without_where_is_any_new_element(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes:\n"
        "    - {path: rule.*, added: true}\n"
    )  # the changes' after lists are known: PL023 (built in) asks about an unknown one
    changes = [
        _update("grown", {"rule": [_rule("a")]}, {"rule": [_rule("a"), _rule("b")]}),
        _update("shrunk", {"rule": [_rule("a"), _rule("b")]}, {"rule": [_rule("b")]}),
        _update("unknown", {"rule": [_rule("a")]}, {}),  # no elements to judge: a separate condition asks
    ]
    code, gated = _judge(tmp_path, match, changes, capsys)
    assert (code, set(gated)) == (1, {"aws_s3_bucket_lifecycle_configuration.grown"})


@pytest.mark.parametrize(
    "condition",
    [
        "{path: rule, added: true}",
        "{path: rule.*.status, where: [{path: status, after: Enabled}]}",
        "{path: rule.*.days, decreased: true}",
    ],
)
def test_element_and_decreased_conditions_refuse_a_path_they_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], condition: str
) -> None:
    folder = tmp_path / "synthetic-rules"
    folder.mkdir()
    _write_rule(folder, "PL961", RULE, f"  attributes:\n    - {condition}\n")
    plan = tmp_path / "synthetic-plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": []}), encoding="utf-8")
    assert main(["check", str(plan), "--rules", str(folder)]) == 2
    error = capsys.readouterr().err
    assert "PL961.yaml: match/attributes/0/path:" in error and "does not match" in error, error


def test_decreased_compares_known_numbers_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`decreased`: smaller after than before, numbers or numeric strings (CloudFormation's values); an
    unset, unknown or redacted side, a flag or a word is not compared."""
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes:\n"
        "    - {path: limits.days, decreased: true}\n"
    )
    pairs = {
        "lower": (14, 7),
        "lower_text": ("14", "7"),
        "lower_fraction": (1, 0.5),
        "higher": (7, 14),
        "same": (7, 7),
        "higher_text": ("7", "14"),
        "to_unknown": (7, None),
        "from_unset": (None, 7),
        "to_redacted": (7, "(sensitive value)"),
        "flag": (True, False),
        "word": ("ten", "1"),
    }
    changes = [
        _update(name, {"limits": [{"days": b}]}, {"limits": [{"days": a}]}) for name, (b, a) in pairs.items()
    ]
    code, gated = _judge(tmp_path, match, changes, capsys)
    prefix = "aws_s3_bucket_lifecycle_configuration."
    assert (code, set(gated)) == (1, {prefix + "lower", prefix + "lower_text", prefix + "lower_fraction"})
    assert gated[prefix + "lower"] == f"{prefix}lower: {RULE} (limits.days anything -> a smaller number)"


def test_decreased_with_another_test_on_the_same_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = (
        "  types: [aws_s3_bucket_lifecycle_configuration]\n  actions: [update]\n  attributes:\n"
        "    - {path: days, decreased: true, after_not_in: [0]}\n"
    )
    changes = [_update("lower", {"days": 7}, {"days": 3}), _update("to_zero", {"days": 7}, {"days": 0})]
    code, gated = _judge(tmp_path, match, changes, capsys)
    assert (code, set(gated)) == (1, {"aws_s3_bucket_lifecycle_configuration.lower"})
    assert gated["aws_s3_bucket_lifecycle_configuration.lower"].endswith(
        "(days anything -> a smaller number, not 0)"
    )
