"""Every case in ../shared/cases/expect.tsv (inputs replayed from public bug reports) is judged as it says.

Each row is one member of a class of inputs; the other members have their own tests next to the rule or
loader that covers the class. A GATE row must also name its addresses as gated findings.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from planlint.cli import main

EXIT = {"PASS": 0, "GATE": 1, "REFUSE": 2}


def _cases_root() -> Path:
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"
    return Path(os.environ.get("PLANLINT_CASES", default)).resolve()


def _rows() -> list[dict[str, str]]:
    expect = _cases_root() / "expect.tsv"
    if not expect.is_file():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{expect} is missing; CI must run the replayed cases")
        return []
    with expect.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def test_cases_folder_is_present() -> None:
    if not ROWS:
        pytest.skip(f"no replayed cases at {_cases_root()} (set PLANLINT_CASES)")
    assert all(row["want"] in EXIT for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_case_verdict(row: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    path = _cases_root() / row["file"]
    code = main(["check", "--format", "json", str(path)])
    out, err = capsys.readouterr()
    assert code == EXIT[row["want"]], f"{row['file']} ({row['note']}): exit {code}\n{err}{out[-2000:]}"
    if row["want"] == "REFUSE":
        assert err.startswith("planlint: error:") and str(path) in err
        return
    report = json.loads(out)
    gated = {f["address"] for f in report["findings"] if f["gated"] and f["waived_by"] is None}
    wanted = {a for a in row["addrs"].split(",") if a and a != "-"}
    assert wanted <= gated, f"{row['file']}: not gated: {sorted(wanted - gated)}"
    if row["want"] == "PASS":
        assert not gated
