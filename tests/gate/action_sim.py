"""A small GitHub Actions runner for action.yml's composite steps (synthetic: the real runner is not on PyPI).

What it does like the runner: each `run:` step is written to a file and executed by
`bash --noprofile --norc -eo pipefail FILE`; `${{ inputs.* }}`, `${{ steps.*.outputs.* }}`,
`${{ github.* }}` and `${{ runner.* }}` in `env:`/`with:`/`outputs:` are replaced by their values; every step
gets a fresh $GITHUB_OUTPUT file, parsed as `key=value` lines and `key<<DELIMITER` blocks; all steps share
one $GITHUB_STEP_SUMMARY and $RUNNER_TEMP; a failing step stops the action. `uses:` steps are not run:
the caller says what outputs they give.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")


@dataclass
class StepRun:
    id: str | None
    name: str
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    env: dict[str, str]


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    uses: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def returncode(self) -> int:
        return self.steps[-1].returncode if self.steps else 0

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(s.stderr for s in self.steps)


def parse_output_file(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: `name=value` or `name<<DELIM` ... `DELIM`."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i)
            outputs[name] = "\n".join(lines[i:end])
            i = end + 1
        else:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


class Runner:
    """One job: a workspace, a RUNNER_TEMP and a step summary shared by every action run in it."""

    def __init__(self, root: Path, action_path: Path, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.action_path = action_path
        self.temp = root / "runner-temp"
        self.workspace = root / "workspace"
        self.summary = root / "step-summary.md"
        for directory in (self.temp, self.workspace):
            directory.mkdir(parents=True, exist_ok=True)
        self.summary.touch()
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(root),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_ACTION_PATH": str(action_path),
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            **(env or {}),
        }
        self._outputs = 0

    def run_action(
        self,
        inputs: Mapping[str, str],
        uses: Callable[[str, dict[str, str]], dict[str, str]],
    ) -> ActionRun:
        doc = yaml.safe_load((self.action_path / "action.yml").read_text(encoding="utf-8"))
        context: dict[str, Any] = {
            "inputs": {},
            "steps": {},
            "github": {"token": "test-token", "action_path": str(self.action_path)},
            "runner": {"temp": str(self.temp), "os": "Linux"},
        }
        defaults = {
            name: self._evaluate(str(spec.get("default", "")), context)  # defaults may be expressions
            for name, spec in doc.get("inputs", {}).items()
        }
        context["inputs"] = {**defaults, **inputs}
        run = ActionRun(steps=[], outputs={})
        for step in doc["runs"]["steps"]:
            if "uses" in step:
                given = {k: self._evaluate(str(v), context) for k, v in (step.get("with") or {}).items()}
                run.uses.append((step["uses"], given))
                if step.get("id"):
                    context["steps"][step["id"]] = {"outputs": uses(step["uses"], given)}
                continue
            result = self._run_step(step, context)
            run.steps.append(result)
            if step.get("id"):
                context["steps"][step["id"]] = {"outputs": result.outputs}
            if result.returncode != 0:
                break
        for name, spec in doc.get("outputs", {}).items():
            run.outputs[name] = self._evaluate(str(spec["value"]), context)
        return run

    def _run_step(self, step: Mapping[str, Any], context: Mapping[str, Any]) -> StepRun:
        assert step.get("shell") == "bash", step.get("name")
        self._outputs += 1
        output = self.temp / f"_output_{self._outputs}"
        output.touch()
        script = self.temp / f"_step_{self._outputs}.sh"
        script.write_text(step["run"], encoding="utf-8")
        step_env = {k: self._evaluate(str(v), context) for k, v in (step.get("env") or {}).items()}
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env={**self.env, **step_env, "GITHUB_OUTPUT": str(output)},
            cwd=self.workspace,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return StepRun(
            step.get("id"),
            step.get("name", ""),
            proc.returncode,
            proc.stdout,
            proc.stderr,
            parse_output_file(output.read_text(encoding="utf-8")),
            step_env,
        )

    @staticmethod
    def _evaluate(text: str, context: Mapping[str, Any]) -> str:
        def value(match: re.Match[str]) -> str:
            node: Any = context
            for part in match.group(1).split("."):
                node = node.get(part, "") if isinstance(node, Mapping) else ""
            return str(node)

        return EXPRESSION.sub(value, text)
