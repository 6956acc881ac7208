"""What a configuration makes guard run: a program named in Terraform or Terragrunt configuration that would
start under guard's account, with guard's credentials, when guard runs the tool (trust rule 6).

Found by planlint.guard.tf_programs and planlint.guard.tg_programs; allowed only by the trusted policy's
`programs.yml` (planlint.guard.program_policy); refused by planlint.guard.program_gate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

When = Literal["plan", "apply"]


@dataclass(frozen=True, slots=True)
class ProgramUse:
    """One place in the configuration that runs a program: `data "external" "x"` at main.tf:4."""

    where: str  # file:line as shown
    what: str  # `data "external" "x" program`, `before_hook "fmt" execute`, …
    argv: tuple[str, ...] | None  # the literal command vector; None when the configuration computes it
    base: Path  # the directory a relative program or file in argv is found from
    when: When  # `plan`: runs whenever the configuration is planned; `apply`: only when it is applied
    problem: str = ""  # why no allowlist entry can allow it (an environment setting guard strips, …)
    settings_file: str = ""  # a file the tool reads whose entries run programs (a kubeconfig): must be held
    source: str = ""  # a module source Terragrunt downloads when it runs (guard cannot read it first)
    raw: tuple[str, ...] = field(
        default=(), compare=False, repr=False
    )  # the words as written, expressions kept

    def shown(self) -> str:
        if self.argv is None and self.problem:  # the problem line says what is wrong with it
            return f"{self.where}: {self.what}"
        if self.settings_file or self.source:
            return f"{self.where}: {self.what}: {self.settings_file or self.source}"
        command = " ".join(self.argv) if self.argv is not None else "a command the configuration computes"
        return f"{self.where}: {self.what} runs `{command[:200]}`"


def literal(value: Any) -> str | None:
    """A string the configuration states outright (no `${…}`/`%{…}`), else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = heredoc(str(value))
    return None if "${" in text or "%{" in text else text


def heredoc(text: str) -> str:
    """The string a heredoc (`<<EOT`, or `<<-EOT` with its indentation removed) stands for, as HCL reads it
    (github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#template-expressions); other text unchanged."""
    if not text.startswith("<<"):
        return text
    opening, _, rest = text.partition("\n")
    marker = opening.lstrip("<-").strip()
    lines = rest.split("\n")
    if not marker or not lines or lines[-1].strip() != marker:
        return text
    body = lines[:-1]
    if opening.startswith("<<-"):
        indents = [len(line) - len(line.lstrip(" ")) for line in body if line.strip()]
        cut = min(indents, default=0)
        body = [line[cut:] for line in body]
    return "".join(line + "\n" for line in body)


def literal_vector(value: Any) -> tuple[str, ...] | None:
    """A command vector (`["python3", "x.py"]`) when every word is literal, else None."""
    if not isinstance(value, list) or not value:
        return None
    words = [literal(v) for v in value]
    return None if any(w is None for w in words) else tuple(w for w in words if w is not None)


def env_problem(env: Any) -> str:
    """Why an `environment`/`env`/`env_vars` map the configuration sets for a program cannot be allowed: it
    sets a variable guard strips (rules/commands/env_commands.yaml), or names computed ones."""
    if env is None:
        return ""
    if not isinstance(env, Mapping) or any(literal(k) is None for k in env):
        return "it sets environment variables whose names the configuration computes"
    from planlint.guard.envvars import guard_environment

    _, removed = guard_environment({str(k): "" for k in env})
    return f"it sets {', '.join(removed)}, which guard never passes to a program" if removed else ""


# Terragrunt's run_cmd (terragrunt.gruntwork.io/docs/reference/hcl/functions/#run_cmd): leading options
# that change its output or caching, not the command.
_RUN_CMD_OPTIONS = ("--terragrunt-quiet", "--terragrunt-global-cache", "--terragrunt-no-cache")
_RUN_CMD = re.compile(r"\brun_cmd\s*\(")
_STRING = re.compile(r'\s*"((?:[^"\\$%]|\\.)*)"\s*([,)])')


def run_cmd_calls(text: str) -> list[tuple[str, ...] | None]:
    """Every `run_cmd(…)` in an expression's text: its command vector when all arguments are plain string
    literals (the run_cmd options dropped), else None."""
    calls: list[tuple[str, ...] | None] = []
    for found in _RUN_CMD.finditer(text):
        words: list[str] = []
        at, closed = found.end(), False
        while not closed:
            word = _STRING.match(text, at)
            if word is None:
                break
            words.append(word.group(1).replace('\\"', '"').replace("\\\\", "\\"))
            at, closed = word.end(), word.group(2) == ")"
        command = tuple(w for w in words if w not in _RUN_CMD_OPTIONS)
        calls.append(command if closed and command else None)
    return calls


def strings_in(value: Any) -> list[str]:
    """Every string anywhere in an attribute's value (lists and objects walked)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [s for v in value for s in strings_in(v)]
    return []
