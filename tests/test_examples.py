"""Every input example in examples/README.md's table gets the exit code the table promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planlint.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROWS = re.findall(r"^\| `([^`]+\.json)` \| [^|]+ \| (\d)\b", (EXAMPLES / "README.md").read_text(), re.M)


def test_the_table_lists_every_shipped_input() -> None:
    shipped = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.glob("*/*.json")}
    assert shipped and {path for path, _ in ROWS} == shipped


@pytest.mark.parametrize(("path", "code"), ROWS)
def test_each_example_exits_as_documented(path: str, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLES / path)]) == int(code)
    out = capsys.readouterr().out
    assert ("Decision: approval required" in out) is (code == "1")
