"""Classify a command some of whose arguments bash computes at run time (`terraform output $NAME`).

A computed argument is harmless when no value it could take changes what the command does. planlint
cannot try every value, so it tries the two that move a command most: the argument gone (an empty
unquoted expansion vanishes) and the argument as a word planlint has never seen (which lands wherever
a subcommand, an action or an option would). `-name=$X` keeps its literal option name; only the value
is replaced. When the two readings disagree, or either needs the unknown word to be understood, the
command is unverifiable: `terraform $ACTION`, `terraform state $OP`, `aws $SVC cloudformation …`.
"""

from __future__ import annotations

import re

from planlint.guard.classify import Classification, classify
from planlint.guard.shell import SimpleCommand
from planlint.guard.shellwords import is_dynamic

UNKNOWN = "planlint-computed-word"
_LITERAL_OPTION = r"^(--?[A-Za-z][\w-]*=)"  # compiled on first use (re caches it)
_SEVERITY = {"other": 0, "pass": 1, "apply": 2, "destroy": 3, "approval": 4, "unverifiable": 5}


def classify_probed(command: SimpleCommand) -> Classification:
    """`classify`, with computed arguments judged by what they could change."""
    argv = command.argv
    dynamic = [i for i, word in enumerate(argv) if i > 0 and is_dynamic(word)]
    if not dynamic or command.stdin_args:
        return classify(command)
    gone = _variant(command, dynamic, None)
    unknown = _variant(command, dynamic, UNKNOWN)
    readings = (classify(gone), classify(unknown))
    worst = max(readings, key=lambda c: _SEVERITY[c.kind])
    if readings[0].kind != readings[1].kind or any(UNKNOWN in c.reason for c in readings):
        shown = next(argv[i] for i in dynamic)
        return Classification(
            "unverifiable", worst.tool, argv, f"argument {shown!r} is computed at run time", env=command.env
        )
    return worst._replace(argv=argv)


def _variant(command: SimpleCommand, dynamic: list[int], stand_in: str | None) -> SimpleCommand:
    words: list[str] = []
    for i, word in enumerate(command.argv):
        if i not in dynamic:
            words.append(word)
            continue
        option = re.match(_LITERAL_OPTION, word)
        if option and not is_dynamic(option.group(1)):
            words.append(option.group(1) + UNKNOWN)
        elif stand_in is not None:
            words.append(stand_in)
    return command._replace(argv=tuple(words))
