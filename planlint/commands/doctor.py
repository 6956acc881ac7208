"""`planlint doctor`: run as the agent's account; says what it can still reach around guard."""

from __future__ import annotations

import argparse
import os
import pwd
from pathlib import Path

HELP = (
    "Run this as the agent's OS account. One line per finding: `ok`, `EXPOSED` (the agent can go around "
    "guard or change what it trusts: cloud credentials it can read, a trust directory, ledger or planlint "
    "install it can write, sudo rules beyond `planlint guard`) or `warn`. Exit 1 when anything is exposed."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--guard-account", default="planlint", help="the account guard runs as (default planlint)"
    )
    parser.add_argument(
        "--trust-dir",
        metavar="DIR",
        help="guard's trust directory (default: the guard account's ~/.config/planlint)",
    )
    parser.add_argument(
        "--ledger", metavar="DIR", help="guard's ledger (default: from the deployment layout)"
    )
    parser.add_argument("--work-dir", metavar="DIR", help="guard's work directory (default: from the layout)")


def run(args: argparse.Namespace) -> int:
    from planlint.boundary import doctor

    try:
        guard_home = Path(pwd.getpwnam(args.guard_account).pw_dir)
    except KeyError:
        print(f"EXPOSED no account {args.guard_account!r}: guard does not run as an account of its own")
        return 1
    trust = Path(args.trust_dir) if args.trust_dir else guard_home / ".config" / "planlint"
    agent_home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    sudo_findings, sudo_planlint = doctor.check_sudo(args.guard_account)
    findings = [
        *doctor.check_identity(args.guard_account),
        *doctor.check_credentials(os.environ, (agent_home, guard_home)),
        *doctor.check_trust(
            trust,
            Path(args.ledger) if args.ledger else guard_home / "ledger",
            Path(args.work_dir) if args.work_dir else guard_home / "work",
        ),
        *doctor.check_hooks((Path.cwd(), agent_home)),
        *doctor.check_planlint(sudo_planlint),
        *sudo_findings,
    ]
    for finding in findings:
        print(finding.line())
    exposed = sum(f.level == "EXPOSED" for f in findings)
    print(f"{exposed} exposed, {sum(f.level == 'warn' for f in findings)} warnings")
    return 1 if exposed else 0
