"""The hooks in .pre-commit-hooks.yaml run the commands they name and stop the commits they should."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from planlint.cli import main

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "source"


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: hook for hook in hooks}


def _run_hook(hook: dict[str, Any], filenames: Sequence[str] = ()) -> int:
    argv = shlex.split(hook["entry"])
    assert argv[0] == "planlint"
    return main([*argv[1:], *hook.get("args", []), *(filenames if hook.get("pass_filenames", True) else [])])


def _commit(repo: Path, message: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def test_hook_definitions_are_valid() -> None:
    hooks = _hooks()
    assert set(hooks) == {"planlint-terraform-source", "planlint-cloudformation-template"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"


def test_terraform_source_hook_stops_a_commit_removing_prevent_destroy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = _hooks()["planlint-terraform-source"]
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "synthetic-base", repo)
    _commit(repo, "base")
    monkeypatch.chdir(repo)  # pre-commit runs hooks from the repository root
    assert _run_hook(hook) == 0  # nothing changed since HEAD
    capsys.readouterr()
    for tf in repo.glob("*.tf"):
        tf.unlink()
    for tf in (FIXTURES / "synthetic-head").glob("*.tf"):
        shutil.copy(tf, repo / tf.name)
    assert _run_hook(hook) == 1
    out = capsys.readouterr().out
    assert "PL060" in out and "aws_db_instance.legacy" in out


def test_template_hook_reports_missing_policies_as_warnings(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = _hooks()["planlint-cloudformation-template"]
    templates = corpus / "cloudformation-templates" / "aws-cloudformation-templates"
    assert (
        _run_hook(hook, [str(templates / "RDS_PIOPS.yaml"), str(templates / "RDS_Snapshot_On_Delete.yaml")])
        == 0
    )
    out = capsys.readouterr().out
    assert "PL061" in out and "myDB" in out


def test_real_pre_commit_accepts_the_manifest_and_the_example_config() -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    for command, path in (
        ("validate-manifest", REPO / ".pre-commit-hooks.yaml"),
        ("validate-config", REPO / "examples" / "pre-commit" / ".pre-commit-config.yaml"),
    ):
        run = subprocess.run([pre_commit, command, str(path)], capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
    config = yaml.safe_load((REPO / "examples" / "pre-commit" / ".pre-commit-config.yaml").read_text())
    assert {h["id"] for h in config["repos"][0]["hooks"]} == set(_hooks())
