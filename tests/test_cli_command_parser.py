"""A command line that starts with its command is read by that command's parser alone (issue 13: start-up).

`planlint check PLAN` builds only `check`'s parser instead of planlint's and every command's
(planlint/cli_parser.py `command_only_parser`). What a user sees must not change: the same parsed
options, the same usage errors (message, usage line, exit 2) and the same `--help` text, so each case is
read both ways, through the one-command parser and through the whole command line's parser, and the
outcomes compared.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest

from planlint.cli import COMMANDS, UsageError, main
from planlint.cli_parser import build_parser, command_parser, parse_command_line


def _whole_command_line(argv: list[str]) -> Any:
    """How every command line was read before: planlint's parser with all the commands' sub-parsers."""
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    namespace, extra = parser.parse_known_args(argv)
    if extra:
        command_parser(parser, namespace.command).error(f"unrecognized arguments: {' '.join(extra)}")
    return namespace


def _outcome(read: Any, argv: list[str]) -> tuple[Any, ...]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            namespace = read(argv)
    except UsageError as exc:
        return ("usage error", exc.prog, exc.message, exc.usage)
    except SystemExit as exc:  # --help
        return ("exit", exc.code, out.getvalue(), err.getvalue())
    return ("parsed", sorted(vars(namespace).items()))


CHECK_LINES = [
    ["check", "plan.json"],
    ["check", "a.json", "b.json", "--format", "json", "-o", "out.json"],
    ["check", "--format=sarif", "plan.json"],
    ["check", "-fjson", "-q", "plan.json"],
    ["check", "-qf", "markdown", "plan.json"],
    ["check", "--no-color", "--color", "always", "--rules", "r1", "--rules", "r2", "plan.json"],
    ["check", "--template", "t1.json", "--template", "t2.json", "--input-format", "pulumi", "p.json"],
    ["check", "--source", "infra", "--base-ref", "HEAD", "--run-report", "report.json"],
    ["check", "-", "--config", "policy.yml"],
    ["check", "--", "-plan-named-like-an-option.json"],
    ["check", "-5"],
    ["check"],
    ["check", "--form", "json", "plan.json"],  # abbreviations are refused
    ["check", "--format", "yaml", "plan.json"],
    ["check", "--input-format", "hcl", "plan.json"],
    ["check", "plan.json", "--frobnicate", "extra"],
    ["check", "plan.json", "--output"],
    ["check", "--version"],
    ["check", "-h"],
    ["check", "plan.json", "--help"],
]


@pytest.mark.parametrize("argv", CHECK_LINES, ids=[" ".join(a) for a in CHECK_LINES])
def test_check_lines_read_the_same(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    whole = _outcome(_whole_command_line, argv)
    assert _outcome(lambda a: parse_command_line(a)[1], argv) == whole
    if argv == ["check", "-h"]:  # the help really is check's own
        assert whole[0] == "exit" and whole[2].startswith("usage: planlint check [-h]")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_help_and_usage_error_read_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    for argv in ([name, "--help"], [name, "--frobnicate"], [name]):
        assert _outcome(lambda a: parse_command_line(a)[1], argv) == _outcome(_whole_command_line, argv), argv


def test_options_before_the_command_still_go_through_planlint_s_parser(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as exit_info:
        main(["-h", "check"])
    assert exit_info.value.code == 0
    listing = capsys.readouterr().out
    assert listing.startswith("usage: planlint [-h] [--version] COMMAND ...")
    assert all(f"    {name}" in listing for name in COMMANDS)  # every command listed, not only check
    assert main(["--frobnicate", "check", "plan.json"]) == 2
    last_line = capsys.readouterr().err.splitlines()[-1]
    assert last_line == "planlint check: error: unrecognized arguments: --frobnicate"
