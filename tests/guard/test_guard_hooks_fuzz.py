"""Property tests: any command text or payload gives a well-formed answer, never a crash or an "allow"."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from planlint.hooks.contract import run_hook

from .test_guard_hooks import PAYLOADS, decision

SHELLISH = st.text(
    alphabet=st.sampled_from(list("terraformdsyuc -=$`'\"();|&<>\\\n#{}*~/._0123456789")), max_size=60
)
IAC_WORDS = st.sampled_from(
    ["terraform", "tofu destroy", "aws cloudformation delete-stack", "cdk deploy", ""]
)


@settings(max_examples=300, deadline=None)
@given(prefix=SHELLISH, word=IAC_WORDS, suffix=SHELLISH)
def test_any_command_gets_a_contract_answer(prefix: str, word: str, suffix: str) -> None:
    command = f"{prefix} {word} {suffix}"
    for agent, payload in PAYLOADS.items():
        assert decision(agent, run_hook(agent, json.dumps(payload(command)))) in ("deny", "silent")


@settings(max_examples=200, deadline=None)
@given(raw=st.text(max_size=200))
def test_any_stdin_gets_a_contract_answer(raw: str) -> None:
    for agent in PAYLOADS:
        reply = run_hook(agent, raw)
        verdict = decision(agent, reply)
        if "terraform" in raw.lower() and not raw.strip().startswith("{"):
            assert verdict == "deny"  # unreadable input naming an IaC tool fails closed
