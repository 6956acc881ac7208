"""The shipped agent examples stay exactly what `hooks install` writes, and the PATH shim really guards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from planlint.hooks.cline import SCRIPT
from planlint.hooks.contract import load_adapter

from .fake_terraform import install, read_log

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "agents"
LAYOUT = {
    "claude": "claude/.claude/settings.json",
    "codex": "codex/.codex/hooks.json",
    "gemini": "gemini/.gemini/settings.json",
    "cursor": "cursor/.cursor/hooks.json",
    "kiro": "kiro/.kiro/agents/planlint.json",
    "copilot": "copilot/.github/hooks/planlint.json",
    "openhands": "openhands/.openhands/hooks.json",
}


@pytest.mark.parametrize("agent", sorted(LAYOUT))
def test_example_config_is_what_install_writes(agent: str) -> None:
    expected = load_adapter(agent).merge_config({}, f"planlint hook {agent}")
    assert json.loads((EXAMPLES / LAYOUT[agent]).read_text()) == expected


def test_cline_example_script() -> None:
    script = EXAMPLES / "cline" / ".clinerules" / "hooks" / "PreToolUse"
    assert script.read_text() == SCRIPT.format(command="planlint hook cline")
    assert os.access(script, os.X_OK)


def test_atlantis_and_trust_examples_parse() -> None:
    repos = yaml.safe_load((EXAMPLES / "atlantis" / "repos.yaml").read_text())
    apply_steps = repos["workflows"]["planlint"]["apply"]["steps"]
    assert "planlint guard" in apply_steps[0]["run"] and "apply" not in [
        s for s in apply_steps if isinstance(s, str)
    ]
    policy = yaml.safe_load((EXAMPLES / "trust" / "policy.yml").read_text())
    from planlint.approvals.policy import _KEYS

    assert set(policy) <= _KEYS


def test_path_shim_sends_terraform_through_guard(tmp_path: Path, corpus: Path) -> None:
    real = tmp_path / "real-bin"
    install(real, sys.executable)
    shims = tmp_path / "shims"
    env = {
        **os.environ,
        "PATH": f"{real}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    subprocess.run(["sh", str(EXAMPLES / "shell" / "planlint-shims.sh"), str(shims)], env=env, check=True)
    assert (shims / "terraform").read_text().count(str(real / "terraform")) == 1
    log = tmp_path / "calls.jsonl"
    env.update({
        "PATH": f"{shims}{os.pathsep}{env['PATH']}", "FAKE_TF_LOG": str(log), "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "FAKE_TF_PLAN": str(corpus / "terraform/snyk-cli/tf-plan-destroy.json"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    })  # fmt: skip
    work = tmp_path / "w"
    work.mkdir()
    assert subprocess.run(["terraform", "validate"], cwd=work, env=env, check=False).returncode == 0
    refused = subprocess.run(["terraform", "apply", "-auto-approve"], cwd=work, env=env, capture_output=True,
                             text=True, check=False)  # fmt: skip
    # guard's own account (here: this test's) has no trust directory at its password-database home: nothing
    # that changes infrastructure runs, and $HOME/$XDG_CONFIG_HOME pointing elsewhere change nothing.
    assert refused.returncode == 13 and "trusted policy cannot be used" in refused.stderr, refused.stderr
    assert [c["argv"][0] for c in read_log(log)] == ["validate"]  # type: ignore[index]
