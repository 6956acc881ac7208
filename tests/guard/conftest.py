"""Fixtures shared by the hook tests that need the CLIs installed (tests/guard/hook_rig.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .hook_rig import STUB_PROGRAMS, install_stubs, use_stubs


@pytest.fixture(scope="session")
def cli_stubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of stub programs named like the CLIs the hook knows (synthetic: each only exits 0)."""
    return install_stubs(tmp_path_factory.mktemp("stubs"), STUB_PROGRAMS)


@pytest.fixture
def stubbed(tmp_path: Path, cli_stubs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path`, made the working directory, with `cli_stubs` first on PATH."""
    use_stubs(monkeypatch, cli_stubs, tmp_path)
    return tmp_path
