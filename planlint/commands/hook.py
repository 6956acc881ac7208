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
    from planlint.hooks.contract import HookReply, load_adapter, run_hook

    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        reply = run_hook(args.agent, text)
    except Exception as exc:  # a crashing hook must never turn into "allow" for an IaC command
        from planlint.guard.screen import AGENT_STOP
        from planlint.guard.shellwords import mentions_iac

        reply = HookReply()
        if mentions_iac(text):
            reply = load_adapter(args.agent).deny(
                f"planlint: blocked: the hook failed ({type(exc).__name__}: {exc}). "
                "Run infrastructure commands through `planlint guard -- <command>`. " + AGENT_STOP
            )
    if reply.stdout:
        sys.stdout.write(reply.stdout + "\n")
    if reply.stderr:
        sys.stderr.write(reply.stderr + "\n")
    return reply.exit_code
