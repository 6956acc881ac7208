"""A working tree, a home, a trust directory and a PATH with a fake tool in front, for guard's end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .test_guard_terraform import make_trust


class GuardRig:
    """`guard(...)` runs `python -m planlint guard --trust-dir TRUST …` in `work` with `env` (+ extra)."""

    def __init__(self, tmp_path: Path, log_variable: str) -> None:
        self.work = tmp_path / "repo"
        (self.work / ".git").mkdir(parents=True)
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.bin = tmp_path / "bin"
        self.log = tmp_path / "calls.jsonl"
        self.trust = make_trust(tmp_path / "trust")
        self.env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_STATE_HOME": str(self.home / ".state"),
            log_variable: str(self.log),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }

    def guard(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(self.trust), *args],
            cwd=self.work, env={**self.env, **extra_env}, capture_output=True, text=True, timeout=300,
            check=False,
        )  # fmt: skip
