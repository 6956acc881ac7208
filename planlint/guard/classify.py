"""What one infrastructure command would do, decided from its argv alone.

Kinds, from harmless to refused:

- `other`: not an infrastructure tool planlint knows;
- `pass`: an IaC command that cannot destroy anything (plan, show, init, validate, describe-*, ...);
- `apply`: changes infrastructure; guard plans it, judges the plan and applies exactly that plan;
- `destroy`: tears infrastructure down; guard plans the destroy, judges it, applies exactly that plan;
- `approval`: cannot be previewed as a plan (state surgery, stack deletion, `cdk destroy`, ...);
  needs a peer approval bound to this exact command;
- `unverifiable`: its meaning depends on values only known at run time, or planlint does not know it.
"""

from __future__ import annotations

import re

from planlint.guard.shell import SimpleCommand
from planlint.guard.shellwords import is_dynamic, tool_basename, unreadable_args
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Literal, TypeAlias

    Kind: TypeAlias = Literal["other", "pass", "apply", "destroy", "approval", "unverifiable"]
    Flow: TypeAlias = Literal[
        "",
        "terraform",
        "cloudformation-deploy",
        "cloudformation-execute",
        "sam-deploy",
        "cdk-deploy",
        "pulumi",
        "terragrunt-all",
    ]

TOOL_NAME = re.compile(
    r"^(?P<tool>terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|aws)(?:[-_]?v?\d[\w.]*)?(?:\.exe)?$",
    re.IGNORECASE,
)
# Flags that make a Terraform apply do more than apply a saved plan as-is.
RISKY_APPLY_FLAGS = ("-auto-approve", "-replace", "-target", "-destroy")

# Allowlist: the Terraform/OpenTofu subcommands that cannot destroy anything by themselves (Terraform CLI
# reference, developer.hashicorp.com/terraform/cli/commands). Not here, on purpose: `test` (applies and
# destroys real infrastructure for every run block without `command = plan`), `stacks` (see _TF_STACKS_PASS),
# `apply`/`destroy`/`refresh` (guarded flows), the state edits below, and anything unknown.
_TF_PASS = frozenset(
    ("init", "validate", "fmt", "show", "output", "providers", "version", "graph", "console", "get", "login",
     "logout", "metadata", "modules", "plan", "query")
)  # fmt: skip
# State edits that write the remote state directly, outside any plan: `taint` forces a replacement at the
# next apply, `untaint` hides a broken object, `import` adopts a real object (developer.hashicorp.com/terraform/
# cli/commands/taint, …/untaint, …/import; opentofu.org/docs/cli/commands/ the same). They need an approval
# of the exact command, like `state rm`.
_TF_STATE_EDITS = {
    "taint": "taint marks a resource for replacement (destroy and re-create) at the next apply",
    "untaint": "untaint edits state to hide that an object is broken",
    "import": "import writes a real object into state, where the next apply may change or destroy it",
}
# `init` flags that copy state into a new backend, overwriting what is there without asking.
_TF_INIT_STATE_MOVES = ("-migrate-state", "-force-copy")
# `terraform stacks` (developer.hashicorp.com/terraform/cli/commands/stacks): read-only commands, and for
# the command groups, their read-only subcommands. `approve-all-plans`, `create`, `cancel`, `rerun`,
# `migrate`, `upload` and anything unknown need an approval of the exact command.
_TF_STACKS_PASS = frozenset(("init", "validate", "list", "version", "providers-lock", "fmt", "diagnostics"))
_TF_STACKS_GROUP_PASS = {
    "deployment-run": frozenset(("list", "watch")),
    "deployment-group": frozenset(("list", "watch")),
    "configuration": frozenset(("list", "fetch", "watch")),
}
_TF_STATE_PASS = frozenset(("list", "show", "pull", "identities"))
_TF_WORKSPACE_PASS = frozenset(("list", "show", "select", "new"))
# Terraform's nested commands (internal/command registrations in commands.go; OpenTofu the same): the
# command whose last word TF_CLI_ARGS* follow, and whose name TF_CLI_ARGS_<sub>_<action> carries.
_TF_NESTED = {
    "state": frozenset(("list", "mv", "pull", "push", "replace-provider", "rm", "show", "identities")),
    "workspace": frozenset(("delete", "list", "new", "select", "show")),
    "env": frozenset(("delete", "list", "new", "select")),
    "providers": frozenset(("lock", "mirror", "schema")),
    "metadata": frozenset(("functions",)),
}
_TG_PASS = frozenset(
    ("catalog", "scaffold", "hclfmt", "hclvalidate", "graph-dependencies", "render-json", "render",
     "output-module-groups", "info", "find", "list", "dag", "hcl", "terragrunt-info", "validate-inputs")
)  # fmt: skip


class Classification(NamedTuple):
    """What an infrastructure command would do, and how guard runs it."""

    kind: Kind
    tool: str  # terraform, tofu, terragrunt, cloudformation, cdk, cdktf, sam, pulumi; "" when not IaC
    argv: tuple[str, ...]
    reason: str
    subcommand: str = ""
    flow: Flow = ""
    chdir: str | None = None  # Terraform -chdir=DIR
    env: tuple[tuple[str, str], ...] = ()
    direct: bool = False  # a direct delete from rules/commands/destructive.yaml, not an IaC tool's command
    reads_stdin: bool = False  # a database client whose statements arrive on its standard input
    elsewhere: str = ""  # the launcher that would run it on another machine, container or pod (`ssh`)

    @property
    def gated(self) -> bool:
        return self.kind in ("apply", "destroy", "approval", "unverifiable")

    def display(self) -> str:
        import shlex  # a refusal's wording: not on a silent line's path

        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env if k.startswith("TF_CLI_ARGS"))
        text = shlex.join(self.argv)
        return f"{prefix} {text}" if prefix else text


def iac_tool(word: str) -> str | None:
    """The IaC tool a program name runs (`/opt/bin/terraform_1.9.8` → terraform), or None."""
    match = TOOL_NAME.match(tool_basename(word))
    if not match:
        return None
    tool = match.group("tool").lower()
    return "tofu" if tool == "opentofu" else tool


def classify(command: SimpleCommand) -> Classification:
    """Decide what `command` would do to infrastructure."""
    argv = command.argv
    direct = direct_delete(command)
    if direct is not None:
        return direct
    tool = iac_tool(argv[0]) if argv else None
    if tool is None:
        return Classification("other", "", argv, "not an infrastructure tool")
    if command.stdin_args:
        return _unverifiable(tool, command, "its arguments arrive from a pipe (xargs) at run time")
    dynamic = [a for a in argv[1:] if is_dynamic(a)]
    dynamic += [v for k, v in command.env if k.startswith("TF_CLI_ARGS") and unreadable_args(v)]
    if dynamic and tool in ("terraform", "tofu", "terragrunt"):
        from planlint.guard.tf_address import computed_words  # `logs[0]` may be an address, not a glob

        dynamic = computed_words(argv[1:], command.env)
    if dynamic:
        return _unverifiable(tool, command, f"argument {dynamic[0]!r} is computed at run time")
    if tool == "pulumi":
        from planlint.guard.classify_pulumi import classify_pulumi  # imports this module: load it late

        return classify_pulumi(tool, command)
    if tool in _HANDLERS:
        return _HANDLERS[tool](tool, command)
    from planlint.guard.classify_cfn import classify_cloudformation  # aws, cdk, cdktf, sam: loaded late

    return classify_cloudformation(tool, command)


def direct_delete(command: SimpleCommand) -> Classification | None:
    """A direct cloud, cluster or database delete (rules/commands/destructive.yaml): only an approval of
    this exact command runs it. None when the catalogue has no entry for it."""
    from planlint.guard.destructive import destructive_command  # data table, loaded on first use

    hit = destructive_command(command.argv, command.stdin, command.cwd)
    if hit is None:
        return None
    return Classification("approval", hit.program, command.argv, hit.reason, hit.id, env=command.env,
                          direct=True, reads_stdin=command.stdin is not None)  # fmt: skip


def _unverifiable(tool: str, command: SimpleCommand, reason: str) -> Classification:
    return Classification("unverifiable", tool, command.argv, reason, env=command.env)


def tf_cli_args(env: Sequence[tuple[str, str]], subcommand: str) -> list[str]:
    """Arguments Terraform itself would add from TF_CLI_ARGS and TF_CLI_ARGS_<subcommand> (`subcommand` as
    Terraform names it: `state rm` reads TF_CLI_ARGS_state_rm, `force-unlock` TF_CLI_ARGS_force_unlock)."""
    suffix = subcommand.replace("-", "_").replace(" ", "_")
    names = ("TF_CLI_ARGS", f"TF_CLI_ARGS_{subcommand}", f"TF_CLI_ARGS_{suffix}")
    added: list[str] = []
    for name, value in env:
        if name in names:
            import shlex  # only a line that sets TF_CLI_ARGS*

            added += shlex.split(value)
    return added


def _tf_env_readings(env: Sequence[tuple[str, str]], sub: str, rest: list[str]) -> list[list[str]]:
    """The subcommand's words with TF_CLI_ARGS* added, as Terraform adds them, then as planlint read them
    before (after the first word, TF_CLI_ARGS_<first word>): a line gated under either reading is gated.

    Terraform (main.go mergeEnvArgs; mitchellh/cli's nested subcommands) inserts TF_CLI_ARGS and
    TF_CLI_ARGS_<sub>_<action> right after a nested command's last word: with TF_CLI_ARGS=-lock=false,
    `terraform state rm x` runs `state rm -lock=false x`, and TF_CLI_ARGS_state is not read for it.
    """
    if not any(name.startswith("TF_CLI_ARGS") for name, _ in env):
        return [rest]
    if rest and rest[0] in _TF_NESTED.get(sub, ()):
        real = [rest[0], *tf_cli_args(env, f"{sub} {rest[0]}"), *rest[1:]]
    else:
        real = [*tf_cli_args(env, sub), *rest]
    return [real, [*tf_cli_args(env, sub), *rest]]


def has_flag(args: Sequence[str], flag: str) -> bool:
    """`-target=x`, `-target x`, `--target=x` all count; `-destroy=false` does not."""
    for arg in args:
        name, _, value = arg.lstrip("-").partition("=")
        if arg.startswith("-") and name == flag.lstrip("-") and value.lower() not in ("false", "0"):
            return True
    return False


def _terraform(tool: str, command: SimpleCommand) -> Classification:
    args = list(command.argv[1:])
    if tool == "terragrunt":  # its global flags include --all: never strip them unread
        return _terragrunt(tool, command, args, None)
    chdir: str | None = None
    while args and args[0].startswith("-"):
        head = args.pop(0)
        if head.startswith("-chdir="):
            chdir = head.split("=", 1)[1]
        elif head in ("-help", "-h", "--help", "-version", "-v", "--version"):
            return Classification("pass", tool, command.argv, "help or version", env=command.env)
    if not args:
        return Classification("pass", tool, command.argv, "prints help", env=command.env)
    sub, rest = args[0], args[1:]

    def make(kind: Kind, reason: str, flow: Flow = "") -> Classification:
        return Classification(kind, tool, command.argv, reason, sub, flow, chdir, command.env)

    # Terraform inserts TF_CLI_ARGS and TF_CLI_ARGS_<sub> right after the subcommand: with
    # TF_CLI_ARGS_state="rm x", `terraform state` runs `state rm x`. Judge what will run.
    verdicts = [_terraform_sub(tool, sub, words, make) for words in _tf_env_readings(command.env, sub, rest)]
    return next((v for v in verdicts if v.gated), verdicts[0])


def _terraform_sub(
    tool: str, sub: str, rest: list[str], make: Callable[..., Classification]
) -> Classification:
    """The verdict on `terraform SUB REST…` (REST with the TF_CLI_ARGS* words already added)."""
    effective = rest
    if sub == "apply":
        if has_flag(effective, "-destroy"):
            return make("destroy", "apply -destroy destroys everything in the configuration", "terraform")
        return make("apply", "apply changes infrastructure", "terraform")
    if sub == "destroy":
        return make("destroy", "destroy tears down everything in the configuration", "terraform")
    if sub == "refresh":
        return make("apply", "refresh rewrites state (it is apply -refresh-only -auto-approve)", "terraform")
    if sub == "state":
        action = rest[0] if rest else ""
        if not action or action in _TF_STATE_PASS or action.startswith("-"):
            return make("pass", f"state {action} only reads state")
        return make(
            "approval", f"{tool} state {action} is state surgery: it can orphan or overwrite resources"
        )
    if sub == "workspace":
        action = rest[0] if rest else ""
        if action == "new" and has_flag(rest, "-state"):  # copies a state file in, as `state push` does
            return make("approval", "workspace new -state writes a given state file into the new workspace")
        if not action or action in _TF_WORKSPACE_PASS or action.startswith("-"):
            return make("pass", f"workspace {action} destroys nothing")
        if action == "delete":
            return make("approval", "workspace delete discards a whole environment's state")
        return make("unverifiable", f"unknown workspace subcommand {action!r}")
    if sub == "force-unlock":
        return make("approval", f"{tool} force-unlock breaks another run's state lock")
    if sub == "init" and any(has_flag(rest, f) for f in _TF_INIT_STATE_MOVES):
        return make(
            "approval", "init -migrate-state/-force-copy copies state into another backend, overwriting it"
        )
    if sub == "test":
        return make(
            "approval", "test applies and destroys real infrastructure (every run block not `command = plan`)"
        )
    if sub == "stacks":
        return _stacks(rest, make)
    if sub in _TF_STATE_EDITS:
        return make("approval", f"{tool} {sub} edits state outside a plan: {_TF_STATE_EDITS[sub]}")
    if sub in _TF_PASS:
        return make("pass", f"{sub} destroys nothing")
    return make("unverifiable", f"planlint does not know the {tool} subcommand {sub!r}")


# Terragrunt forms that run a command in many units at once (terragrunt.gruntwork.io/docs/reference/cli):
# `run-all X`, `stack run X`, the legacy `X-all`, and `--all`/`--graph`/include-dir flags on `run` or on a
# shortcut (`terragrunt destroy --all`).
_TG_MULTI_FLAGS = ("--all", "-a", "--graph", "--terragrunt-include-dir", "--queue-include-dir")
_TG_LEGACY_ALL = r"^(?P<sub>[a-z-]+)-all$"  # compiled on first use (re caches it)


def _terragrunt(tool: str, command: SimpleCommand, args: list[str], chdir: str | None) -> Classification:
    cut = args.index("--") if "--" in args else len(args)
    head, inner = args[:cut], args[cut + 1 :]
    words = [a for a in head if not a.startswith("-")]

    def make(kind: Kind, reason: str, sub: str = "", flow: Flow = "") -> Classification:
        return Classification(kind, tool, command.argv, reason, sub, flow, chdir, command.env)

    if words[:1] == ["stack"] and words[1:2] != ["run"]:
        if words[1:2] in (["generate"], ["output"], ["clean"], []):
            return make("pass", f"{' '.join(words[:2])} destroys nothing", "stack")
        return make("unverifiable", f"planlint does not know `terragrunt stack {words[1]}`", "stack")
    if any(a in ("--help", "-h", "--version", "-v") for a in head) and not inner:
        return make("pass", "help or version")
    legacy = re.match(_TG_LEGACY_ALL, words[0]) if words and words[0] != "run-all" else None
    multi = bool(legacy) or words[:1] in (["run-all"], ["stack"]) or any(f in head for f in _TG_MULTI_FLAGS)
    if multi:
        if legacy:
            target = [legacy.group("sub"), *words[1:]]
        elif inner:
            target = inner
        elif words[:1] in (["run-all"], ["run"]):
            target = args[args.index(words[0]) + 1 :]
        elif words[:2] == ["stack", "run"]:
            target = args[args.index("run") + 1 :]
        else:
            target = [a for a in args if a not in _TG_MULTI_FLAGS]
        target = [a for a in target if a not in _TG_MULTI_FLAGS]
        import shlex  # terragrunt's multi-unit commands only

        shown = shlex.join(command.argv[1:])
        single = (
            _terraform("terraform", SimpleCommand(("terraform", *target), command.env)) if target else None
        )
        if single is not None and single.kind == "pass" and single.subcommand:
            return make("pass", f"{shown}: {single.subcommand} destroys nothing in any unit")
        if single is None or single.kind in ("unverifiable", "other"):
            return make("unverifiable", f"{shown}: planlint cannot tell what runs in every unit")
        every_unit = not legacy and "--graph" not in head and words[:1] != ["stack"]
        if every_unit and single.subcommand in ("apply", "destroy"):  # planlint.guard.terragrunt_all
            return make(single.kind, f"`{shown}` changes every unit; guard plans them all, judges the set, "
                        "applies those plans", single.subcommand, "terragrunt-all")  # fmt: skip
        return make(
            "approval",
            f"`{shown}` runs {single.subcommand} in many units at once; planlint cannot judge them as one plan",
            words[0],
        )
    if words[:1] == ["run"] and inner:
        forwarded = _terraform("terraform", SimpleCommand(("terraform", *inner), command.env))
        return make(forwarded.kind, forwarded.reason, forwarded.subcommand, forwarded.flow)
    if not words:
        return make("pass", "prints help")
    if words[0] in _TG_PASS:
        return make("pass", f"{words[0]} destroys nothing", words[0])
    forwarded = _terraform("terraform", SimpleCommand(("terraform", *args), command.env))
    return make(forwarded.kind, forwarded.reason, forwarded.subcommand, "terraform" if forwarded.flow else "")


def _stacks(rest: list[str], make: Callable[..., Classification]) -> Classification:
    """`terraform stacks …`: read-only commands pass; everything else is bound to the exact command."""
    words = [a for a in rest if not a.startswith("-")]
    first = words[0] if words else ""
    if not first or first in _TF_STACKS_PASS:
        return make("pass", f"stacks {first} destroys nothing")
    group = _TF_STACKS_GROUP_PASS.get(first)
    second = words[1] if len(words) > 1 else ""
    if group is not None and (not second or second in group):
        return make("pass", f"stacks {first} {second} only reads")
    return make(
        "approval",
        f"stacks {' '.join(words[:2])} changes deployments; it needs an approval of the exact command",
    )


_HANDLERS = {"terraform": _terraform, "tofu": _terraform, "terragrunt": _terraform}
