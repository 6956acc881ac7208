"""Read-only commands guard runs: it never passes on a value the tool marks sensitive (trust rules 4 and 6).

Under the account boundary only guard's account can read state and decrypt secrets, so whatever a
read-only command prints reaches the agent with guard's privileges. Terraform and OpenTofu hide values
marked sensitive in their human output, but print them in clear with `output -json`, `output NAME`,
`output -raw NAME`, `show -json` and `state pull`, and `console` evaluates `nonsensitive(...)`
(developer.hashicorp.com/terraform/cli/commands/output, …/show, …/state/pull; OpenTofu's `-show-sensitive`
and `-json-into=FILE` the same, opentofu.org/docs/cli/commands/show). Pulumi decrypts secrets for
`--show-secrets` and `pulumi config get` (pulumi.com/docs/iac/cli/commands/pulumi_config_get).

What guard does with each (`reading`):

| command | guard |
|---|---|
| `output -json` (every output) | runs it, prints the same JSON with each `sensitive` output's value replaced |
| `output NAME`, `-raw NAME`, `-json NAME` | asks `output -json` first; a sensitive NAME is refused |
| `show -json [FILE]` | runs it, prints the same document with every value its `*_sensitive` masks mark replaced |
| `state pull` | refused: raw state marks only config-sensitive paths, not the provider schema's |
| `plan -out=FILE` | the saved plan (state and variables in clear inside) is written as guard's 0600 file |
| `console`, `-show-sensitive`, `-json-into=FILE`, `terragrunt stack output` | refused |
| `terraform login`/`logout`, `pulumi login`/`logout` | refused: they change guard's own credentials or backend |
| Pulumi `--show-secrets`, `config get` | refused (plain config values are in `Pulumi.<stack>.yaml`) |
| everything else read-only | runs untouched (the tool hides sensitive values itself) |
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from planlint.guard.classify import Classification, has_flag, tf_cli_args
from planlint.guard.redact_state import Withheld, redact_outputs, redact_show
from planlint.records import NamedTuple

TERRAFORM_LIKE = frozenset(("terraform", "tofu", "opentofu", "terragrunt"))
# Terragrunt subcommands guard reads as Terraform's (single unit); any other form (`run --all -- …`,
# `run-all …`, `stack run …`) is refused when its words include a command that prints state or saves a plan.
_TG_READ_ONLY = frozenset(("output", "show", "console", "state", "plan"))
_TG_INNER_RISKY = {"output": "output", "show": "show", "console": "console", "pull": "state pull", "out": "plan -out",
                   "json-into": "-json-into", "show-sensitive": "-show-sensitive"}  # fmt: skip
# `terraform output`'s options that take a value in the next word when written without `=`.
_OUTPUT_VALUE_OPTIONS = frozenset(("state", "var", "var-file"))


class Reading(NamedTuple):
    """How guard runs one read-only command (see the module's table)."""

    how: Literal["run", "redact-outputs", "redact-show", "check-output", "private-plan", "refuse"]
    reason: str = ""
    name: str = ""  # check-output: the output asked for; private-plan: the -out file
    options: tuple[str, ...] = ()  # check-output: the options `output -json` must share (-state=…)
    at: int = -1  # private-plan: the index of the -out option in argv


def reading(c: Classification) -> Reading:
    """How guard runs the read-only (`pass`) command `c`: pure, from its argv and TF_CLI_ARGS* alone."""
    if c.tool in ("terraform", "tofu", "pulumi") and c.subcommand in ("login", "logout"):
        return Reading("refuse", f"{c.subcommand} changes the credentials and backend of guard's own account")
    if c.tool == "pulumi":
        return _pulumi(c)
    if c.tool not in TERRAFORM_LIKE:
        return Reading("run")
    words = _words(c)
    for word in words:
        flag = word.lstrip("-").partition("=")[0]
        if word.startswith("-") and flag in ("show-sensitive", "json-into"):
            return Reading("refuse", f"-{flag} prints values marked sensitive")
    sub = c.subcommand
    if (
        c.tool == "terragrunt" and sub not in _TG_READ_ONLY
    ):  # `run --all -- output -json`, `run-all state pull`
        inner = [w.lstrip("-").partition("=")[0] for w in c.argv[1:]]
        risky = [shown for word, shown in _TG_INNER_RISKY.items() if word in inner]
        if risky:
            return Reading(
                "refuse", f"{'/'.join(risky)} through a many-unit Terragrunt form (not read per unit)"
            )
    if sub == "console":
        return Reading("refuse", "console evaluates nonsensitive(...) and prints any value in state")
    if sub == "state" and words[:1] == ["pull"]:
        return Reading(
            "refuse",
            "state pull prints every value in state, and raw state does not mark the provider schema's "
            "sensitive attributes; `show -json` prints state with them hidden",
        )
    if sub == "stack" and words[:1] == ["output"]:  # terragrunt stack output: every unit's outputs
        return Reading("refuse", "stack output prints every unit's outputs, sensitive ones included")
    if sub == "plan":
        return _plan(c)
    json_flag = has_flag(words, "json")
    if sub == "show":
        return Reading("redact-show") if json_flag else Reading("run")
    if sub != "output":
        return Reading("run")
    name, options = _output_name(words)
    if name:
        if c.tool == "terragrunt":
            return Reading("refuse", "a single output through terragrunt: use `terragrunt output -json`")
        return Reading("check-output", name=name, options=options)
    if json_flag:
        return Reading("redact-outputs")
    return Reading("run")  # the human listing: Terraform writes <sensitive> itself


def _plan(c: Classification) -> Reading:
    """`plan -out=FILE`: the saved plan holds state in clear, so guard writes it privately (plan_out.py)."""
    from planlint.guard.plan_out import out_count, out_option

    if out_count(c.argv) > 1:  # Terraform writes the last one; guard would keep only the first private
        return Reading("refuse", "more than one -out: give one, where guard keeps the plan private")
    if out_option(tf_cli_args(c.env, "plan")) is not None:
        return Reading(
            "refuse",
            "-out from TF_CLI_ARGS: give -out on the command line, where guard keeps the plan private",
        )
    found = out_option(c.argv)
    if found is None:
        return Reading("run")
    if c.tool == "terragrunt":
        return Reading(
            "refuse", "a saved plan through terragrunt: use `terragrunt apply` (guard plans privately)"
        )
    return Reading("private-plan", name=found[1], at=found[0])


def run_pass(c: Classification, env: Mapping[str, str], cwd: Path) -> int:
    """Run the read-only command `c` as `reading` says; returns its exit code.

    Raises Withheld when guard will not print what it would (refused outright, a sensitive output
    asked for by name, or JSON guard cannot read to hide its sensitive values).
    """
    how = reading(c)
    if how.how == "refuse":
        raise Withheld(how.reason)
    if how.how == "run":
        return subprocess.run(list(c.argv), cwd=cwd, env=dict(env), check=False).returncode
    if how.how == "private-plan":
        from planlint.guard.plan_out import PlanOutError, run_private_plan

        try:
            return run_private_plan(c.argv, how.at, cwd / (c.chdir or "") / how.name, env, cwd)
        except PlanOutError as exc:
            raise Withheld(str(exc)) from None
    if how.how == "check-output":
        outputs = _outputs(c, how.options, env, cwd)
        entry = outputs.get(how.name)  # absent: Terraform itself says there is no such output
        if entry is not None and not (isinstance(entry, dict) and entry.get("sensitive") is False):
            raise Withheld(f"the output {how.name!r} is marked sensitive (or does not say whether it is)")
        return subprocess.run(list(c.argv), cwd=cwd, env=dict(env), check=False).returncode
    done = subprocess.run(list(c.argv), cwd=cwd, env=dict(env), capture_output=True, check=False)
    sys.stderr.buffer.write(done.stderr)
    if done.returncode != 0:
        return done.returncode
    document = _json(done.stdout, " ".join(c.argv[:2]))
    shown = redact_outputs(document) if how.how == "redact-outputs" else redact_show(document)
    # Terraform's own layouts: `output -json` indented by two, `show -json` on one line
    layout = {"indent": 2} if how.how == "redact-outputs" else {"separators": (",", ":")}
    sys.stdout.write(json.dumps(shown, ensure_ascii=False, **layout) + "\n")
    sys.stdout.flush()
    return 0


def _outputs(c: Classification, options: Sequence[str], env: Mapping[str, str], cwd: Path) -> dict[str, Any]:
    """Every root output with its sensitivity, as `terraform output -json` prints them."""
    head = [c.argv[0], *(f"-chdir={c.chdir}" for _ in [c.chdir] if c.chdir)]
    quiet = {k: v for k, v in env.items() if not k.startswith("TF_CLI_ARGS")}
    done = subprocess.run(
        [*head, "output", "-json", *options], cwd=cwd, env=quiet, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise Withheld("could not read which outputs are sensitive (output -json failed)")
    outputs = _json(done.stdout, "output -json")
    if not isinstance(outputs, dict):
        raise Withheld("output -json did not print an object of outputs")
    return outputs


def _output_name(words: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """`terraform output`'s NAME (or "") and the options `output -json` must repeat to read the same state."""
    options: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        flag, eq, _ = word.lstrip("-").partition("=")
        if word.startswith("-") and flag in _OUTPUT_VALUE_OPTIONS:
            taken = [word] if eq else list(words[i : i + 2])
            options += taken
            i += len(taken)
            continue
        if not word.startswith("-"):
            return word, tuple(options)
        i += 1
    return "", tuple(options)


def _words(c: Classification) -> list[str]:
    """The subcommand's words as the tool reads them (TF_CLI_ARGS* added for Terraform and OpenTofu)."""
    argv = list(c.argv)
    start = next((i for i in range(1, len(argv)) if argv[i] == c.subcommand), len(argv))
    words = [w for w in argv[start + 1 :] if w != "--"]
    if c.tool == "terragrunt":
        return words
    nested = f"{c.subcommand} {words[0]}" if c.subcommand == "state" and words else c.subcommand
    return [*words, *tf_cli_args(c.env, nested)]


def logging_refusal(c: Classification) -> str | None:
    """Why guard will not run `c` however it is classified, when its options print secrets, else None.

    Pulumi, any command: `--show-secrets` decrypts secrets; verbose logging (`-v`/`--verbose`, with
    `--logtostderr` or `--logflow`) "may reveal sensitive information (tokens, credentials…)", and level 11
    exposes known credentials on purpose (pulumi.com/docs/iac/operations/debugging/logging).
    Terraform's equivalent, TF_LOG, is stripped from the environment instead (rules/commands/env_commands.yaml).
    """
    if c.tool != "pulumi":
        return None
    words = c.argv[1:]
    if has_flag(words, "show-secrets"):
        return "--show-secrets prints decrypted secrets"
    for word in words:
        name = word.lstrip("-").partition("=")[0]
        if word.startswith("--") and name in ("logtostderr", "logflow", "verbose"):
            return f"--{name}: Pulumi's verbose logs may carry credentials and values in clear"
        if (
            word.startswith("-v")
            and not word.startswith("--")
            and (word == "-v" or word[2:3] in "=0123456789")
        ):
            return "-v: Pulumi's verbose logs may carry credentials and values in clear"
    if c.subcommand == "logs" and any(w in ("decrypt", "--include-secrets") for w in words):
        return "pulumi logs decrypt / share --include-secrets show logs that may hold secrets"
    return None


def _pulumi(c: Classification) -> Reading:
    words = c.argv[1:]
    after = words[words.index("config") + 1 :] if c.subcommand == "config" and "config" in words else []
    if c.subcommand == "env" and "open" in words:  # Pulumi ESC: prints the environment's values decrypted
        return Reading("refuse", "pulumi env open prints an environment's secrets decrypted")
    if "get" in after:  # `config [-s STACK] get KEY`: options with values make a first-word check unsound
        return Reading(
            "refuse",
            "pulumi config get prints a secret decrypted; plain values are in Pulumi.<stack>.yaml",
        )
    return Reading("run")


def _json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise Withheld(f"{what} did not print JSON guard can read to hide sensitive values") from None
