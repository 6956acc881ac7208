"""The Terragrunt many-unit flow: `terragrunt run --all -- apply|destroy` planned, judged and applied as one set.

guard rewrites the requested command into two runs over the same units (Terragrunt's `--out-dir`,
`--json-out-dir` and `--report-file`; gruntwork-io/terragrunt `internal/component/unit.go`,
`internal/runner/runnerpool/runner.go`):

1. `terragrunt [flags] run --all --non-interactive --out-dir=P --json-out-dir=P --report-file=R -- plan
   [-destroy] [terraform flags]`: each unit's plan lands in `P/<unit>/tfplan.tfplan` and its JSON in
   `P/<unit>/tfplan.json`, P being guard's private 0700 directory;
2. after judging: `terragrunt [flags] run --all --non-interactive --out-dir=P -- apply [-destroy]`, which makes
   every unit apply its own saved plan (Terragrunt appends `P/<unit>/tfplan.tfplan` to `apply`). `-destroy`
   is there so that Terragrunt runs the units in destroy order (dependents first, `internal/queue` `IsUp`);
   Terraform applies a saved plan as it was planned (checked with Terraform 1.11).

The forms accepted are `run --all -- X`, `--all run -- X`, `run -a -- X`, `run --all X`, `run-all X` and
`X --all`, X being `apply` or `destroy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from planlint.errors import ConfigError
from planlint.guard.classify import Classification, tf_cli_args
from planlint.guard.terraform import clean_env, split_flags

ALL_FLAGS = ("--all", "-a")
GUARD_OWNED = ("--out-dir", "--json-out-dir", "--report-file", "--report-format")
# Environment variables that would point Terragrunt's output somewhere else (TG_ and the older TERRAGRUNT_).
_OWNED_ENV = tuple(f"{prefix}{name}" for prefix in ("TG_", "TERRAGRUNT_")
                   for name in ("OUT_DIR", "JSON_OUT_DIR", "REPORT_FILE", "REPORT_FORMAT"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class AllUnits:
    """A `terragrunt … --all … apply|destroy` taken apart: Terragrunt's flags and Terraform's."""

    program: str
    terragrunt_flags: tuple[str, ...]  # everything Terragrunt reads itself, `--all` and `run` removed
    terraform_flags: tuple[str, ...]  # the plan flags (apply-only flags such as -auto-approve dropped)
    destroy: bool


def parse(c: Classification, env: Mapping[str, str]) -> AllUnits:
    """Split the command; ConfigError when guard cannot tell Terragrunt's arguments from Terraform's."""
    args = list(c.argv[1:])
    if "--" in args:
        cut = args.index("--")
        head, inner = args[:cut], args[cut + 1 :]
        words = [a for a in head if not a.startswith("-")]
        if words != ["run"] or not inner:
            raise ConfigError(
                "write it as `terragrunt run --all [terragrunt flags] -- apply|destroy [flags]`"
            )
        tg = [a for a in head if a != "run" and a not in ALL_FLAGS]
        sub, tf = inner[0], inner[1:]
    else:
        tg = [a for a in args if a.startswith("--") and a not in ALL_FLAGS]
        rest = [a for a in args if a not in tg and a not in ALL_FLAGS]
        words = [a for a in rest if not a.startswith("-")]
        if words[:1] in (["run"], ["run-all"]):
            words = words[1:]
        if len(words) != 1:
            raise ConfigError(
                f"unexpected arguments {words[1:]!r}; write it as `terragrunt run --all [terragrunt flags=VALUE] "
                "-- apply|destroy [terraform flags]` so planlint can tell Terragrunt's from Terraform's"
            )
        sub = words[0]
        tf = [a for a in rest if a.startswith("-")]
    owned = [a for a in tg if a.split("=", 1)[0] in GUARD_OWNED]
    if owned:
        raise ConfigError(f"guard chooses where plans and the run report go; leave out {owned[0]!r}")
    flags, positionals = split_flags([*tf_cli_args(c.env, sub), *tf])
    if positionals:
        raise ConfigError(
            f"unexpected argument {positionals[0]!r}; a run over every unit takes no saved plan"
        )
    destroy = sub == "destroy" or "-destroy" in flags
    return AllUnits(c.argv[0], tuple(tg), tuple(f for f in flags if f != "-destroy"), destroy)


def plan_argv(run: AllUnits, plans: str, report: str) -> list[str]:
    return [
        run.program, *run.terragrunt_flags, "run", "--all", "--non-interactive", f"--out-dir={plans}",
        f"--json-out-dir={plans}", f"--report-file={report}", "--", "plan",
        *(["-destroy"] if run.destroy else []), *run.terraform_flags,
    ]  # fmt: skip


def apply_argv(run: AllUnits, plans: str) -> list[str]:
    return [
        run.program, *run.terragrunt_flags, "run", "--all", "--non-interactive", f"--out-dir={plans}", "--",
        "apply", *(["-destroy"] if run.destroy else []),
    ]  # fmt: skip


def tool_env(env: Mapping[str, str]) -> dict[str, str]:
    """guard's step environment (no TF_CLI_ARGS*, no prompts) without Terragrunt output redirections."""
    return {k: v for k, v in clean_env(env).items() if k not in _OWNED_ENV}
