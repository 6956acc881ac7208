"""Where a command acts (its scope) and the digest of an exact command, both bound into approvals."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from planlint.approvals.policy import working_tree
from planlint.guard.classify import Classification
from planlint.guard.git_trusted import git_output


def _clean(value: str) -> str:
    return value.replace(";", ",").replace("=", ":").strip()


def render_scope(kind: str, parts: dict[str, str | None]) -> str:
    """`kind;key=value;…`, keys sorted, empty values left out."""
    return ";".join([kind, *(f"{k}={_clean(v)}" for k, v in sorted(parts.items()) if v)])


def var_files(c: Classification, env: Mapping[str, str]) -> list[str]:
    """`-var-file` names of the command, TF_CLI_ARGS included, in order."""
    from planlint.guard.classify import tf_cli_args

    args = [*tf_cli_args(list(env.items()), c.subcommand), *c.argv]
    found = []
    for i, arg in enumerate(args):
        name = arg.lstrip("-")
        if name.startswith("var-file="):
            found.append(name.split("=", 1)[1])
        elif name == "var-file" and i + 1 < len(args):
            found.append(args[i + 1])
    return found


def terraform_scope(
    c: Classification, cwd: Path, env: Mapping[str, str], plan_json: Path | None = None
) -> str:
    """`terraform;aws_accounts=…;backend=…;commit=…;dir=envs/prod;repo=…;workspace=prod`: where it lands.

    What goes in is listed in planlint/guard/target.py; `dir`, `repo` and `commit` say which configuration.
    """
    from planlint.guard.target import load_plan, plan_target, terraform_state_target

    directory = (cwd / c.chdir).resolve() if c.chdir else cwd.resolve()
    tree = working_tree(directory)
    try:
        relative = str(directory.relative_to(tree)) or "."
    except ValueError:
        relative = str(directory)
    parts: dict[str, str | None] = {
        "dir": relative,
        "repo": git_output(directory, "config", "--get", "remote.origin.url"),
        "commit": git_output(directory, "rev-parse", "HEAD"),
        **terraform_state_target(directory, env, var_files(c, env)),
    }
    if plan_json is not None:
        parts.update(plan_target(load_plan(plan_json)))
    return render_scope(c.tool, parts)


def option(argv: tuple[str, ...], name: str) -> str | None:
    """`--stack-name x` or `--stack-name=x`."""
    for i, word in enumerate(argv):
        if word == name and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def cloudformation_scope(c: Classification, env: Mapping[str, str], stack_ids: str = "") -> str:
    """`cloudformation;profile=…;region=…;stack=…;stack_ids=arn:aws:cloudformation:REGION:ACCOUNT:stack/…`."""
    return render_scope(
        "cloudformation",
        {
            "stack_ids": stack_ids or None,
            "stack": option(c.argv, "--stack-name") or option(c.argv, "--change-set-name"),
            "region": option(c.argv, "--region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
            "profile": option(c.argv, "--profile") or env.get("AWS_PROFILE"),
        },
    )


def command_scope(c: Classification, cwd: Path, env: Mapping[str, str]) -> str:
    if c.tool in ("terraform", "tofu", "terragrunt"):
        return terraform_scope(c, cwd, env)
    if c.tool in ("cloudformation", "sam"):
        return cloudformation_scope(c, env)
    if c.tool == "pulumi":
        from planlint.guard.pulumi_target import pulumi_scope

        return pulumi_scope(c, cwd, env)
    return render_scope(c.tool, {"dir": str(cwd.resolve())})


def command_digest(
    c: Classification, env: Mapping[str, str], inputs: list[list[object]] | None = None
) -> str:
    """`cmd1:` + sha256 of the exact command: tool, arguments, the TF_CLI_ARGS that would join them, and
    (when there are any) the sha256 of each input guard bound (planlint/guard/bound_inputs.py canonical())."""
    added = sorted((k, v) for k, v in env.items() if k.startswith("TF_CLI_ARGS"))
    parts: list[object] = [c.tool, list(c.argv[1:]), added]
    if inputs:
        parts.append(inputs)
    canonical = json.dumps(parts, separators=(",", ":"))
    return "cmd1:" + hashlib.sha256(canonical.encode()).hexdigest()
