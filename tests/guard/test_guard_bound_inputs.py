"""An exact-command approval binds what the command reads: a database client's standard input and the
files its words name (planlint/guard/bound_inputs.py). Editing `drop.sql` after a human approved it must
not run the edited statements; the command runs from guard's own copy of the approved bytes."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .test_guard_terraform import Rig, _approve, _trust, rig

__all__ = ["rig"]

# Synthetic stand-ins for psql/kubectl/aws (a real one would need a server): each records its argv, the
# bytes on its standard input, and the text of every argument that names a file when it runs.
STUB = f"""#!{sys.executable}
import json, os, sys
files = {{a: open(a).read() for a in sys.argv[1:] if os.path.isfile(a)}}
data = sys.stdin.read()
with open(os.environ['FAKE_CLI_LOG'], 'a') as log:
    log.write(json.dumps({{"prog": os.path.basename(sys.argv[0]), "argv": sys.argv[1:], "stdin": data,
                          "files": files}}) + "\\n")
"""


def _stubs(rig: Rig, names: tuple[str, ...] = ("psql", "mysql", "kubectl", "aws")) -> Path:
    """The logging stand-ins `names` first on the rig's PATH; returns their log file."""
    bin_dir = Path(rig.env["PATH"].split(os.pathsep)[0])
    for name in names:
        (bin_dir / name).write_text(STUB)
        (bin_dir / name).chmod(0o755)
    log = rig.work.parent / "cli.jsonl"
    rig.env["FAKE_CLI_LOG"] = str(log)
    return log


def _guard(rig: Rig, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """`planlint guard` with `stdin` piped in (None: /dev/null, as an agent's shell tool gives it)."""
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(rig.trust), *args],
        cwd=rig.work, env=rig.env, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def _calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_redirected_statements_are_bound_and_an_edit_after_approval_is_refused(rig: Rig) -> None:
    log = _stubs(rig)
    keys = _trust(rig)
    approved = b"DROP TABLE sessions_2019;\n"
    refused = _guard(rig, "--", "psql", "mydb", stdin=approved)
    assert refused.returncode == 10, refused.stderr
    assert "psql-drop" in refused.stderr and not _calls(log)
    assert "standard input (26 bytes, sha256 " in refused.stderr
    assert "Rerun with the same standard input." in refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "drop.json")
    edited = _guard(rig, "--approval", str(approval), "--", "psql", "mydb", stdin=b"DROP TABLE users;\n")
    assert edited.returncode == 12 and "digest" in edited.stderr and not _calls(log), edited.stderr
    ran = _guard(rig, "--approval", str(approval), "--", "psql", "mydb", stdin=approved)
    assert ran.returncode == 0, ran.stderr
    assert [(c["argv"], c["stdin"]) for c in _calls(log)] == [(["mydb"], approved.decode())]


def test_a_statements_file_runs_from_guards_copy_of_the_approved_bytes(rig: Rig) -> None:
    log = _stubs(rig)
    keys = _trust(rig)
    script = rig.work / "drop.sql"
    script.write_text("DROP TABLE sessions_2019;\n")
    refused = _guard(rig, "--", "psql", "-f", "drop.sql", "mydb")
    assert refused.returncode == 10, refused.stderr
    assert re.search(r"drop\.sql \(26 bytes, sha256 [0-9a-f]{64}\)", refused.stderr), refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "f.json")
    script.write_text("DROP TABLE users;\n")  # the agent edits the file after the human approved it
    assert _guard(rig, "--approval", str(approval), "--", "psql", "-f", "drop.sql", "mydb").returncode == 12
    script.write_text("DROP TABLE sessions_2019;\n")
    ran = _guard(rig, "--approval", str(approval), "--", "psql", "-f", "drop.sql", "mydb")
    assert ran.returncode == 0, ran.stderr
    (call,) = _calls(log)
    argv = call["argv"]
    assert isinstance(argv, list) and argv[0] == "-f" and argv[2] == "mydb"
    copy = Path(argv[1])
    assert copy != script and copy.name == "0-drop.sql" and copy.parent.name.startswith("planlint-guard-")
    assert call["files"] == {argv[1]: "DROP TABLE sessions_2019;\n"}
    assert call["stdin"] == ""  # nothing unbound flows in
    assert not copy.exists()  # the private copy is removed afterwards


def test_a_manifest_named_in_an_option_is_bound_and_a_directory_is_refused(rig: Rig) -> None:
    log = _stubs(rig)
    keys = _trust(rig)
    (rig.work / "app.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n")
    refused = _guard(rig, "--", "kubectl", "delete", "--filename=app.yaml")
    assert refused.returncode == 10 and "app.yaml (" in refused.stderr, refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "k.json")
    ran = _guard(rig, "--approval", str(approval), "--", "kubectl", "delete", "--filename=app.yaml")
    assert ran.returncode == 0, ran.stderr
    (call,) = _calls(log)
    argv = call["argv"]
    assert isinstance(argv, list) and argv[1].startswith("--filename=/") and argv[1].endswith("/0-app.yaml")
    (rig.work / "manifests").mkdir()
    whole_dir = _guard(rig, "--", "kubectl", "delete", "-f", "manifests")
    assert whole_dir.returncode == 13, whole_dir.stderr
    assert "manifests is a directory" in whole_dir.stderr and len(_calls(log)) == 1


@pytest.mark.parametrize(
    ("command", "files", "opened"),
    [
        (["psql", "-f", "drop.sql"], {"drop.sql": "\\i more.sql\nDROP TABLE t;\n"}, "\\i"),
        (
            ["psql", "-f", "drop.sql"],
            {"drop.sql": "DROP TABLE old; \\i more.sql\n"},
            "\\i",
        ),  # after a statement
        (["psql", "-f", "drop.sql"], {"drop.sql": "DROP TABLE t; \\ir more.sql \\echo done\n"}, "\\ir"),
        (["psql", "-c", "\\i drop.sql", "mydb"], {"drop.sql": "DROP TABLE t;\n"}, "\\i"),  # in the words
        (["mysql", "-e", "source drop.sql", "mydb"], {"drop.sql": "DROP TABLE t;\n"}, "source"),
        (["psql", "-c", "DROP TABLE t; \\copy t2 from 'rows.csv'"], {}, "\\copy"),
    ],
)
def test_statements_that_open_other_files_when_they_run_are_refused(
    rig: Rig, command: list[str], files: dict[str, str], opened: str
) -> None:
    """The approval could not cover a file the client opens at run time: the agent could edit it after."""
    log = _stubs(rig)
    _trust(rig)
    for name, text in files.items():
        (rig.work / name).write_text(text)
    proc = _guard(rig, "--", *command)
    assert proc.returncode == 13, proc.stderr
    assert f"the statements run `{opened}`" in proc.stderr and not _calls(log), proc.stderr


@pytest.mark.parametrize(
    ("command", "why"),
    [
        (["kubectl", "delete", "-f", "a.yaml", "-fb.yaml"], "'-fb.yaml' gives -f inside another word"),
        (["psql", "-c", "DROP TABLE old", "-Xf", "b.sql", "mydb"], "'-Xf' gives -f inside another word"),
        (["psql", "-c", "DROP TABLE old", "--fil=b.sql", "mydb"], "'--fil=b.sql' abbreviates --file"),
        (["psql", "-f", "missing.sql"], "missing.sql does not exist"),
        (
            ["aws", "rds", "delete-db-instance", "--db-instance-identifier", "b.sql"],
            "b.sql names a file in the",
        ),
        (["kubectl", "delete", "-f", "fifo.yaml"], "fifo.yaml is not a regular file"),
    ],
)
def test_files_guard_cannot_hand_over_from_its_copy_are_refused(
    rig: Rig, command: list[str], why: str
) -> None:
    """Each would let the command read a file the approval does not bind (edited, or created, after it)."""
    log = _stubs(rig)
    _trust(rig)
    (rig.work / "a.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n")
    (rig.work / "b.sql").write_text("SELECT 1;\n")
    os.mkfifo(rig.work / "fifo.yaml")  # opened without blocking: refused, never waited on
    proc = _guard(rig, "--", *command)
    assert proc.returncode == 13, proc.stderr
    assert why in proc.stderr and not _calls(log), proc.stderr


def test_input_from_a_terminal_is_never_bound_or_passed_on(rig: Rig) -> None:
    """An agent can make a terminal (`script`): its input is not a person typing, so guard does not use it."""
    log = _stubs(rig)
    _trust(rig)
    guard = shlex.join([sys.executable, "-m", "planlint", "guard", "--trust-dir", str(rig.trust), "--",
                        "kubectl", "delete", "-f", "-"])  # fmt: skip
    proc = subprocess.run(
        ["script", "-qec", guard, "/dev/null"], cwd=rig.work, env=rig.env, input=b"kind: Namespace\n",
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 13, out
    assert "from a terminal, which guard does not bind" in out and not _calls(log), out


def test_a_command_that_reads_no_input_gets_an_empty_standard_input(rig: Rig) -> None:
    log = _stubs(rig)
    keys = _trust(rig)
    command = ("aws", "s3", "rb", "s3://prod-data", "--force")
    refused = _guard(rig, "--", *command, stdin=b"yes\n")
    assert refused.returncode == 10 and "also binds" not in refused.stderr, refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "rb.json")
    ran = _guard(rig, "--approval", str(approval), "--", *command, stdin=b"yes\n")
    assert ran.returncode == 0, ran.stderr
    assert [c["stdin"] for c in _calls(log)] == [""]


def test_the_hook_asks_for_the_same_standard_input_under_guard(tmp_path: Path) -> None:
    (tmp_path / "d.sql").write_text("DROP TABLE users;\n")
    event = {
        "tool_name": "Bash",
        "tool_input": {"command": "psql mydb < d.sql"},
        "hook_event_name": "PreToolUse",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "hook", "claude", "--guard-account", "none"],
        input=json.dumps(event), capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    reason = json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert "`planlint guard -- psql mydb` with the same standard input" in reason, reason
