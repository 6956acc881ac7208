"""The Pulumi steps of guard: preview with `--json` into a private directory, then run what was judged.

`pulumi up` is previewed as `pulumi preview --json --save-plan FILE` and run as `pulumi up --plan FILE`:
an update plan (Pulumi's `--save-plan` / `--plan`, pulumi/pulumi `pkg/cmd/pulumi/operations/{preview,up}.go`)
makes the engine refuse any step the previewed plan does not allow ("… is not allowed by the plan",
`pkg/resource/deploy/step_generator.go`), so the update cannot delete or replace more than was judged.

`pulumi destroy` takes no plan. It is previewed as `pulumi destroy --preview-only --json`; the approval binds
the destructive digest of that preview and the stack (scope), and guard previews the destroy again right
before running it and refuses unless the same resources would go.

Flags that only mean something for the run (`--yes`, `--skip-preview`, `--continue-on-error`, …) are left
out of the preview; `--remove` is left out too, because `pulumi destroy --preview-only --remove` removes
the stack after its preview (`destroy.go`). `--show-secrets` never reaches the preview (it would write
secrets into the plan file). PULUMI_ENABLE_STREAMING_JSON_PREVIEW is removed, so `--json` prints one
preview document (`pkg/backend/display/display.go`).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from planlint.guard.classify import Classification
from planlint.guard.pulumi_args import Token, tokens, words_of
from planlint.guard.terraform import PlanFailed, sha256_file

# Flags that belong to running an update or destroy, never to its preview.
RUN_ONLY = frozenset(
    ("yes", "skip-preview", "continue-on-error", "plan", "strict", "remove", "json", "output", "diff",
     "show-secrets", "save-plan", "preview-only", "neo-task-on-failure")
)  # fmt: skip
# Flags guard sets itself on the run (the user's own would let the run skip the plan or the preview).
GUARD_SET = frozenset(("yes", "skip-preview", "plan", "strict", "save-plan", "preview-only"))
STREAMING = "PULUMI_ENABLE_STREAMING_JSON_PREVIEW"


@dataclass(frozen=True, slots=True)
class Preview:
    """One preview guard made: its JSON document, and for `up` the update plan saved with it."""

    preview_json: Path
    plan_file: Path | None
    plan_sha256: str | None


def split(c: Classification) -> tuple[list[Token], str, list[Token]]:
    """(flags before the subcommand, the subcommand as written, everything after it) of `pulumi up`/`destroy`."""
    found = tokens(c.argv[1:])
    position = next(i for i, t in enumerate(found) if t.name is None)
    return found[:position], found[position].value or "", found[position + 1 :]


def preview_argv(c: Classification, plan_file: Path | None) -> list[str]:
    """`pulumi … preview --json --save-plan FILE` for up; `pulumi … destroy --preview-only --json` for destroy."""
    before, _, after = split(c)
    head = [c.argv[0], *words_of(before, RUN_ONLY)]
    rest = words_of(after, RUN_ONLY)
    if c.subcommand == "destroy":
        return [*head, "destroy", *rest, "--preview-only", "--json"]
    assert plan_file is not None
    return [*head, "preview", *rest, "--json", f"--save-plan={plan_file}"]


def run_argv(c: Classification, plan_file: Path | None) -> list[str]:
    """The judged command, run: `up --plan FILE --yes` (its own preview stays on, checked against the plan)."""
    before, word, after = split(c)
    command = [c.argv[0], *words_of(before, GUARD_SET), word, *words_of(after, GUARD_SET)]
    if c.subcommand == "up":
        assert plan_file is not None
        command.append(f"--plan={plan_file}")
    return [*command, "--yes"]


def tool_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment of every Pulumi step: one JSON document, no prompts, no TF_CLI_ARGS*."""
    cleaned = {k: v for k, v in env.items() if k != STREAMING and not k.startswith("TF_CLI_ARGS")}
    cleaned["PULUMI_SKIP_UPDATE_CHECK"] = "true"
    return cleaned


def make_preview(c: Classification, env: Mapping[str, str], cwd: Path, workdir: Path, name: str) -> Preview:
    """Run the preview into `workdir` (guard's private 0700 directory); PlanFailed when Pulumi fails."""
    plan_file = workdir / f"{name}.plan.json" if c.subcommand == "up" else None
    argv = preview_argv(c, plan_file)
    proc = subprocess.run(argv, env=tool_env(env), cwd=cwd, capture_output=True, check=False)
    sys.stderr.write(proc.stderr.decode("utf-8", errors="replace"))
    if proc.returncode != 0:
        raise PlanFailed(f"the preview failed with exit code {proc.returncode}", proc.returncode)
    preview_json = workdir / f"{name}.preview.json"
    preview_json.write_bytes(proc.stdout)
    if plan_file is None:
        return Preview(preview_json, None, None)
    if not plan_file.is_file():
        raise PlanFailed("the preview saved no update plan (--save-plan)", 1)
    plan_file.chmod(0o600)
    return Preview(preview_json, plan_file, sha256_file(plan_file))


def run_judged(c: Classification, preview: Preview, env: Mapping[str, str], cwd: Path) -> int:
    """Run the update (constrained to the judged plan) or the destroy; Pulumi's exit code is passed through."""
    return subprocess.run(run_argv(c, preview.plan_file), env=tool_env(env), cwd=cwd, check=False).returncode
