"""Before guard runs anything: refuse (exit 16) when configuration the agent can write would run a program under
guard's account that the trusted policy does not allow (trust rule 6; docs/agents.md "Programs the
configuration runs").

Read first, without running anything: the Terraform configuration (planlint.guard.tf_programs) for the
commands that plan or apply it, every Terragrunt unit's configuration (planlint.guard.tg_programs) for every
Terragrunt command but help and version, and, for every command, the kubeconfig files the tool will read
(`$KUBECONFIG`, `--kubeconfig`, else `~/.kube/config`): their `users[].user.exec.command` and
`auth-provider` `cmd-path` run programs, so they must be files guard's account holds. Configuration guard
cannot read is refused too, never run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from planlint.errors import InputError
from planlint.guard import outcome
from planlint.guard.classify import Classification
from planlint.guard.outcome import Refusal
from planlint.guard.programs import ProgramUse

# Terraform commands that configure providers or read data sources (so run `exec` plugins and `external`
# programs), and those that also apply (so run `local-exec` provisioners).
PLANS = frozenset(("plan", "apply", "destroy", "refresh", "console", "import", "test"))
APPLIES = frozenset(("apply", "destroy"))
# Commands that start provider binaries (to configure them or read their schemas).
PROVIDERS_RUN = PLANS | {
    "validate",
    "show",
    "state",
    "providers",
    "metadata",
}  # `providers schema`, `metadata functions`
TERRAFORM_FAMILY = frozenset(("terraform", "tofu", "terragrunt"))
_WORKING_DIR_FLAGS = ("--working-dir", "--terragrunt-working-dir")


def program_refusal(
    c: Classification, env: Mapping[str, str], cwd: Path, trust_dir: str | None
) -> Refusal | None:
    """The refusal for what `c` would run under guard's account (None: nothing, or only allowed programs)."""
    try:
        uses = [*kubeconfig_uses(c, env, cwd), *configuration_uses(c, env, cwd)]
        if c.tool in ("terraform", "tofu") and c.subcommand in PROVIDERS_RUN:
            uses += _unpinned(c, env, cwd, trust_dir)
    except InputError as exc:
        return Refusal(outcome.RUNS_PROGRAM, "guard cannot read the configuration this command runs, so it runs "
                       "nothing", c.display(), detail=str(exc))  # fmt: skip
    from planlint.approvals.trustdir import locate

    def directory() -> Path:  # located only when a program needs the allowlist
        return locate(trust_dir)[0].resolve()

    return refusal_for(uses, directory, env, c.display())


def planned_refusal(
    c: Classification, env: Mapping[str, str], cwd: Path, trust_dir: Path, plan_json: Path
) -> Refusal | None:
    """After planning, before judging: the saved plan's own `local-exec` provisioners (what `apply PLAN` runs,
    planlint.guard.plan_programs) checked like the working tree's were."""
    from planlint.guard.plan_programs import planned_programs

    try:
        uses = planned_programs(plan_json, cwd / c.chdir if c.chdir else cwd)
    except InputError as exc:
        return Refusal(outcome.RUNS_PROGRAM, "guard cannot read the saved plan's configuration, so it applies nothing",
                       c.display(), detail=str(exc))  # fmt: skip
    return refusal_for(uses, lambda: trust_dir, env, c.display())


def refusal_for(
    uses: list[ProgramUse], trust_dir: Callable[[], Path], env: Mapping[str, str], shown: str
) -> Refusal | None:
    """The exit-16 refusal listing every use the trusted programs.yml does not allow (None: all allowed)."""
    if not uses:
        return None
    from planlint.guard.program_policy import ProgramPolicy, load_programs, refusal_reason

    needs_policy = any(u.argv or u.source for u in uses)  # a held kubeconfig needs no allowlist
    policy = load_programs(trust_dir()) if needs_policy else ProgramPolicy("")
    path_env = env.get("PATH", os.defpath)
    refused: list[str] = []
    for use in dict.fromkeys(uses):
        reason = refusal_reason(use, policy, path_env)
        if reason:
            refused.append(f"  - {use.shown()}\n    refused: {reason}")
    if not refused:
        return None
    return Refusal(outcome.RUNS_PROGRAM, "the configuration would run a program under guard's account, with its "
                   "credentials, that the trusted policy does not allow", shown,
                   detail="\n".join(["what would run:", *refused[:20], *(["  …"] if len(refused) > 20 else []),
                                     "An operator can allow an exact command in programs.yml of guard's trust "
                                     "directory (docs/agents.md); the agent cannot."]))  # fmt: skip


def _unpinned(
    c: Classification, env: Mapping[str, str], cwd: Path, trust_dir: str | None
) -> list[ProgramUse]:
    """Installed provider packages programs.yml does not pin (nothing when it pins none: the check is opt-in)."""
    from planlint.approvals.trustdir import locate
    from planlint.guard.program_policy import load_programs
    from planlint.guard.provider_pins import unpinned_providers

    pins = load_programs(locate(trust_dir)[0].resolve()).providers
    if pins is None:
        return []
    data_dir = env.get("TF_DATA_DIR") or ".terraform"
    root = cwd / c.chdir if c.chdir else cwd
    return unpinned_providers(root / data_dir, pins, data_dir)


def configuration_uses(c: Classification, env: Mapping[str, str], cwd: Path) -> list[ProgramUse]:
    """The programs the Terraform or Terragrunt configuration `c` runs would start."""
    if c.tool not in TERRAFORM_FAMILY or c.kind == "other" or c.reason in ("help or version", "prints help"):
        return []
    if c.tool == "terragrunt":
        return _terragrunt_uses(c, cwd)
    if c.subcommand not in PLANS and c.subcommand != "init":
        return []
    from planlint.guard.tf_programs import terraform_programs

    root = cwd / c.chdir if c.chdir else cwd
    uses = terraform_programs(root, Path(env.get("TF_DATA_DIR") or ".terraform"), cwd)
    if c.subcommand == "init":  # init configures the backend (its shared_config_files), not providers
        return [*(u for u in uses if u.settings_file), *_plugin_dirs(c, cwd)]
    return [u for u in uses if u.when == "plan" or c.subcommand in APPLIES]


def _plugin_dirs(c: Classification, cwd: Path) -> list[ProgramUse]:
    """`init -plugin-dir=DIR`: Terraform installs (and later runs) the providers found there, so DIR must be held
    (developer.hashicorp.com/terraform/cli/commands/init#plugin-installation)."""
    what = "`-plugin-dir` names a directory whose provider binaries Terraform will run"
    named = [a.split("=", 1)[1] for a in c.argv if a.lstrip("-").startswith("plugin-dir=")]
    named += [c.argv[i + 1] for i, a in enumerate(c.argv[:-1]) if a.lstrip("-") == "plugin-dir"]
    return [ProgramUse("-plugin-dir", what, None, cwd, "plan", settings_file=d) for d in named]


def _terragrunt_uses(c: Classification, cwd: Path) -> list[ProgramUse]:
    from planlint.approvals.policy import working_tree
    from planlint.guard.tg_programs import terragrunt_programs, unit_directories

    root = cwd / (_option(c.argv, _WORKING_DIR_FLAGS) or ".")
    many = (
        c.flow == "terragrunt-all" or c.kind == "approval" or not c.subcommand
    )  # `run --all plan`, `run-all X`
    units = unit_directories(root) if many else [root]
    # the hooks of every command the line names (a many-unit form's inner command is among its words)
    commands = {c.subcommand, "init", "init-from-module", *c.argv[1:]}
    if c.kind in ("apply", "destroy"):
        commands |= {"plan", "show", "apply", "destroy"}
    uses = terragrunt_programs(units, working_tree(cwd.resolve()), frozenset(commands), cwd)
    return [u for u in uses if u.when == "plan" or c.kind in ("apply", "destroy", "approval")]


def _option(argv: tuple[str, ...], names: tuple[str, ...]) -> str | None:
    for i, word in enumerate(argv):
        if word in names and i + 1 < len(argv):
            return argv[i + 1]
        name, _, value = word.partition("=")
        if name in names and value:
            return value
    return None


def kubeconfig_uses(c: Classification, env: Mapping[str, str], cwd: Path) -> list[ProgramUse]:
    """The kubeconfig files the command's tool reads (kubectl's order: `--kubeconfig`, `$KUBECONFIG`,
    `~/.kube/config`; kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig), and
    those the Terraform kubernetes and helm providers read from `KUBE_CONFIG_PATH(S)`."""
    what = "names a kubeconfig, whose users' `exec`/`auth-provider` entries run programs"
    flag = _option(c.argv, ("--kubeconfig",))
    if flag:
        return [ProgramUse("--kubeconfig", what, None, cwd, "plan", settings_file=flag)]
    # the Terraform kubernetes and helm providers read KUBE_CONFIG_PATH(S), not KUBECONFIG
    # (registry.terraform.io/providers/hashicorp/kubernetes/latest/docs#config_path)
    named = [
        ProgramUse(f"${name}", what, None, cwd, "plan", settings_file=p)
        for name in ("KUBECONFIG", "KUBE_CONFIG_PATH", "KUBE_CONFIG_PATHS")
        for p in env.get(name, "").split(os.pathsep)
        if p
    ]
    if named:
        return named
    home = env.get("HOME")
    default = Path(home) / ".kube" / "config" if home else None
    if default is not None and default.exists():
        return [ProgramUse("~/.kube/config", what, None, cwd, "plan", settings_file=str(default))]
    return []
