"""Golden SARIF of a whole source-aware run: synthetic plan + head/base source trees, from the repo root.

Regenerate (then review the diff like code):

    python -m tests.source.regen_golden

The run happens in the repository root, so every SARIF location is a repository path that GitHub code
scanning places on the .tf line of the pull request; tests/source/test_source_golden.py checks that too.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "synthetic-source.sarif"
FIXTURES = "tests/fixtures/source"
ARGS = {
    "paths": [f"{FIXTURES}/synthetic-plan.json"],
    "source": f"{FIXTURES}/synthetic-head",
    "base_source": f"{FIXTURES}/synthetic-base",
}


def render() -> str:
    from planlint.pipeline import run_check
    from planlint.report import REPORTERS

    before = Path.cwd()
    os.chdir(REPO)
    try:
        verdict = run_check(ARGS["paths"], source=str(ARGS["source"]), base_source=str(ARGS["base_source"]))
    finally:
        os.chdir(before)
    return REPORTERS["sarif"](verdict)


def main() -> int:
    output = render()
    GOLDEN.parent.mkdir(exist_ok=True)
    if GOLDEN.exists() and GOLDEN.read_text(encoding="utf-8") == output:
        print("golden SARIF unchanged")
        return 0
    GOLDEN.write_text(output, encoding="utf-8", newline="\n")
    print(f"updated {GOLDEN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
