"""`planlint hooks install --agent AGENT`: wire `planlint hook AGENT` into an agent's configuration."""

from __future__ import annotations

import argparse
import shlex
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
        help="this repository (its root, found from any subdirectory) or your home directory",
    )
    parser.add_argument(
        "--managed",
        action="store_true",
        help="write the agent's managed settings (root-owned, e.g. /etc/claude-code/managed-settings.json), "
        "which the agent's user cannot change; needs root",
    )
    parser.add_argument("--path", metavar="FILE", help="configuration file to merge into (overrides --scope)")
    parser.add_argument(
        "--hook-command", metavar="CMD", help="what the agent runs (default: `planlint hook AGENT`)"
    )


def run(args: argparse.Namespace) -> int:
    from planlint.hooks.install import AFTER_INSTALL, Scope, config_path, install, seal_managed
    from planlint.hooks.verify import prove_hook_answers, real_planlint, repository_root

    scope: Scope = "managed" if args.managed else args.scope
    project = repository_root(Path.cwd())
    path = Path(args.path) if args.path else config_path(args.agent, scope, project, Path.home())
    if args.action == "path":
        print(path)
        return 0
    # The absolute path of this planlint: a bare `planlint` would be whatever the agent puts first on PATH.
    command = args.hook_command or f"{shlex.quote(real_planlint())} hook {args.agent}"
    written, changed = install(args.agent, path, command)
    if args.managed:
        seal_managed(written)
    prove_hook_answers(args.agent, str(written) if args.agent == "cline" else command, project)
    # A success is reported on stdout; errors (raised above) reach stderr through cli.main.
    print(f"{'installed in' if changed else 'already installed in'} {written}")
    print(f"checked: the installed hook denies a test `terraform destroy` ({command})")
    print(f"next: {AFTER_INSTALL[args.agent]}")
    return 0
