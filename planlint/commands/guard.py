"""`planlint guard -- <command…>`: run an infrastructure command only as far as planlint's judgement allows."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HELP = (
    "Wrap terraform/tofu/terragrunt, aws cloudformation (deploy, execute-change-set, delete-stack), cdk, sam "
    "and pulumi. Read-only commands run untouched. An apply or destroy is planned into a private directory, "
    "judged, and only that exact plan is applied; state surgery and stack deletion need an approval bound to "
    "the exact command. Refusals exit 10 (approval required), 11 (denied), 12 (approval refused), "
    "13 (cannot be verified), 14 (planning failed), 15 (artifact changed); otherwise the tool's exit code."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--approval", metavar="FILE", help="a signed approval record from `planlint approve`")
    parser.add_argument(
        "--github-pr", type=int, metavar="NUMBER", help="accept the approval of this GitHub pull request"
    )
    parser.add_argument(
        "--trust-dir",
        metavar="DIR",
        help="trusted policy directory (allowed signers, ledger); default $PLANLINT_TRUST_DIR or "
        "~/.config/planlint. It must live outside the working tree",
    )
    parser.add_argument(
        "argv", nargs=argparse.REMAINDER, metavar="COMMAND", help="-- then the command to run"
    )


def run(args: argparse.Namespace) -> int:
    from planlint.guard.runner import GuardOptions, guard

    command = list(args.argv)
    if command[:1] == ["setup"]:
        return _setup(command[1:])
    if command[:1] == ["--"]:
        command = command[1:]
    options = GuardOptions(
        approval=Path(args.approval) if args.approval else None,
        github_pr=args.github_pr,
        trust_dir=args.trust_dir,
    )
    from planlint.guard.envvars import guard_environment

    # Every program guard starts inherits this process's environment (git for the scope, ssh-keygen, the
    # tools): the variables the caller could use to choose what they run go before anything starts.
    env = dict(os.environ)
    for name in guard_environment(env)[1]:
        del os.environ[name]
    return guard(command, options, env, Path.cwd())


def _setup(argv: list[str]) -> int:
    """`planlint guard setup …` (as root): the account boundary, see planlint/boundary/deploy.py."""
    import sys

    from planlint.boundary.deploy import SUDOERS, Deployment, default_planlint, parse_agents, setup
    from planlint.cli_parser import Parser

    parser = Parser(prog="planlint guard setup", description="Create the guard account, its directories, "
                     "the trust directory and the sudoers rule that admits exactly `planlint guard`.")  # fmt: skip
    parser.add_argument("--agent", action="append", default=[], metavar="USER[=PRINCIPAL]",
                        help="the agent's OS account (repeatable); principal default USER@host")  # fmt: skip
    parser.add_argument(
        "--account", default="planlint", help="the guard account to create (default planlint)"
    )
    parser.add_argument("--home", default="/var/lib/planlint", help="its home (default /var/lib/planlint)")
    parser.add_argument("--planlint", help="the real planlint executable (default: this installation's)")
    parser.add_argument("--sudoers", default=str(SUDOERS), help=f"the sudoers drop-in (default {SUDOERS})")
    args = parser.parse_args(argv)
    deployment = Deployment(
        agents=parse_agents(args.agent),
        planlint=Path(args.planlint).absolute() if args.planlint else default_planlint(),
        account=args.account,
        home=Path(args.home).absolute(),
        sudoers=Path(args.sudoers).absolute(),
    )
    for line in setup(deployment):
        print(line, file=sys.stdout)
    return 0
