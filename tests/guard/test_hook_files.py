"""Issue 10 review gaps 1-5: commands that run files, answered by the real hook and confirmed with real bash.

For every row of tests/guard/file_attacks.py a fresh working directory gets the row's (synthetic) files.
`planlint hook claude` (`planlint.cli.main`, the console script's entry point) must deny or stay silent
as the row says, and `screen` must name the row's kind. Rows that say what bash runs are then run by real
bash with stub programs first on PATH that log their argv (and standard input): the log must show it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.guard import advice
from planlint.guard.screen import screen

from .file_attacks import FILE_ATTACKS, FileAttack

STUB_NAMES = ("terraform", "tofu", "aws", "cdk", "psql", "mysql")
# Logs its argv, and its standard input when that is not the (empty) /dev/null the test gives bash.
STUB = (
    '#!/bin/sh\nprintf "%s %s\\n" "$(basename "$0")" "$*" >> "$PLANLINT_TEST_LOG"\n'
    'case "$(basename "$0")" in psql|mysql) sed "s/^/  stdin: /" >> "$PLANLINT_TEST_LOG";; esac\n'
)


@pytest.fixture(scope="module")
def stubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stubs")
    for name in STUB_NAMES:
        (folder / name).write_text(STUB)
        (folder / name).chmod(0o755)
    return folder


def _world(attack: FileAttack, root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in attack.files.items():
        path = root / name.rstrip("*")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o755 if name.endswith("*") else 0o644)
    return root


def _id(attack: FileAttack) -> str:
    return f"{FILE_ATTACKS.index(attack):02d}-{attack.cls.replace(' ', '-')}"


@pytest.mark.parametrize("attack", FILE_ATTACKS, ids=_id)
def test_hook_answer(
    attack: FileAttack,
    tmp_path: Path,
    stubs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(_world(attack, tmp_path))
    monkeypatch.setenv("PATH", f"{stubs}{os.pathsep}{os.environ['PATH']}")
    payload = {
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": attack.command},
    }
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(payload).encode())))
    try:
        assert main(["hook", "claude", "--guard-account", "none"]) == 0
    finally:
        advice.configure(None)
    out = capsys.readouterr().out
    result = screen(attack.command)
    assert (result.kind if result.deny else "") == attack.kind, result.reason
    if attack.kind:
        reason = json.loads(out)["hookSpecificOutput"]["permissionDecisionReason"]
        assert reason == result.reason and "\n" not in reason and "do not retry" in reason.lower()
    else:
        assert out == ""


CONFIRMED = [a for a in FILE_ATTACKS if a.runs is not None]


@pytest.mark.parametrize("attack", CONFIRMED, ids=_id)
def test_real_bash_runs_what_the_table_says(attack: FileAttack, tmp_path: Path, stubs: Path) -> None:
    missing = [p for p in attack.needs if shutil.which(p) is None]
    if missing:
        pytest.skip(f"not installed: {missing}")
    world = _world(attack, tmp_path / "w")
    log = tmp_path / "log"
    log.write_text("")
    env = {
        "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}",
        "PLANLINT_TEST_LOG": str(log),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "npm_config_cache": str(tmp_path / "npm"),
        "npm_config_update_notifier": "false",
    }
    subprocess.run(["bash", "-c", attack.command], cwd=world, env=env, stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=60, check=False)  # fmt: skip
    ran = [line.rstrip() for line in log.read_text().splitlines()]
    assert attack.runs in ran, ran


def test_the_table_covers_every_gap() -> None:
    classes = {a.cls for a in FILE_ATTACKS}
    for needed in ("sql from a redirect", "sql from a file option", "task runner", "sdk call in code",
                   "sdk call in a script", "spawn in a script", "script", "nested scripts", "script unreadable",
                   "PATH change", "unresolvable name", "harmless"):  # fmt: skip
        assert needed in classes
    assert len(CONFIRMED) >= 30


PLAIN = [
    "terraform plan -out tfplan",
    "TF_LOG=debug terraform apply",
    "sudo -u deploy terraform destroy",
    "~/.tfenv/bin/terraform_1.9.8 destroy",
    "make -C infra apply",
    "git status",
    "aws s3 rb s3://prod-data --force",
    "cd infra",
]


@pytest.mark.parametrize("line", PLAIN)
def test_plain_lines_read_without_the_grammar_as_the_grammar_reads_them(line: str) -> None:
    from planlint.guard.shell import Reader, _parse_into, parse
    from planlint.guard.shellwords import mentions_iac

    acc = Reader(mentions=mentions_iac(line))
    _parse_into(line, acc, depth=0, via=())
    fast = parse(line)
    assert fast.commands == tuple(acc.commands)
    assert fast.unverifiable == tuple(dict.fromkeys(acc.unverifiable))


def test_a_plain_command_does_not_import_tree_sitter() -> None:
    code = (
        "import sys; from planlint.guard.screen import screen; "
        "screen('terraform plan -out tfplan'); print('tree_sitter' in sys.modules); "
        "screen('terraform plan | tee out'); print('tree_sitter' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "True"]


def test_a_fifo_or_device_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`psql < fifo` must not hang the hook: only regular files are read, anything else is unknown."""
    os.mkfifo(tmp_path / "pipe.sql")
    monkeypatch.chdir(tmp_path)
    assert screen("psql app < pipe.sql").kind == "destructive"
    assert screen("bash /dev/stdin").kind == "unverifiable"
