"""A report that cannot be written is one line naming where and why, exit 2, whatever the verdict:
`-o` into a directory or a missing directory, and standard output on a full device (the real /dev/full,
through a real process, for every command that writes to standard output)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.docs_gen import main as docs_main

REPO = Path(__file__).resolve().parent.parent
SAFE = str(REPO / "examples" / "terraform" / "safe-update.json")  # a plan that passes (exit 0)
FULL = "/dev/full"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_output_into_a_directory_or_nowhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    for target, reason in (
        (tmp_path, "Is a directory"),
        (tmp_path / "no" / "x", "No such file or directory"),
    ):
        assert main(["check", SAFE, "--format", fmt, "-o", str(target)]) == 2
        out, err = capsys.readouterr()
        assert err == f"planlint: error: cannot write the report to {target}: {reason}\n"
        assert out == ""


def test_rules_page_into_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert docs_main(["--path", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err
        == f"planlint: error: cannot write the rules page to {tmp_path}: Is a directory\n"
    )


@pytest.mark.skipif(not Path(FULL).exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "argv",
    [
        ["check", SAFE],
        ["check", SAFE, "--format", "json"],
        ["rules", "list"],
        ["rules", "show", "PL001"],
        ["catalogue"],
        ["catalogue", "aws_s3_bucket"],
    ],
    ids=lambda argv: " ".join(a for a in argv if not a.startswith("/"))[:40],
)
def test_standard_output_on_a_full_device(argv: list[str]) -> None:
    _assert_full_device_refused(argv)


@pytest.mark.skipif(not Path(FULL).exists(), reason="needs /dev/full (Linux)")
def test_diff_on_a_full_device(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"  # synthetic: one queue, diffed against itself (a pass)
    template.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n", encoding="utf-8")
    _assert_full_device_refused(["diff", str(template), str(template)])


def _assert_full_device_refused(argv: list[str]) -> None:
    with Path(FULL).open("w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "planlint", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert run.stderr == "planlint: error: cannot write the report to <stdout>: No space left on device\n"
    assert run.returncode == 2
