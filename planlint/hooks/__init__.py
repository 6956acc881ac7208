"""Agent hook adapters: one small module per agent, each speaking that agent's pre-tool-use contract.

`ADAPTERS` maps the agent name used on the command line (`planlint hook claude`) to its module.
Modules are imported only when their agent's hook runs.
"""

from __future__ import annotations

ADAPTERS: dict[str, str] = {
    "claude": "planlint.hooks.claude",
    "codex": "planlint.hooks.codex",
    "gemini": "planlint.hooks.gemini",
    "cursor": "planlint.hooks.cursor",
    "kiro": "planlint.hooks.kiro",
    "copilot": "planlint.hooks.copilot",
    "openhands": "planlint.hooks.openhands",
    "cline": "planlint.hooks.cline",
}
