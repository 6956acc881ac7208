"""What every adapter provides, and the one function that runs a hook end to end."""

from __future__ import annotations

import json
import sys

from planlint.guard.advice import guard_form
from planlint.guard.screen import AGENT_STOP, guard_advice, screen_fail_closed
from planlint.hooks import ADAPTERS
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Protocol

    class Adapter(Protocol):
        """One module under planlint/hooks/ per agent."""

        AGENT: str
        EVENT: str
        CONFIG: ConfigTarget

        def command_of(self, payload: dict[str, Any]) -> str | None: ...

        def deny(self, reason: str) -> HookReply: ...

        def silent(self) -> HookReply: ...

        def merge_config(self, existing: dict[str, Any], hook_command: str) -> dict[str, Any]: ...


class HookReply(NamedTuple):
    """Exactly what the hook process writes and how it exits."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class ConfigTarget(NamedTuple):
    """Where `hooks install` writes an agent's configuration (relative to the project or home)."""

    project: str
    user: str | None
    # An administrator-owned location the agent reads and its user cannot write (`hooks install --managed`).
    managed: str | None = None


def system_path(linux: str, macos: str) -> str:
    """An administrator-owned settings path for this platform (Linux and WSL, or macOS)."""
    return macos if sys.platform == "darwin" else linux


def load_adapter(agent: str) -> Adapter:
    name = ADAPTERS[agent]
    __import__(name)  # importlib.import_module, without importing importlib (and warnings) on every call
    return sys.modules[name]  # a module meets the protocol (ModuleType.__getattr__)


def command_text(value: Any) -> str | None:
    """A shell command from a tool input: a string, or an argv list (`["bash", "-lc", "…"]`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        import shlex  # argv lists only: not on every hook call

        return shlex.join(value)
    return None


def tool_input_command(payload: dict[str, Any], key: str = "tool_input") -> str | None:
    tool_input = payload.get(key)
    if isinstance(tool_input, str):  # some agents pass the arguments as a JSON string
        try:
            tool_input = json.loads(tool_input)
        except ValueError:
            return None
    if isinstance(tool_input, dict):
        return command_text(tool_input.get("command"))
    return None


def run_hook(agent: str, stdin_text: str) -> HookReply:
    """Read the agent's pre-tool-use JSON, screen the shell command, answer in the agent's contract.

    Never answers "allow": a harmless command gets the adapter's silent reply. Input the hook cannot
    read (empty, not JSON, truncated, not an object, naming no tool call) is denied with a one-line
    reason: the hook fails closed, whatever the text mentions.
    """
    adapter = load_adapter(agent)
    try:
        payload = _payload(stdin_text)
        # A tool that runs something (write_bash, use_aws, MCP tools, …) is read by its table entry first:
        # `ExecuteTerraformCommand`'s `command` is "destroy", not a shell line.
        from planlint.hooks.tools import tool_call, tool_command

        call = tool_call(payload)
        found = tool_command(*call) if call else None
        command, refused = (found.text, found.refuse) if found else ("", "")
        if not command and not refused:
            command = adapter.command_of(payload) or ""
        if call is None and not command:
            raise ValueError("it names no tool call")
    except (ValueError, TypeError, AttributeError) as exc:
        return adapter.deny(
            f"planlint: blocked: the {agent} hook input could not be read ({_one_line(exc)}), so the call "
            f"cannot be checked. {guard_advice('<command>')} " + AGENT_STOP
        )
    if refused:
        return adapter.deny(f"planlint: blocked: {refused}. Run it as a command through {guard_form('…')}. "
                            + AGENT_STOP)  # fmt: skip
    if not command:
        return adapter.silent()
    screening = screen_fail_closed(command)
    return adapter.deny(screening.reason) if screening.deny else adapter.silent()


def answer(agent: str, guard_account: str | None = None) -> int:
    """Answer one pre-tool-use call of `agent` (a key of ADAPTERS) from stdin; the exit code the agent reads.

    `planlint hook AGENT` alone reaches this without argparse (planlint.cli.main): an agent runs it before
    every tool use, so its start-up is paid on every call.
    """
    from planlint.guard import advice

    advice.configure(guard_account)
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        reply = run_hook(agent, text)
    except Exception as exc:  # a crashing hook must never turn into "allow": fail closed, one line
        problem = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        reply = load_adapter(agent).deny(
            f"planlint: blocked: the hook failed ({problem}). {guard_advice('<command>')} " + AGENT_STOP
        )
    if reply.stdout:
        sys.stdout.write(reply.stdout + "\n")
    if reply.stderr:
        sys.stderr.write(reply.stderr + "\n")
    return reply.exit_code


def _payload(stdin_text: str) -> dict[str, Any]:
    """The hook input as a JSON object; ValueError (one line) when it is empty, not JSON or not an object."""
    if not stdin_text.strip():
        raise ValueError("the input is empty")
    payload = json.loads(stdin_text)
    if not isinstance(payload, dict):
        raise ValueError(f"the input is a JSON {type(payload).__name__}, not an object")
    return payload


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def read_json_config(path: Path) -> dict[str, Any]:
    """An existing agent config file, or {} when there is none; a file that is not a JSON object is an error."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return data


def append_once(entries: list[Any], entry: dict[str, Any], hook_command: str) -> list[Any]:
    """Add `entry` unless an entry already runs `hook_command` (install is idempotent)."""
    if hook_command in json.dumps(entries):
        return entries
    return [*entries, entry]


def section(config: dict[str, Any], *keys: str) -> dict[str, Any]:
    """config[k1][k2]… as a dict, created when missing; refuses to overwrite a non-object."""
    node = config
    for key in keys:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise ValueError(f"`{key}` in the existing configuration is not an object; not touching it")
        node = child
    return node


def event_list(hooks: dict[str, Any], event: str) -> list[Any]:
    entries = hooks.setdefault(event, [])
    if not isinstance(entries, list):
        raise ValueError(f"`{event}` in the existing configuration is not a list; not touching it")
    return entries
