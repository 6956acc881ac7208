"""The destructive digest: stable across harmless re-plans, changed by any new destructive item."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from planlint.pipeline import run_check

EXAMPLE = Path(__file__).resolve().parent.parent / "examples/terraform/rds-engine-change.json"


def _digest(tmp_path: Path, doc: dict[str, Any], name: str = "synthetic-plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return run_check([str(path)]).destructive_digest


def test_digest_ignores_attribute_noise_and_ordering(tmp_path: Path) -> None:
    doc = json.loads(EXAMPLE.read_text())
    base = _digest(tmp_path, doc)
    noisy = copy.deepcopy(doc)
    noisy["timestamp"] = "2030-01-01T00:00:00Z"
    noisy["resource_changes"].reverse()
    for rc in noisy["resource_changes"]:
        if rc["change"]["after"]:
            rc["change"]["after"]["tags"] = {"build": "4711"}
    assert _digest(tmp_path, noisy, "noisy.json") == base


def test_digest_changes_with_any_new_destructive_item(tmp_path: Path) -> None:
    doc = json.loads(EXAMPLE.read_text())
    base = _digest(tmp_path, doc)
    more = copy.deepcopy(doc)
    extra = copy.deepcopy(doc["resource_changes"][0])
    extra["address"] = "aws_db_instance.orders_replica"
    more["resource_changes"].append(extra)
    assert _digest(tmp_path, more, "more.json") != base
    order = copy.deepcopy(doc)
    order["resource_changes"][0]["change"]["actions"] = ["create", "delete"]
    assert _digest(tmp_path, order, "order.json") != base
    reason = copy.deepcopy(doc)
    reason["resource_changes"][0]["action_reason"] = "replace_by_request"
    assert _digest(tmp_path, reason, "reason.json") != base


def test_non_destructive_changes_do_not_move_the_digest(tmp_path: Path) -> None:
    doc = json.loads(EXAMPLE.read_text())
    base = _digest(tmp_path, doc)
    more = copy.deepcopy(doc)
    more["resource_changes"].append(
        {
            "address": "aws_iam_role.extra",
            "type": "aws_iam_role",
            "name": "extra",
            "change": {"actions": ["create"], "before": None, "after": {}},
        }
    )
    assert _digest(tmp_path, more, "more.json") == base
