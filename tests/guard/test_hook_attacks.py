"""Issue 10's hook attack list, answered by the hook and confirmed with real bash.

For every row of tests/guard/attack_table.py the hook's answer (deny or silent, and the kind) is
asserted; for every row that names what bash runs, the command is run by real bash with stub programs
first on PATH that log their argv, and the log must show exactly that invocation. A harmless row must
log nothing the guard classification would gate.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from planlint.guard.classify import classify
from planlint.guard.screen import screen
from planlint.guard.shell import SimpleCommand

from .attack_table import ATTACKS, Attack

STUB_NAMES = ("terraform", "aws", "kubectl", "gcloud", "az", "helm", "psql", "mysql")
STUB = '#!/bin/sh\nprintf "%s %s\\n" "$(basename "$0")" "$*" >> "$PLANLINT_TEST_LOG"\n'
# A fake `planlint` that runs whatever it was asked to "guard" (synthetic: the attack it stands for).
FAKE_PLANLINT = '#!/bin/sh\nshift 2\nexec "$@"\n'


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("attack-world")
    (root / "bin").mkdir()
    for name in STUB_NAMES:
        stub = root / "bin" / name
        stub.write_text(STUB)
        stub.chmod(0o755)
    fake = root / "planlint"
    fake.write_text(FAKE_PLANLINT)
    fake.chmod(0o755)
    (root / "msg").write_text("synthetic commit message\n")
    (root / "home").mkdir()
    return root


def _id(attack: Attack) -> str:
    return f"{ATTACKS.index(attack):02d}-{attack.cls.replace(' ', '-')}"


@pytest.mark.parametrize("attack", ATTACKS, ids=_id)
def test_hook_answer(attack: Attack, world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(world)
    result = screen(attack.command)
    got = result.kind if result.deny else ""
    assert got == attack.kind, result.reason
    if result.deny:
        assert result.reason.startswith("planlint") and "do not retry" in result.reason.lower()


def _bash(command: str, world: Path) -> list[str]:
    log = world / "log"
    log.write_text("")
    env = {
        "PATH": f"{world / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PLANLINT_TEST_LOG": str(log),
        "HOME": str(world / "home"),
        "LANG": "C.UTF-8",
    }
    subprocess.run(["bash", "-c", command], cwd=world, env=env, stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=30, check=False)  # fmt: skip
    for _ in range(30):  # `setsid` without -w returns before its child has run
        if log.read_text():
            break
        time.sleep(0.1)
    time.sleep(0.1)
    return [line.rstrip() for line in log.read_text().splitlines()]


CONFIRMED = [a for a in ATTACKS if a.runs is not None]


@pytest.mark.parametrize("attack", CONFIRMED, ids=_id)
def test_real_bash_runs_what_the_table_says(attack: Attack, world: Path) -> None:
    missing = [p for p in attack.needs if shutil.which(p) is None]
    if missing:
        pytest.skip(f"not installed: {missing}")
    ran = _bash(attack.command, world)
    assert attack.runs in ran, ran
    if attack.kind == "":
        gated = [line for line in ran if classify(SimpleCommand(tuple(line.split()))).gated]
        assert gated == []


def test_the_table_covers_every_class_the_issue_names() -> None:
    classes = {a.cls for a in ATTACKS}
    for needed in ("computed name", "ANSI-C quoting", "backslash-newline", "brace expansion",
                   "glob in command position", "function body", "coproc", "trap", "launcher",
                   "decoded string into a shell", "copied binary", "fake planlint", "cloud delete",
                   "cluster delete", "database drop", "harmless"):  # fmt: skip
        assert needed in classes
    assert len(CONFIRMED) >= 40
