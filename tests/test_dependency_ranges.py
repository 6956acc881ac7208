"""pyproject.toml's dependency ranges, the lowest versions CI tests (.ci/lowest-constraints.txt) and the
Action's pins (action-constraints.txt) stay in step: CI tests both ends of every range."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOWER_BOUND = re.compile(r"^([A-Za-z0-9_.-]+)>=([0-9][0-9.]*)$")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _pins(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("==", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name.strip().lower(): version.strip() for name, version in pairs}


def _runtime_lower_bounds() -> dict[str, str]:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        match = LOWER_BOUND.match(requirement.replace(" ", ""))
        assert match, f"{requirement!r}: give every runtime dependency a lower bound (name>=version)"
        bounds[match.group(1).lower()] = match.group(2)
    return bounds


def test_ci_tests_exactly_the_lower_bound_of_every_runtime_dependency() -> None:
    assert _pins(REPO / ".ci" / "lowest-constraints.txt") == _runtime_lower_bounds()


def test_the_actions_pins_lie_inside_the_ranges() -> None:
    pins = _pins(REPO / "action-constraints.txt")
    for name, low in _runtime_lower_bounds().items():
        assert name in pins, f"action-constraints.txt does not pin {name}"
        assert _version(pins[name]) >= _version(low), (name, pins[name], low)


def test_ci_runs_the_lowest_versions() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c .ci/lowest-constraints.txt" in script
