"""`planlint hook <agent>`: answer one agent pre-tool-use call on stdin in that agent's contract."""

from __future__ import annotations

import argparse
import sys

from planlint.hooks import ADAPTERS

HELP = (
    "Read an agent's pre-tool-use JSON on stdin and deny raw infrastructure commands that would change or "
    "destroy resources without planlint judging them (pointing the agent to `planlint guard -- …`). "
    "Harmless commands get no decision at all: planlint never answers 'allow'."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agent", choices=sorted(ADAPTERS), help="which agent's hook contract to speak")


def run(args: argparse.Namespace) -> int:
    from planlint.hooks.contract import run_hook

    raw = sys.stdin.buffer.read()
    reply = run_hook(args.agent, raw.decode("utf-8", errors="replace"))
    if reply.stdout:
        sys.stdout.write(reply.stdout + "\n")
    if reply.stderr:
        sys.stderr.write(reply.stderr + "\n")
    return reply.exit_code
