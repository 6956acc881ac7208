"""Golden outputs of whole `planlint check` runs on real corpus inputs, in every format.

Regenerate (then review the diff like code):

    python -m tests.regen_golden

Inputs are named relative to the corpus root and the run happens there, so no machine path ends up
in a golden file. tests/test_golden.py compares the same renderings with the files in tests/golden/.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PLANLINT_CORPUS", REPO.parent / "shared" / "corpus")).resolve()

# name -> inputs (relative to the corpus root), judged together in one run
CASES: dict[str, tuple[str, ...]] = {
    "tf-destroy-plan": ("terraform/snyk-cli/tf-plan-destroy.json",),
    "tf-s3-delete-and-replace": ("terraform/terraform-visual/examples__aws-s3.json",),
    "cfn-deletion-policies": ("cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json",),
    "cfn-nested": (
        "cloudformation/trek10-cfn-changeset-viewer/nested.json",
        "cloudformation/trek10-cfn-changeset-viewer/nested.nested.json",
    ),
    "tf-sensitive-replace": ("terraform/tfreveal/sensitive__plan.json",),
    "multiple-inputs": (
        "terraform/terraform-visual/examples__aws-s3.json",
        "terraform/tfreveal/sensitive__plan.json",
        "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json",
    ),
}

# output format -> golden file extension
EXTENSIONS: dict[str, str] = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "sarif": "sarif",
    "github": "github",
}


@contextmanager
def _in_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def render_case(name: str, corpus: Path = CORPUS) -> dict[str, str]:
    """Every format's output for one case, run through the real pipeline from the corpus root."""
    from planlint.pipeline import run_check
    from planlint.report import REPORTERS

    with _in_directory(corpus):
        verdict = run_check(list(CASES[name]))
    return {EXTENSIONS[fmt]: reporter(verdict) for fmt, reporter in REPORTERS.items()}


def golden_path(name: str, extension: str) -> Path:
    return GOLDEN / f"{name}.{extension}"


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS} (set PLANLINT_CORPUS)", file=sys.stderr)
        return 2
    GOLDEN.mkdir(exist_ok=True)
    written = 0
    for name in CASES:
        for extension, output in render_case(name).items():
            path = golden_path(name, extension)
            if not path.exists() or path.read_text(encoding="utf-8") != output:
                path.write_text(output, encoding="utf-8", newline="\n")
                written += 1
                print(f"updated {path.relative_to(REPO)}")
    print(f"{written} golden file(s) updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
