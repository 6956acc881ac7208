"""Hook input planlint cannot read is refused in every agent's own contract, with one line of reason.

Empty, non-JSON, truncated or non-object stdin, or an object naming no tool call, reaches the real
entry point (`planlint hook <agent>`: `planlint.cli.main` in process, and once per agent as a real
process). The answer must be that agent's deny, never a silent exit 0 and never a traceback.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from planlint.cli import main
from planlint.hooks import ADAPTERS
from planlint.hooks.contract import HookReply

from .test_guard_hooks import decision

UNREADABLE = {
    "empty": "",
    "whitespace": " \n",
    "not json": "terraform destroy",
    "truncated": '{"tool_name": "Bash", "tool_input": {"command": "ls',
    "array": "[]",
    "string": '"terraform destroy"',
    "no tool": "{}",
    "binary": "\x00\x01\x02",
}


def _reason(agent: str, reply: HookReply) -> str:
    if reply.stdout:
        body = json.loads(reply.stdout)
        for key in ("reason", "permissionDecisionReason", "agent_message", "errorMessage"):
            found = body.get(key) or body.get("hookSpecificOutput", {}).get(key)
            if found:
                return str(found)
    return reply.stderr


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_input_is_denied_in_process(
    agent: str, case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(UNREADABLE[case].encode())))
    code = main(["hook", agent, "--guard-account", "none"])
    out, err = capsys.readouterr()
    reply = HookReply(out.strip(), err.strip(), code)
    assert decision(agent, reply) == "deny", (case, reply)
    reason = _reason(agent, reply)
    assert "\n" not in reason and "Traceback" not in out + err
    assert reason.startswith(f"planlint: blocked: the {agent} hook input could not be read (")
    assert "`planlint guard -- <command>`" in reason


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
def test_empty_stdin_is_denied_by_the_real_process(agent: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "planlint", "hook", agent], input=b"", capture_output=True,
                          timeout=60, check=False)  # fmt: skip
    reply = HookReply(proc.stdout.decode().strip(), proc.stderr.decode().strip(), proc.returncode)
    assert decision(agent, reply) == "deny", reply
    assert "Traceback" not in proc.stderr.decode()
    assert "the input is empty" in _reason(agent, reply)
