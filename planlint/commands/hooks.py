"""`planlint hooks install --agent AGENT`: wire `planlint hook AGENT` into an agent's configuration."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planlint.hooks import ADAPTERS

HELP = (
    "Install planlint's pre-tool-use hook for an agent (claude, codex, gemini, cursor, kiro, copilot, openhands, "
    "cline). An existing configuration is merged, never overwritten; running it twice changes nothing."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=("install", "path"), help="install the hook, or print where it goes"
    )
    parser.add_argument("--agent", required=True, choices=sorted(ADAPTERS))
    parser.add_argument(
        "--scope",
        choices=("project", "user"),
        default="project",
        help="this repository or your home directory",
    )
    parser.add_argument("--path", metavar="FILE", help="configuration file to merge into (overrides --scope)")
    parser.add_argument(
        "--hook-command", metavar="CMD", help="what the agent runs (default: `planlint hook AGENT`)"
    )


def run(args: argparse.Namespace) -> int:
    from planlint.hooks.install import AFTER_INSTALL, config_path, install

    path = Path(args.path) if args.path else config_path(args.agent, args.scope, Path.cwd(), Path.home())
    if args.action == "path":
        print(path)
        return 0
    command = args.hook_command or f"planlint hook {args.agent}"
    written, changed = install(args.agent, path, command)
    print(f"{'installed in' if changed else 'already installed in'} {written}", file=sys.stderr)
    print(f"next: {AFTER_INSTALL[args.agent]}", file=sys.stderr)
    return 0
