"""One side of a change asked for twice with different keys must give each caller every key it asked for.

PlanValues.fields (planlint/loaders/terraform.py) decodes only the keys asked and caches them per side. A
kind-judged type (`kubernetes_manifest`) is asked for `manifest` first (its `manifest.kind`), then for the
union of its rules' attribute keys (`manifest`, `object`). A cache that answered the second question with
the first answer would lose the rule's finding: the plan would pass. Synthetic plan and policy rule: a
Deployment's manifest scaled to zero replicas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from planlint.loaders.terraform_values import PlanValues

PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.11.4",
    "resource_changes": [
        {
            "address": "kubernetes_manifest.web",
            "mode": "managed",
            "type": "kubernetes_manifest",
            "name": "web",
            "provider_name": "registry.terraform.io/hashicorp/kubernetes",
            "change": {
                "actions": ["update"],
                "before": {"manifest": {"kind": "Deployment"}, "object": {"spec": {"replicas": 3}}},
                "after": {"manifest": {"kind": "Deployment"}, "object": {"spec": {"replicas": 0}}},
                "before_sensitive": {},
                "after_sensitive": {},
            },
        }
    ],
}
RULE = """\
id: PL952
name: synthetic-scaled-to-zero
title: A synthetic rule that reads a manifest's kind and its live object
severity: high
enforcement: approve
match:
  types: [kubernetes_manifest]
  actions: [update]
  attributes: [{path: object.spec.replicas, after: 0}, {path: manifest.kind, after: Deployment}]
message: "{address}: synthetic scaled to zero"
docs:
  what: A synthetic test rule that reads the live object of a manifest.
  why: A synthetic test rule that reads the live object of a manifest.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule that reads the live object of a manifest.
"""


def test_a_side_asked_for_its_kind_then_for_its_rules_keys_keeps_every_key(tmp_path: Path) -> None:
    plan = tmp_path / "synthetic-scaled-manifest.json"
    plan.write_text(json.dumps(PLAN))
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "PL952.yaml").write_text(RULE)
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "check", "--rules", str(tmp_path / "rules"), str(plan), "--format",
         "json"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    gated = [(f["rule_id"], f["address"]) for f in json.loads(proc.stdout)["findings"]]
    assert gated == [("PL952", "kubernetes_manifest.web")]


def test_a_side_decoded_whole_answers_its_fields_without_the_raw_slices() -> None:
    """Synthetic: once a side is decoded whole, its fields come from that decode and that side is never
    decoded again; with the slices dropped, decoding again would raise."""
    raws = (
        msgspec.Raw(b'{"a": 1, "b": 2}'),
        msgspec.Raw(b"false"),
        msgspec.Raw(b"null"),
        msgspec.Raw(b"false"),
    )
    values = PlanValues(raws, "aws_db_instance.a", "synthetic.json")
    assert values.before() == {"a": 1, "b": 2}
    values.release()
    assert values.fields("before", ("a", "c")) == {"a": 1, "c": None}
    with pytest.raises(RuntimeError, match="released"):
        values.fields("after", ("a",))
