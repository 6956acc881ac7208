"""Interpreter code an agent runs (`python -c`, `node -e`, `python x.py`, …): what it starts and what it deletes.

Two questions, both answered from data (`rules/commands/code_calls.yaml`):

- Does it call a cloud SDK, cluster client or database driver to delete something (`boto3 …
  .delete_db_instance(…)`, `new DeleteDBInstanceCommand(…)`, `DROP TABLE` through psycopg)? Refused.
- What programs does it start? Python is read with Python's own parser (`ast`): a literal command
  (`os.system('terraform destroy')`, `subprocess.run(['terraform', 'destroy'])`) is judged like any other
  command line, recursively; a computed one (`os.system(base64.b64decode(…))`, `subprocess.run(cmd)`) is
  refused, and so is `exec`/`eval` of computed code. Other languages are read by pattern: code that starts
  programs is refused when it names an infrastructure tool or builds the command at run time.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planlint.guard.shellwords import mentions_iac

if TYPE_CHECKING:
    import ast

    from planlint.guard.shell import Reader

# Inline code that starts other programs (Python, Node, Ruby, Perl, PHP, PowerShell, Lua, awk, ...).
SPAWNS = (  # compiled on first use (re caches it): most lines need none
    r"\b(?:os\.system|os\.popen|os\.exec\w*|os\.spawn\w*|subprocess|pty\.spawn|commands\.getoutput|child_process"
    r"|execSync|spawnSync|Deno\.Command|Deno\.run|Bun\.spawn|system|exec|popen|spawn|shell_exec|passthru"
    r"|proc_open|Start-Process|Invoke-Expression|iex|io\.popen|Process\.spawn|IO\.popen|Open3)\b|`[^`]*`|\|&"
)
_COMPUTED_SPAWN = r"b64|base64|decode|fromhex|chr\(|join|getenv|environ|argv|input\(|read\(|\+"


@dataclass(frozen=True, slots=True)
class _Call:
    id: str
    requires: re.Pattern[str]
    pattern: re.Pattern[str]
    what: str


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[_Call, ...], dict[str, frozenset[str]]]:
    from planlint.guard.tables import load_table

    table = load_table("code_calls")
    calls = tuple(
        _Call(c["id"], re.compile(c["requires"]), re.compile(c["pattern"]), c["what"]) for c in table["calls"]
    )
    spawns = {k: frozenset(v) for k, v in table["python_spawns"].items() if k != "source"}
    return calls, spawns


def destructive_calls(code: str) -> list[str]:
    """`what (id)` of every code_calls.yaml entry `code` matches."""
    calls, _ = _table()
    return [f"{c.what} ({c.id})" for c in calls if c.requires.search(code) and c.pattern.search(code)]


def judge_code(acc: Reader, name: str, code: str, *, depth: int, via: tuple[str, ...], origin: str) -> None:
    """Record in `acc` what `code` (run by interpreter `name`) would start or delete; `origin` names it."""
    for what in destructive_calls(code):
        acc.unverifiable.append(f"{name} {origin} {what}")
    if name.startswith(("python", "pypy")) and _python(acc, name, code, depth=depth, via=via, origin=origin):
        return
    if re.search(SPAWNS, code) and mentions_iac(code):
        acc.unverifiable.append(f"{name} {origin} runs an infrastructure tool")
    elif re.search(SPAWNS, code) and re.search(_COMPUTED_SPAWN, code):
        acc.unverifiable.append(f"{name} {origin} starts programs it computes at run time")


def _python(acc: Reader, name: str, code: str, *, depth: int, via: tuple[str, ...], origin: str) -> bool:
    """Read Python code with `ast`; False when it does not parse (the pattern reading takes over)."""
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    _, spawns = _table()
    aliases = _aliases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _dotted(node.func, aliases)
        if called in spawns["code"]:
            literal = _string(node.args[0]) if node.args else None
            if literal is None:
                acc.unverifiable.append(f"{name} {origin} runs Python code it computes at run time")
            elif depth < 8:
                _python(acc, name, literal, depth=depth + 1, via=via, origin=origin)
        elif called in spawns["shell"] or called in spawns["argv"]:
            text = _command(node, called in spawns["shell"] or _keyword_true(node, "shell"))
            if text is None:
                shown = ast.unparse(node)[:60]
                acc.unverifiable.append(
                    f"{name} {origin} starts a program it computes at run time (`{shown}`)"
                )
            else:
                acc.parse_into(text, depth + 1, via)
    return True


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name → dotted origin, from `import x as y` and `from x import y as z`."""
    import ast

    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(func: Any, aliases: dict[str, str]) -> str:
    import ast

    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return ""
    parts.append(aliases.get(func.id, func.id))
    return ".".join(reversed(parts))


def _string(node: Any) -> str | None:
    import ast

    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword_true(node: ast.Call, name: str) -> bool:
    import ast

    return any(k.arg == name and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords)


def _command(node: ast.Call, shell: bool) -> str | None:
    """The command line a spawn call runs, when every part of it is literal; None when any is computed."""
    import ast

    arguments = [*node.args, *(k.value for k in node.keywords if k.arg in ("args", "cmd", "argv"))]
    for argument in arguments:
        if isinstance(argument, (ast.List, ast.Tuple)):
            elements = [_string(e) for e in argument.elts]
            argv = [e for e in elements if e is not None]
            return shlex.join(argv) if len(argv) == len(elements) else None
    literals = [_string(a) for a in node.args if not isinstance(a, ast.Constant) or isinstance(a.value, str)]
    words = [w for w in literals if w is not None]
    if not words or len(words) != len(literals):
        return None
    if shell or len(words) == 1:
        return words[0]
    return shlex.join(words[1:])  # os.execl(path, arg0, arg1, …): the program's own argv follows its path
