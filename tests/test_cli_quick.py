"""A plain `planlint check …` line is read without argparse (planlint/cli_quick.py), exactly as argparse reads it.

Each command line is read both ways: by the quick reader, and by argparse (the parser `planlint check`
always had). Where the quick reader answers, it must give the very same options; where argparse would
print help or an error, the quick reader must not answer at all (argparse then reads the line, so the
user sees argparse's message). Lines are generated from the tokens that tell the two apart.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlint.cli import UsageError
from planlint.cli_parser import command_only_parser
from planlint.cli_quick import QUICK_COMMANDS, Recorder, Unsupported, quick_parse


def _argparse(argv: list[str]) -> tuple[str, Any]:
    parser = command_only_parser(argv[0])
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            namespace, extra = parser.parse_known_args(argv[1:])
    except UsageError as exc:
        return "usage error", exc.message
    except SystemExit:  # --help
        return "exit", out.getvalue()
    if extra:
        return "unrecognized", extra
    return "parsed", {"command": argv[0], **vars(namespace)}


def _same_reading(argv: list[str]) -> None:
    quick = quick_parse(argv)
    outcome, value = _argparse(argv)
    if quick is not None:
        assert (outcome, vars(quick)) == ("parsed", value), argv


PLAIN = [
    ["check", "plan.json"],
    ["check", "a.json", "b.json", "--format", "json", "-o", "out.json"],
    ["check", "-f", "sarif", "-q", "--no-color", "plan.json"],
    ["check", "--color", "always", "--rules", "r1", "--rules", "r2", "--template", "t.json", "cs.json"],
    ["check", "--source", "infra", "--base-ref", "HEAD", "--run-report", "report.json"],
    ["check", "-", "--config", "policy.yml", "--input-format", "pulumi"],
    ["check", "--output", "-", "plan.json"],
    ["check"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=[" ".join(a) for a in PLAIN])
def test_plain_lines_are_read_quickly_and_the_same(argv: list[str]) -> None:
    assert quick_parse(argv) is not None
    _same_reading(argv)


NOT_PLAIN = [
    ["check", "--help"],
    ["check", "-h"],
    ["check", "--format=json", "plan.json"],
    ["check", "-fjson", "plan.json"],
    ["check", "-qf", "json", "plan.json"],
    ["check", "--form", "json", "plan.json"],  # abbreviations are refused by argparse
    ["check", "--format", "yaml", "plan.json"],
    ["check", "--output"],
    ["check", "--output", "--quiet", "plan.json"],
    ["check", "a.json", "--quiet", "b.json"],  # argparse reads one run of positionals
    ["check", "--", "-plan.json"],
    ["check", "-5"],
    ["check", "plan.json", "--frobnicate"],
    ["rules"],
    ["--format", "json", "check", "plan.json"],
]


@pytest.mark.parametrize("argv", NOT_PLAIN, ids=[" ".join(a) for a in NOT_PLAIN])
def test_everything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert quick_parse(argv) is None


TOKENS = st.sampled_from(
    [
        *("plan.json", "b.json", "-", "", "-5", "--", "json", "text", "sarif", "yaml", "HEAD", "x y"),
        *("-f", "--format", "-o", "--output", "-c", "--config", "--rules", "--template", "--source"),
        *("--base-source", "--base-ref", "--input-format", "terraform", "--run-report", "--color"),
        *("always", "never", "auto", "--no-color", "-q", "--quiet", "-h", "--help", "--form", "-qf"),
        *("--format=json", "-fjson", "--frobnicate", "--version"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=8))
def test_generated_lines_read_the_same(tokens: list[str]) -> None:
    _same_reading(["check", *tokens])


def test_the_recorder_refuses_what_it_does_not_read() -> None:
    recorder = Recorder()
    with pytest.raises(Unsupported):
        recorder.add_argument("--count", type=int)
    with pytest.raises(Unsupported):
        recorder.add_argument("--mode", action="count")
    with pytest.raises(Unsupported):
        recorder.add_argument("pair", nargs=2)
    assert not hasattr(recorder, "add_mutually_exclusive_group")  # such a command is read by argparse


def test_every_quick_command_records_fully() -> None:
    for name in QUICK_COMMANDS:
        assert quick_parse([name, "plan.json"]) is not None, name


def test_a_plain_check_never_imports_argparse() -> None:
    code = "import sys; from planlint.cli import main; main(sys.argv[1:]); print('argparse' in sys.modules)"
    args = [sys.executable, "-c", code, "check", "--format", "json", "synthetic-missing.json"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.splitlines()[-1] == "False", done.stderr
    assert "synthetic-missing.json: no such file" in done.stderr
