"""The approve command guard prints runs as printed, on the approver's machine (issue 9, item 5)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .test_guard_terraform import Rig, _trust, rig  # noqa: F401 (rig is the fixture, by name)


def test_the_printed_approve_command_runs_as_shown(rig: Rig, tmp_path: Path) -> None:  # noqa: F811
    keys = _trust(rig)
    refused = rig.guard("--", "terraform", "destroy")
    assert refused.returncode == 10, refused.stderr
    printed = [line.strip() for line in refused.stderr.splitlines()]
    command = next(line for line in printed if line.startswith("planlint approve "))
    # alice's account: her SSH key where ssh-keygen puts it, her git identity, planlint on PATH, nothing else
    home = tmp_path / "alice"
    (home / ".ssh").mkdir(parents=True)
    for suffix in ("", ".pub"):
        shutil.copy(
            keys["alice"].with_name(keys["alice"].name + suffix), home / ".ssh" / f"id_ed25519{suffix}"
        )
    (home / ".ssh" / "id_ed25519").chmod(0o600)
    env = {
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": rig.env["PYTHONPATH"],
    }
    subprocess.run(["git", "config", "--global", "user.email", "alice"], env=env, check=True)
    done = subprocess.run(
        ["bash", "-c", command], cwd=rig.work, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"`{command}` failed: {done.stderr}"
    assert (rig.work / "approval.json").is_file()
    rerun = next(
        line for line in printed if line.startswith("then rerun: planlint guard --approval approval.json")
    )
    assert rerun.endswith("-- terraform destroy")
    applied = rig.guard("--approval", "approval.json", "--", "terraform", "destroy")
    assert applied.returncode == 0, applied.stderr
    assert "approved by alice" in applied.stderr
