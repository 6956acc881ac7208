"""Golden SARIF of a source-aware run, and proof that its locations sit on the right .tf lines.

Regenerate: python -m tests.source.regen_golden
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

from planlint.source.address import parse_address

HERE = Path(__file__).resolve().parent


def _regen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("source_regen_golden", HERE / "regen_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sarif_matches_golden_file() -> None:
    regen = _regen()
    assert regen.GOLDEN.read_text(encoding="utf-8") == regen.render(), (
        "run: python -m tests.source.regen_golden"
    )


def test_every_sarif_location_is_the_declaring_block_in_the_repository() -> None:
    regen = _regen()
    log = json.loads(regen.GOLDEN.read_text(encoding="utf-8"))
    results = [result for run in log["runs"] for result in run["results"]]
    assert {r["ruleId"] for r in results} >= {"PL001", "PL060"}
    for result in results:
        location = result["locations"][0]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        region = location["physicalLocation"]["region"]
        path = regen.REPO / uri
        assert not Path(uri).is_absolute() and path.is_file(), uri  # a repository path GitHub can place
        lines = path.read_text().splitlines()
        assert 1 <= region["startLine"] <= region["endLine"] <= len(lines)
        assert lines[region["endLine"] - 1].strip() == "}"  # the span ends where the block closes
        address = location["logicalLocations"][0]["fullyQualifiedName"]
        assert _declares(lines[region["startLine"] - 1], lines[region["startLine"]], address), (uri, address)


def _declares(first: str, second: str, address: str) -> bool:
    """Does the block opened on `first` declare `address` (or the module call / removed block standing in)?"""
    key = parse_address(address).key.split(".")
    resource = re.fullmatch(r'resource "([^"]+)" "([^"]+)" \{', first)
    if resource:
        return list(resource.groups()) == key
    if first == "removed {":
        return second.strip() == f"from = {'.'.join(key)}"
    module = re.fullmatch(r'module "([^"]+)" \{', first)
    return bool(module) and f"module.{module.group(1)}" in address
