"""Database and cluster clients read their options the way getopt_long does: a value attached (`-cDROP…`,
`-fFILE`), short options bundled (`-Xc …`), long options abbreviated (`--comm=…`). The hook reads them the
same way (planlint/guard/destructive.py `_options`), so no spelling walks a DROP or a delete past it.
Every row goes through the real `planlint hook claude` entry point, with real files in a temp directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DENIED = [
    'psql "-cDROP TABLE users" db',
    "psql -Xc 'DROP TABLE users' db",
    "psql -fdrop.sql db",
    "psql -Xf drop.sql db",
    "psql --comm='DROP TABLE users' db",
    "psql --fil=drop.sql db",
    'mysql -e"DROP TABLE users" db',
    "mysql --exec='DROP TABLE users' db",
    "kubectl delete -fapp.yaml",
    "kubectl delete -f- < app.yaml",
    "gsutil rm -rf gs://prod-data/x",
]
QUIET = [
    'psql -c "select 1" db',
    'psql -U fred -d mydb -c "select 1"',
    'psql -dfoo -c "select 1"',  # -d takes the rest of the word: no -f, no -c inside it
    "psql -f report.sql db",
    "kubectl get pods -n prod -f app.yaml",
]


def _answer(command: str, cwd: Path) -> str:
    event = {"tool_name": "Bash", "tool_input": {"command": command}, "hook_event_name": "PreToolUse"}
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "hook", "claude", "--guard-account", "none"],
        input=json.dumps(event), capture_output=True, text=True, cwd=cwd, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "drop.sql").write_text("DROP TABLE users;\n")
    (tmp_path / "report.sql").write_text("SELECT count(*) FROM users;\n")
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n")
    return tmp_path


@pytest.mark.parametrize("command", DENIED)
def test_every_spelling_of_a_destructive_option_is_denied(tree: Path, command: str) -> None:
    answer = _answer(command, tree)
    assert '"permissionDecision": "deny"' in answer and "needs a peer's approval" in answer, answer


@pytest.mark.parametrize("command", QUIET)
def test_harmless_spellings_stay_quiet(tree: Path, command: str) -> None:
    assert _answer(command, tree) == ""
