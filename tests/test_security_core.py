"""Behaviours of the security core that a mutation run showed nobody asserted (scripts/mutation_test.py).

Each test checks what a user would notice: the exit code `planlint check` returns, the address it gates,
the refusal it prints, the secret it must not print. Plans written here are small and synthetic; the
golden pins run real corpus plans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.model import REDACTED
from planlint.redact import redact

EXAMPLE = Path(__file__).resolve().parent.parent / "examples/terraform/rds-engine-change.json"


def _rc(address: str, rtype: str, actions: list[str], **extra: Any) -> dict[str, Any]:
    name = address.rsplit(".", 1)[-1]
    change: dict[str, Any] = {"actions": actions, "before": None, "after": None}
    change.update(extra.pop("change", {}))
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "change": change, **extra}


def _plan(*changes: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": list(changes), **top}


def _write(tmp_path: Path, doc: dict[str, Any], name: str = "synthetic-plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _json_report(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _gated(report: dict[str, Any]) -> set[str]:
    return {f["address"] for f in report["findings"] if f["gated"]}


# --- exit codes: each decision through the real command, never compared with the function that computes it


def test_each_decision_has_its_documented_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_only = _write(tmp_path, _plan(_rc("aws_db_instance.new", "aws_db_instance", ["create"])), "a.json")
    code, report = _json_report(capsys, ["check", create_only])
    assert (code, report["decision"], report["exit_code"]) == (0, "pass", 0)

    code, report = _json_report(capsys, ["check", str(EXAMPLE)])
    assert (code, report["decision"], report["exit_code"]) == (1, "approval_required", 1)

    policy = tmp_path / "synthetic-deny.yml"
    policy.write_text("version: 1\nrules:\n  PL001:\n    enforcement: deny\n", encoding="utf-8")
    code, report = _json_report(capsys, ["check", str(EXAMPLE), "--config", str(policy)])
    assert (code, report["decision"], report["exit_code"]) == (1, "denied", 1)
    assert "aws_db_instance.orders" in _gated(report)

    assert main(["check", str(tmp_path / "missing.json")]) == 2
    assert "missing.json: no such file" in capsys.readouterr().err
    code, report = _json_report(capsys, ["check", str(tmp_path / "missing.json")])
    assert (code, report["decision"], report["exit_code"]) == (2, "error", 2)


def test_a_deny_finding_is_not_unblocked_by_other_findings_passing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deny on one resource wins even when everything else in the plan is harmless."""
    doc = _plan(
        _rc("aws_db_instance.main", "aws_db_instance", ["delete"]),
        _rc("aws_iam_role.ci", "aws_iam_role", ["create"]),
    )
    policy = tmp_path / "synthetic-deny.yml"
    policy.write_text("version: 1\nrules:\n  PL001:\n    enforcement: deny\n", encoding="utf-8")
    code, report = _json_report(capsys, ["check", _write(tmp_path, doc), "--config", str(policy)])
    assert code == 1 and report["decision"] == "denied"


# --- Terraform loader: what a plan can hide


def test_complete_plan_that_still_defers_a_delete_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deferred = {
        "reason": "provider_config_unknown",
        "resource_change": _rc("aws_s3_bucket.logs", "aws_s3_bucket", ["delete"]),
    }
    doc = _plan(
        _rc("aws_iam_role.ci", "aws_iam_role", ["create"]), complete=True, deferred_changes=[deferred]
    )
    assert main(["check", _write(tmp_path, doc)]) == 2
    err = capsys.readouterr().err
    assert "incomplete" in err and "aws_s3_bucket.logs" in err and err.count("\n") == 1


@pytest.mark.parametrize("actions", [["delete", "create"], ["create", "delete"]])
def test_stateful_resource_moved_and_replaced_is_gated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], actions: list[str]
) -> None:
    """A `moved` block plus a forced replacement: the move does not hide the destroy."""
    rc = _rc(
        "aws_db_instance.orders_v2", "aws_db_instance", actions, previous_address="aws_db_instance.orders"
    )
    rc["action_reason"] = "replace_because_cannot_update"
    code, report = _json_report(capsys, ["check", _write(tmp_path, _plan(rc))])
    assert code == 1
    assert _gated(report) == {"aws_db_instance.orders_v2"}


def test_moved_only_stateful_resource_is_not_gated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = _rc(
        "aws_db_instance.orders_v2", "aws_db_instance", ["no-op"], previous_address="aws_db_instance.orders"
    )
    code, report = _json_report(capsys, ["check", _write(tmp_path, _plan(rc))])
    assert code == 0 and not _gated(report)


# --- redaction: the module that keeps secrets out of every output


def test_list_masks_redact_only_the_marked_elements() -> None:
    assert redact(["a", "secret", "c"], [False, True]) == ["a", REDACTED, "c"]
    assert redact([{"user": "u", "password": "p"}], [{"password": True}]) == [
        {"user": "u", "password": REDACTED}
    ]
    assert redact({"rules": [{"token": "t", "port": 1}]}, {"rules": [{"token": True}]}) == {
        "rules": [{"token": REDACTED, "port": 1}]
    }


def test_mask_and_value_of_different_shapes_redact_the_whole_value() -> None:
    """Fail closed: a mask that does not fit its value hides the value rather than guessing."""
    assert redact(["a", "b"], {"password": True}) == REDACTED
    assert redact({"password": "p"}, [True]) == REDACTED
    assert redact("plain", {"x": True}) == REDACTED
    assert redact("plain", [True]) == REDACTED
    assert redact(None, {"x": True}) is None
    assert redact(None, [True]) is None
    assert redact({"a": "1"}, {}) == {"a": "1"}
    assert redact(["a"], []) == ["a"]
    assert redact("kept", False) == "kept"


def test_sensitive_list_elements_never_reach_any_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "hunter2-synthetic-secret"
    rc = _rc(
        "aws_db_instance.main",
        "aws_db_instance",
        ["delete", "create"],
        change={
            "before": {
                "engine": "postgres",
                "deletion_protection": False,
                "users": [{"name": "app", "pw": secret}],
            },
            "after": {
                "engine": "mysql",
                "deletion_protection": False,
                "users": [{"name": "app", "pw": secret}],
            },
            "before_sensitive": {"users": [{"pw": True}]},
            "after_sensitive": {"users": [{"pw": True}]},
            "replace_paths": [["engine"]],
        },
        action_reason="replace_because_cannot_update",
    )
    path = _write(tmp_path, _plan(rc))
    for fmt in ("text", "json", "markdown", "sarif", "github"):
        assert main(["check", path, "--format", fmt]) == 1
        out = capsys.readouterr()
        assert secret not in out.out + out.err, fmt


# --- golden runs: decision and gated addresses pinned apart from the regenerated files

GOLDEN_PINS: dict[str, tuple[str, set[str]]] = {
    "tf-destroy-plan": (
        "approval_required",
        {
            "aws_codebuild_project.terra_ci",
            "aws_iam_role.terra_ci_job",
            "aws_iam_role.terra_ci_runner",
            "aws_iam_role_policy.terra_ci_job",
            "aws_iam_role_policy.terra_ci_runner",
            "aws_iam_role_policy_attachment.terra_ci_job_ecr_access",
            "aws_s3_bucket.terra_ci",
            "aws_sfn_state_machine.terra_ci_runner",
        },
    ),
    "tf-s3-delete-and-replace": (
        "approval_required",
        {"aws_s3_bucket.s3_bucket_destroy", "aws_s3_bucket.s3_bucket_update"},
    ),
    "cfn-deletion-policies": ("approval_required", {"BucketToRemoveDeletionPolices", "BucketToReplace"}),
    "cfn-nested": ("approval_required", {"Stack/BucketToRemove", "Stack/BucketToReplace"}),
    "tf-sensitive-replace": ("pass", set()),
    "multiple-inputs": (
        "approval_required",
        {
            "BucketToRemoveDeletionPolices",
            "BucketToReplace",
            "aws_s3_bucket.s3_bucket_destroy",
            "aws_s3_bucket.s3_bucket_update",
        },
    ),
}


def test_golden_pins_cover_every_golden_case() -> None:
    from regen_golden import CASES

    assert set(GOLDEN_PINS) == set(CASES)


@pytest.mark.parametrize("name", sorted(GOLDEN_PINS))
def test_golden_case_decision_and_gated_addresses(
    name: str, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regenerating the golden files cannot hide a changed verdict: these are written by hand."""
    from regen_golden import CASES

    decision, gated = GOLDEN_PINS[name]
    code, report = _json_report(capsys, ["check", *(str(corpus / rel) for rel in CASES[name])])
    assert report["decision"] == decision
    assert code == (0 if decision == "pass" else 1)
    assert _gated(report) == gated


# --- change sets: text that no output could print is refused at load


@pytest.mark.parametrize(
    "stack_name",
    [b'"\xed\xa0\x80"', b'"\\ud800"', b'"\\uDC00x"'],
    ids=["surrogate-bytes", "surrogate-escape", "low-surrogate-escape"],
)
def test_change_set_with_a_lone_surrogate_is_refused_not_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], corpus: Path, stack_name: bytes
) -> None:
    """Found by the property tests: `json.loads` lets lone surrogates through and the reporter then crashed."""
    doc = json.loads((corpus / "cloudformation/aws-cli-examples/describe-change-set.json").read_text())
    doc["StackName"] = "PLACEHOLDER"
    path = tmp_path / "synthetic-surrogate.json"
    path.write_bytes(json.dumps(doc).encode().replace(b'"PLACEHOLDER"', stack_name))
    for extra in ([], ["--input-format", "cloudformation"]):
        for fmt in ("text", "json"):
            assert main(["check", str(path), "--format", fmt, *extra]) == 2
            err = capsys.readouterr().err
            assert err.startswith("planlint: error: ") and "synthetic-surrogate.json" in err
            assert err.count("\n") == 1


def test_escaped_surrogate_pair_is_ordinary_text(tmp_path: Path, corpus: Path) -> None:
    doc = json.loads((corpus / "cloudformation/aws-cli-examples/describe-change-set.json").read_text())
    doc["Description"] = "PLACEHOLDER"
    path = tmp_path / "synthetic-emoji.json"
    path.write_bytes(json.dumps(doc).encode().replace(b'"PLACEHOLDER"', b'"\\ud83d\\ude00"'))
    assert main(["check", str(path)]) == 0


# --- the policy classes types planlint does not know; each key works on its own


def _destroy(tmp_path: Path, rtype: str) -> str:
    return _write(tmp_path, _plan(_rc(f"{rtype}.x", rtype, ["delete"])), f"synthetic-{rtype}.json")


def test_policy_stateful_types_alone_gate_the_type_as_stateful(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _destroy(tmp_path, "acme_ledger")
    policy = tmp_path / "synthetic-stateful.yml"
    policy.write_text("version: 1\nstateful_types:\n  acme_ledger: data\n", encoding="utf-8")
    code, report = _json_report(capsys, ["check", plan, "--config", str(policy)])
    assert code == 1
    assert {(f["rule_id"], f["address"]) for f in report["findings"] if f["gated"]} == {
        ("PL001", "acme_ledger.x")
    }


def test_policy_stateless_types_alone_let_the_type_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _destroy(tmp_path, "acme_widget")
    code, report = _json_report(capsys, ["check", plan])
    assert code == 1 and _gated(report) == {"acme_widget.x"}  # unknown: asked about
    policy = tmp_path / "synthetic-stateless.yml"
    policy.write_text("version: 1\nstateless_types: [acme_widget]\n", encoding="utf-8")
    code, report = _json_report(capsys, ["check", plan, "--config", str(policy)])
    assert code == 0 and not _gated(report)


# --- the destructive digest follows its documented formula (planlint/digest.py), non-ASCII included


def test_digest_is_the_documented_sha256_of_the_gated_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Recomputed here from the report, as an auditor would; a `for_each` key in another script included."""
    import hashlib

    doc = json.loads(EXAMPLE.read_text())
    extra = json.loads(json.dumps(doc["resource_changes"][0]))
    extra["address"] = 'aws_db_instance.orders["données-élève"]'
    extra["index"] = "données-élève"
    doc["resource_changes"].append(extra)
    code, report = _json_report(capsys, ["check", _write(tmp_path, doc)])
    assert code == 1
    items = []
    for f in report["findings"]:
        if f["gated"] and f["waived_by"] is None:
            actions = "+".join(f["actions"])
            if "replace" in f["actions"] and f["replace_order"]:
                actions += f":{f['replace_order']}"
            items.append([f["scope"], f["address"], actions, f["reason"] or "", f["rule_id"]])
    assert any("données-élève" in item[1] for item in items)
    canonical = json.dumps(sorted(items), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert report["destructive_digest"] == "pl1:" + hashlib.sha256(canonical).hexdigest()
