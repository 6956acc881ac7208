"""`planlint hook <agent>`: answer one agent pre-tool-use call on stdin in that agent's contract."""

from __future__ import annotations

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
    from planlint.hooks.contract import answer

    return answer(args.agent, args.guard_account)
