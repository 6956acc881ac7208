"""The Terraform/OpenTofu/Terragrunt flow: plan into a private directory, render, judge, apply that file.

The wrapped tool never sees TF_CLI_ARGS*: guard folds them into the arguments it classifies and plans
with, then runs every step with them removed, so nothing can be injected between judging and applying.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from planlint.errors import ConfigError
from planlint.guard.classify import Classification, has_flag, tf_cli_args
from planlint.guard.tf_address import VALUE_FLAGS

# Apply-only flags that `plan` rejects; the saved plan applies without a prompt anyway.
_APPLY_ONLY = ("-auto-approve", "-backup", "-state-out")


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """A plan file guard made (or copied) into its private directory, rendered as JSON."""

    workdir: Path  # 0700, guard's own
    plan_file: Path
    plan_json: Path
    plan_sha256: str


class PlanFailed(Exception):
    """The tool could not produce the plan (its output was already shown)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def clean_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for every tool step: no TF_CLI_ARGS*, no prompts."""
    cleaned = {k: v for k, v in env.items() if not k.startswith("TF_CLI_ARGS")}
    cleaned.update({"TF_IN_AUTOMATION": "1", "TF_INPUT": "0"})
    return cleaned


def private_dir(base: Path) -> Path:
    """A fresh 0700 directory inside guard's held work directory (never $TMPDIR: the caller sets that)."""
    from planlint.approvals.trustdir import private_workdir

    return Path(tempfile.mkdtemp(prefix="planlint-guard-", dir=private_workdir(base)))


def split_command(c: Classification) -> tuple[list[str], list[str]]:
    """(program + global options, subcommand arguments) for a classified Terraform-family command."""
    argv = list(c.argv)
    if c.tool == "terragrunt":
        if "--" in argv:  # terragrunt run -- apply …
            cut = argv.index("--")
            return argv[: cut + 1], argv[cut + 2 :]
        index = argv.index(c.subcommand, 1)
        return argv[:index], argv[index + 1 :]
    index = argv.index(c.subcommand, 1)
    return argv[:index], argv[index + 1 :]


def split_flags(args: list[str]) -> tuple[list[str], list[str]]:
    """(flags with their values, positional arguments); apply-only flags are dropped."""
    flags: list[str] = []
    positionals: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-"):
            positionals.append(arg)
            i += 1
            continue
        pair = [arg]
        if "=" not in arg and arg.lstrip("-") in VALUE_FLAGS and i + 1 < len(args):
            pair.append(args[i + 1])
        i += len(pair)
        if not arg.startswith(_APPLY_ONLY):
            flags += pair
    return flags, positionals


def plan_arguments(c: Classification, env: Mapping[str, str]) -> tuple[list[str], str | None]:
    """The `plan` arguments equivalent to the requested command, and the saved plan it named (if any)."""
    _, rest = split_command(c)
    effective = [*tf_cli_args(list(env.items()), c.subcommand), *rest]
    flags, positionals = split_flags(effective)
    if c.subcommand == "apply" and positionals:
        if any(has_flag(effective, f) for f in ("-replace", "-target", "-destroy")):
            raise ConfigError("a saved plan cannot be combined with -replace, -target or -destroy")
        if len(positionals) > 1:
            raise ConfigError(
                f"unexpected arguments {positionals[1:]!r}; planlint will not guess what they mean"
            )
        return [], positionals[0]
    if positionals:
        raise ConfigError(f"unexpected argument {positionals[0]!r}; planlint will not guess what it means")
    if c.subcommand == "destroy" and not has_flag(flags, "-destroy"):
        flags.insert(0, "-destroy")
    if c.subcommand == "refresh":
        flags.insert(0, "-refresh-only")
    return flags, None


def make_plan(c: Classification, env: Mapping[str, str], cwd: Path, base: Path) -> PlannedRun:
    """Run `plan -out` (or copy the named saved plan) into a private dir under `base`, render it (`show -json`)."""
    prefix, _ = split_command(c)
    flags, saved = plan_arguments(c, env)
    workdir = private_dir(base)
    plan_file = workdir / "guarded.tfplan"
    tool_env = clean_env(env)
    if saved is None:
        _run([*prefix, "plan", "-input=false", f"-out={plan_file}", *flags], tool_env, cwd, "plan")
    else:
        source = (cwd / c.chdir / saved) if c.chdir else cwd / saved
        if not source.is_file():
            raise ConfigError(f"saved plan {saved!r} not found", origin=str(source))
        shutil.copyfile(source, plan_file)
    plan_file.chmod(0o600)
    plan_sha = sha256_file(plan_file)
    plan_json = workdir / "plan.json"
    shown = subprocess.run(
        [*prefix, "show", "-json", str(plan_file)], env=tool_env, cwd=cwd, capture_output=True, check=False
    )
    if shown.returncode != 0:
        sys.stderr.write(shown.stderr.decode("utf-8", errors="replace"))
        raise PlanFailed("`show -json` could not render the plan", shown.returncode)
    plan_json.write_bytes(shown.stdout)
    return PlannedRun(workdir, plan_file, plan_json, plan_sha)


def apply_plan(c: Classification, run: PlannedRun, env: Mapping[str, str], cwd: Path) -> int:
    """Apply exactly the judged plan file; the tool's exit code is passed through."""
    prefix, _ = split_command(c)
    # Lets a Terragrunt before_hook (examples/agents/terragrunt) tell a guarded apply from a raw one.
    apply_env = {**clean_env(env), "PLANLINT_GUARDED_PLAN": str(run.plan_file)}
    proc = subprocess.run(
        [*prefix, "apply", "-input=false", str(run.plan_file)], env=apply_env, cwd=cwd, check=False
    )
    return proc.returncode


def _run(argv: list[str], env: Mapping[str, str], cwd: Path, step: str) -> None:
    """Run one planning step with its output on stderr (guard's stdout stays the tool's apply output)."""
    proc = subprocess.run(argv, env=dict(env), cwd=cwd, stdout=sys.stderr.fileno(), check=False)
    if proc.returncode != 0:
        raise PlanFailed(f"`{step}` failed with exit code {proc.returncode}", proc.returncode)


def discard(run: PlannedRun) -> None:
    shutil.rmtree(run.workdir, ignore_errors=True)


def keep_for_strict(run: PlannedRun, state_dir: Path) -> Path:
    """Strict mode: keep the refused plan, keyed by its hash, so the approved file is the applied file."""
    from planlint.approvals.trustdir import private_workdir

    target = private_workdir(state_dir) / run.plan_sha256
    target.mkdir(mode=0o700, exist_ok=True)
    shutil.copyfile(run.plan_file, target / "guarded.tfplan")
    return target / "guarded.tfplan"


def kept_dir(work_dir: Path) -> Path:
    """Where strict mode keeps refused plans: inside guard's held work directory, never $XDG_STATE_HOME."""
    return work_dir / "kept"


def reuse_kept(c: Classification, kept: Path, env: Mapping[str, str], cwd: Path, base: Path) -> PlannedRun:
    """Copy a kept strict-mode plan into a fresh private dir and render it again."""
    workdir = private_dir(base)
    plan_file = workdir / "guarded.tfplan"
    shutil.copyfile(kept, plan_file)
    prefix, _ = split_command(c)
    shown = subprocess.run(
        [*prefix, "show", "-json", str(plan_file)],
        env=clean_env(env),
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    if shown.returncode != 0:
        raise PlanFailed("`show -json` could not render the kept plan", shown.returncode)
    (workdir / "plan.json").write_bytes(shown.stdout)
    return PlannedRun(workdir, plan_file, workdir / "plan.json", sha256_file(plan_file))
