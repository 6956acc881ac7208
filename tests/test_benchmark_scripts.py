"""The benchmark scripts are run by hand, never by CI: this keeps them importable and their options readable,
so a refactor of one (run.py's helpers moved to workloads.py) cannot leave another failing at import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# A script is a file that runs as one (`if __name__ == "__main__"`); the others (workloads.py, combined.py,
# floors.py) are modules the scripts import.
SCRIPTS = sorted(
    p for p in BENCHMARKS.glob("*.py") if '__name__ == "__main__"' in p.read_text(encoding="utf-8")
)


def test_the_scripts_are_found() -> None:
    assert {"run.py", "many_stacks.py", "paired.py", "run_task.py"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_script_answers_help(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:")
