"""planlint.json_lean.loads decodes exactly as json.loads: the same values, the same errors (issue 13).

The hook reads every agent's event with it; a difference would change what the hook decides, or how it
words a refusal of input it cannot read.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlint import json_lean


def _outcome(decode: Any, text: str) -> tuple[str, Any]:
    try:
        value = decode(text)
    except Exception as exc:  # the outcome compared: the exception's type and message
        return "error", (type(exc).__name__, str(exc))
    return "value", json.dumps(value, sort_keys=True)  # NaN != NaN: compare the canonical text


VALID = [
    '{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "terraform plan"}}',
    ' \t\r\n{"a": [1, 2.5, -0, 1e400, -1E-5, true, false, null]} \n\r\t',
    '"\\ud83d\\ude00 \\u00e9 \\n \\" \\\\ \\/"',
    "[NaN, Infinity, -Infinity]",
    '{"a": 1, "a": 2}',  # the last duplicate wins
    "12345678901234567890123456789",
    '"\\ud800"',  # a lone surrogate escape decodes (json.loads allows it)
    "[]",
    "{}",
    '{"nested": ' * 50 + "0" + "}" * 50,
]
INVALID = [
    "",
    "   ",
    "\ufeff{}",  # a BOM: json.loads names it
    "{}{}",  # extra data
    '{"a": 1} x',
    '{"a": 1,}',
    "{'a': 1}",
    '{"a": "\x01"}',  # a control character inside a string (strict)
    '{"a": tru}',
    "[1, 2",
    '"unterminated',
    "nan",
    "-",
    "1" * 5000,  # more digits than int() converts (ValueError from the same place)
]


@pytest.mark.parametrize("text", VALID + INVALID)
def test_loads_matches_json_loads(text: str) -> None:
    assert _outcome(json_lean.loads, text) == _outcome(json.loads, text)


# The hook's own process has not imported `json` when it decodes: the C scanner then words errors differently.
FRESH = """
import json_probe_texts, sys
from planlint import json_lean
assert "json" not in sys.modules
outcomes = []
for text in json_probe_texts.TEXTS:
    for name in [m for m in sys.modules if m == "json" or m.startswith("json.")]:
        del sys.modules[name]  # as in the hook, whatever an earlier fallback imported
    try:
        outcomes.append(["value", json_lean.loads(text)])
    except Exception as exc:
        outcomes.append(["error", [type(exc).__name__, str(exc)]])
import json
print(json.dumps(outcomes))
"""


def test_loads_in_a_fresh_interpreter_matches_json_loads(tmp_path: Path) -> None:
    texts = [*VALID[:3], *INVALID, '{"tool_name": "Bash", "tool_input": {"command": "terraform pl\n']
    (tmp_path / "json_probe_texts.py").write_text(f"TEXTS = {texts!r}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", FRESH], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    expected = [list(_outcome(json.loads, text)) for text in texts]
    for row in expected:
        if row[0] == "value":
            row[1] = json.loads(row[1])
        else:
            row[1] = list(row[1])
    assert json.loads(result.stdout) == expected


def test_errors_are_json_decode_errors_with_json_positions() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json_lean.loads('{"tool_name": "Bash", "tool_input": ')
    assert (caught.value.msg, caught.value.pos) == ("Expecting value", 36)


def test_non_finite_constants_decode_as_json_does() -> None:
    nan, inf, neg = json_lean.loads("[NaN, Infinity, -Infinity]")
    assert math.isnan(nan) and inf == math.inf and neg == -math.inf


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_JSON, st.sampled_from(["", " ", "\n", "\t\r\n "]), st.integers(min_value=0, max_value=40))
def test_any_document_and_any_cut_of_it_decode_alike(value: Any, space: str, cut: int) -> None:
    text = space + json.dumps(value, ensure_ascii=False) + space
    assert _outcome(json_lean.loads, text) == _outcome(json.loads, text)
    truncated = text[: len(text) * cut // 40]  # a truncated event must fail the same way
    assert _outcome(json_lean.loads, truncated) == _outcome(json.loads, truncated)


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ('{"tool_name": "Bash", "tool_input": {"command": "terraform pl\n', "Invalid control character at"),
        ('{"tool_name": "Bash", "tool_input": {"command": "terraform destroy"}', "Expecting ',' delimiter"),
        ("{'tool_name': 'Bash'}", "Expecting property name enclosed in double quotes"),
    ],
)
def test_the_hook_refuses_an_unreadable_event_with_json_s_reason(event: str, problem: str) -> None:
    """The whole command line, as an agent runs it: a truncated or invalid event is refused, named as such."""
    result = subprocess.run(
        [sys.executable, "-m", "planlint", "hook", "claude"],
        input=event, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    reason = json.loads(result.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert reason.startswith(f"planlint: blocked: the claude hook input could not be read ({problem}")
