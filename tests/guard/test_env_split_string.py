"""`env -S` with its string attached to the flag, in a bundle, or through a shortened long option: getopt
reads all of them, so the hook must too. Found by a fresh attacker run; each row was confirmed with a
stub `terraform` first on PATH (`env -S'terraform destroy'` ran it)."""

from __future__ import annotations

import pytest

from planlint.guard.screen import screen

DENIED = [
    "env -S'terraform destroy'",
    'env -S"terraform apply -auto-approve"',
    "env --split='terraform destroy'",
    "env --split-s='terraform destroy'",
    "env -iS'terraform destroy'",
    "env -u X -S'terraform destroy'",
    "env -Sterraform\\ destroy",
    "sudo env -S'terraform destroy'",
    "nice env -S'terraform destroy'",
    "env -S'aws rds delete-db-instance --db-instance-identifier prod'",
    "env -uSOMEVAR terraform destroy",  # -u takes the rest of the word: the command follows
    "env -S 'terraform' destroy",
]
QUIET = ["env -uSOMEVAR terraform plan", "env -S'terraform plan'", "env --split='terraform version'"]


@pytest.mark.parametrize("command", DENIED)
def test_attached_or_abbreviated_split_string_is_read(command: str) -> None:
    assert screen(command).deny, command


@pytest.mark.parametrize("command", QUIET)
def test_harmless_commands_through_env_stay_quiet(command: str) -> None:
    assert not screen(command).deny, command
