"""Terraform 1.14 plans that invoke provider actions (`action_invocations`) are refused, not passed.

An action runs whatever its provider implements (https://developer.hashicorp.com/terraform/language/invoke-actions),
which planlint's rules do not describe: trust rule 5, what planlint cannot judge is asked about, never
passed. The plans are a real corpus plan (a harmless update that passes) with synthetic invocations added
in the shape Terraform's JSON plan gives them (internal/command/jsonplan: address, type,
lifecycle_action_trigger)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

PLAN = "terraform/terraform/equivalence__basic_json_string_update__plan.json"
INVOCATION = {  # synthetic
    "address": "action.aws_lambda_invoke.purge",
    "type": "aws_lambda_invoke",
    "name": "purge",
    "provider_name": "registry.terraform.io/hashicorp/aws",
    "lifecycle_action_trigger": {
        "triggering_resource_address": "aws_lambda_function.app",
        "action_trigger_event": "after_update",
    },
}


def _check(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], **extra: Any) -> tuple[int, str]:
    doc = json.loads((corpus / PLAN).read_text(encoding="utf-8"))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**doc, **extra}), encoding="utf-8")
    code = main(["check", str(path)])
    return code, capsys.readouterr().err


def test_the_plan_passes_without_actions(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(tmp_path, corpus, capsys)[0] == 0
    assert _check(tmp_path, corpus, capsys, action_invocations=[])[0] == 0


def test_a_plan_that_invokes_an_action_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _check(tmp_path, corpus, capsys, action_invocations=[INVOCATION])
    assert code == 2
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "plan.json" in line and "action.aws_lambda_invoke.purge" in line and "action_invocations" in line


def test_a_deferred_action_invocation_is_refused(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deferred = [{"reason": "resource_config_unknown", "action_invocation": INVOCATION}]
    code, err = _check(tmp_path, corpus, capsys, deferred_action_invocations=deferred)
    assert code == 2 and "1 provider action(s)" in err


@pytest.mark.parametrize(("count", "named", "more"), [(5, 5, False), (6, 5, True)])
def test_the_refusal_names_the_first_five_actions(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str], count: int, named: int, more: bool
) -> None:
    invocations = [{**INVOCATION, "address": f"action.aws_lambda_invoke.a{i}"} for i in range(count)]
    code, err = _check(tmp_path, corpus, capsys, action_invocations=invocations)
    assert code == 2 and f"invokes {count} provider action(s)" in err
    assert [f"a{i}" in err for i in range(count)] == [i < named for i in range(count)]
    assert ("…" in err) is more
