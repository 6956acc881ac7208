"""Every rule's pass/fail cases, one YAML file per rule: tests/rules/<ID>.yaml.

Case file format:

    rule: PL001
    cases:
      - name: what the case shows
        expect: fail          # fail = the rule fires on this input; pass = it does not
        enforcement: approve  # optional: enforcement every finding of this rule must have
        count: 2              # optional: exact number of findings of this rule
        config: {...}         # optional: an inline .planlint.yml
        plan: {...}           # an inline synthetic plan / change set (written to a file as JSON)
        corpus: terraform/snyk-cli/tf-plan-destroy.json   # ...or a real corpus file instead of `plan`
        source: synthetic-head     # optional: Terraform source tree under tests/fixtures/source/
        base_source: synthetic-base   # optional: its base checkout (protections removed since)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from planlint.pipeline import run_check
from planlint.ruleset import builtin_rules_dir

CASES_DIR = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("PL*.yaml")):
        doc = yaml.safe_load(path.read_text())
        assert doc["rule"] == path.stem, f"{path}: rule must match the file name"
        for case in doc["cases"]:
            params.append(pytest.param(doc["rule"], case, id=f"{doc['rule']}-{case['name']}"))
    return params


def test_every_rule_has_pass_and_fail_cases() -> None:
    rule_ids = {p.stem for p in builtin_rules_dir().glob("PL*.yaml")}
    missing = []
    for rule_id in sorted(rule_ids):
        path = CASES_DIR / f"{rule_id}.yaml"
        expects = {c["expect"] for c in yaml.safe_load(path.read_text())["cases"]} if path.exists() else set()
        if expects != {"pass", "fail"}:
            missing.append(rule_id)
    assert not missing, f"rules without both pass and fail cases: {missing}"


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_case(
    rule_id: str, case: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    inputs: list[str] = []
    if "corpus" in case:
        corpus: Path = request.getfixturevalue("corpus")
        inputs = [str(corpus / case["corpus"])]
    elif "plan" in case:
        plan_file = tmp_path / "synthetic-plan.json"
        plan_file.write_text(json.dumps(case["plan"]))
        inputs = [str(plan_file)]
    # source / base_source: Terraform source trees under tests/fixtures/source/ (`check --source`)
    source_dirs = {
        key: str(Path(__file__).parent / "fixtures" / "source" / case[key])
        for key in ("source", "base_source")
        if key in case
    }
    config_path = None
    if "config" in case:
        config_path = tmp_path / ".planlint.yml"
        config_path.write_text(yaml.safe_dump(case["config"]))
    verdict = run_check(inputs, config_path=config_path, **source_dirs)
    hits = [f for f in verdict.findings if f.rule_id == rule_id]
    if case["expect"] == "fail":
        assert hits, f"{rule_id} did not fire: {case['name']}"
    else:
        assert not hits, f"{rule_id} fired unexpectedly: {[f.message for f in hits]}"
    if "count" in case:
        assert len(hits) == case["count"]
    if "enforcement" in case:
        assert {f.enforcement for f in hits} == {case["enforcement"]}
