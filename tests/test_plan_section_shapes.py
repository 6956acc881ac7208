"""A plan section planlint does not need to read in full must still have the shape the format gives it:
`planned_values` is an object (https://developer.hashicorp.com/terraform/internals/json-format#plan-representation).
Found by a fresh attacker: once destroy-mode detection skipped `planned_values` whenever every delete
says why, `"planned_values": [1, 2]` was judged (exit 1) instead of refused (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BASIC_DELETE = "terraform/terraform/show-json__basic-delete__output.json"  # its delete carries a reason


@pytest.mark.parametrize("value", [[1, 2], "x", 3, None])
def test_planned_values_that_is_not_an_object_is_exit_2(corpus: Path, tmp_path: Path, value: object) -> None:
    doc = json.loads((corpus / BASIC_DELETE).read_text())
    assert [
        c.get("action_reason") for c in doc["resource_changes"] if c["change"]["actions"] == ["delete"]
    ] == ["delete_because_no_resource_config"]
    doc["planned_values"] = value
    plan = tmp_path / "synthetic-planned-values.json"
    plan.write_text(json.dumps(doc))
    proc = subprocess.run([sys.executable, "-m", "planlint", "check", str(plan)], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.strip().endswith("planned_values is not an object of modules and resources"), (
        proc.stderr
    )
    assert "Traceback" not in proc.stderr
