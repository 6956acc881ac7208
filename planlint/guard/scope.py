"""Where a command acts (its scope) and the digest of an exact command, both bound into approvals."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

from planlint.approvals.policy import working_tree
from planlint.guard.classify import Classification


def _git(directory: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(directory), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _clean(value: str) -> str:
    return value.replace(";", ",").replace("=", ":").strip()


def _render(kind: str, parts: dict[str, str | None]) -> str:
    return ";".join([kind, *(f"{k}={_clean(v)}" for k, v in sorted(parts.items()) if v)])


def terraform_scope(c: Classification, cwd: Path, env: Mapping[str, str]) -> str:
    """`terraform;commit=…;dir=envs/prod;repo=…;workspace=default`: the stack a Terraform command acts on."""
    directory = (cwd / c.chdir).resolve() if c.chdir else cwd.resolve()
    tree = working_tree(directory)
    try:
        relative = str(directory.relative_to(tree)) or "."
    except ValueError:
        relative = str(directory)
    workspace = env.get("TF_WORKSPACE")
    environment = directory / ".terraform" / "environment"
    if not workspace and environment.is_file():
        workspace = environment.read_text(encoding="utf-8").strip()
    return _render(
        c.tool,
        {
            "dir": relative,
            "workspace": workspace or "default",
            "repo": _git(directory, "config", "--get", "remote.origin.url"),
            "commit": _git(directory, "rev-parse", "HEAD"),
        },
    )


def option(argv: tuple[str, ...], name: str) -> str | None:
    """`--stack-name x` or `--stack-name=x`."""
    for i, word in enumerate(argv):
        if word == name and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def cloudformation_scope(c: Classification, env: Mapping[str, str]) -> str:
    """`cloudformation;profile=…;region=…;stack=…`."""
    return _render(
        "cloudformation",
        {
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
    return _render(c.tool, {"dir": str(cwd.resolve())})


def command_digest(c: Classification, env: Mapping[str, str]) -> str:
    """`cmd1:` + sha256 of the exact command: tool, arguments, and the TF_CLI_ARGS that would join them."""
    added = sorted((k, v) for k, v in env.items() if k.startswith("TF_CLI_ARGS"))
    canonical = json.dumps([c.tool, list(c.argv[1:]), added], separators=(",", ":"))
    return "cmd1:" + hashlib.sha256(canonical.encode()).hexdigest()
