"""`planlint hook <agent>`: answer one agent pre-tool-use call on stdin in that agent's contract."""

from __future__ import annotations

import sys

from planlint.hooks import ADAPTERS

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    import argparse

HELP = (
    "Read an agent's pre-tool-use JSON on stdin and deny raw infrastructure commands that would change or "
    "destroy resources without planlint judging them (pointing the agent to `planlint guard -- …`). "
    "Harmless commands get no decision at all: planlint never answers 'allow'."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agent", choices=sorted(ADAPTERS), help="which agent's hook contract to speak")
    parser.add_argument(
        "--guard-account",
        metavar="NAME",
        help="the account guard runs as (`planlint guard setup --account`): refusals tell the agent to run "
        "`sudo -n -u NAME planlint guard -- …`; `none` for plain `planlint guard -- …`. Default: detected "
        "(the `planlint` account exists)",
    )


def run(args: argparse.Namespace) -> int:
    return answer(args.agent, args.guard_account)


def answer(agent: str, guard_account: str | None = None) -> int:
    """Answer one pre-tool-use call of `agent` (a key of ADAPTERS) from stdin; the exit code the agent reads.

    `planlint hook AGENT` alone reaches this without argparse (planlint.cli.main): an agent runs it before
    every tool use, so its start-up is paid on every call.
    """
    from planlint.guard import advice
    from planlint.hooks.contract import load_adapter, run_hook

    advice.configure(guard_account)
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        reply = run_hook(agent, text)
    except Exception as exc:  # a crashing hook must never turn into "allow": fail closed, one line
        from planlint.guard.screen import AGENT_STOP, guard_advice

        problem = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        reply = load_adapter(agent).deny(
            f"planlint: blocked: the hook failed ({problem}). {guard_advice('<command>')} " + AGENT_STOP
        )
    if reply.stdout:
        sys.stdout.write(reply.stdout + "\n")
    if reply.stderr:
        sys.stderr.write(reply.stderr + "\n")
    return reply.exit_code
