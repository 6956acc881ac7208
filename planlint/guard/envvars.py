"""Environment variables whose value runs: the hook judges it, guard removes it from the tools it starts.

`GIT_EXTERNAL_DIFF='terraform destroy' git diff`, `BASH_ENV=./x.sh bash -c 'terraform plan'`,
`export GIT_PAGER=…; git log`: the words of such a line look harmless, but a program it runs reads a
variable the line sets and runs what it names. Which variables, what their value is (shell text, a
program, a sourced script, git settings, a file of settings) and who reads them is data:
`rules/commands/env_commands.yaml` (schema `planlint/schemas/env_commands.schema.json`, each entry with the
documentation it comes from).

The hook (planlint/guard/shell.py) calls `judge_env` only for a command that has assignments in front of
it, and `judge_assigned` only for `export X=…`/`declare -x X=…`/`X=…` on their own: a line that sets no
variable never loads the table. A value is judged where it would run: shell text as a nested line, a
program as a command, a script as `source FILE` (planlint/guard/scripts.py), git settings like
`git -c KEY=VALUE`; a file of settings planlint does not read is refused, and so is anything it cannot see.

`guard_environment` is the other half (trust rule 6): `planlint guard` starts every tool without these
variables and without `guard_strips`, so the agent's environment cannot change what guard runs.
"""

from __future__ import annotations

from functools import cache

from planlint.guard.shellwords import tool_basename
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Mapping

    from planlint.guard.shell import Env, Reader


class Variable(NamedTuple):
    """One table entry, for one variable name (a name ending in `*` matches any suffix)."""

    name: str
    value: str  # shell | argv | script | prompt | git-config | opaque
    reach: str
    read_by: frozenset[str]
    strip: str
    allow: frozenset[str]


class _Table(NamedTuple):
    exact: dict[str, Variable]
    prefixes: tuple[Variable, ...]


@cache
def _table() -> _Table:
    from planlint.guard.tables import load_table

    table = load_table("env_commands")
    exact: dict[str, Variable] = {}
    prefixes: list[Variable] = []
    for entry in table["variables"]:
        for name in entry["names"]:
            allow = frozenset(entry.get("allow", ()))
            var = Variable(name.rstrip("*"), entry["value"], entry.get("reach", "any"),
                           frozenset(entry["read_by"]), entry.get("strip", ""), allow)  # fmt: skip
            if name.endswith("*"):
                prefixes.append(var)
            else:
                exact[name] = var
    return _Table(exact, tuple(prefixes))


def lookup(name: str) -> Variable | None:
    """The table entry for the variable `name`, or None when its value runs nothing planlint knows of."""
    table = _table()
    found = table.exact.get(name)
    if found is not None:
        return found
    return next((v for v in table.prefixes if name.startswith(v.name)), None)


class Site(NamedTuple):
    """Where a value is judged: the reader collecting what the line runs, its depth and wrappers."""

    acc: Reader
    depth: int
    via: tuple[str, ...]


def judge_env(env: Env, program: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Judge the table's variables in `env` (set in front of `program`) and, when `program` reads them, the
    `reach: reader` ones the line exported earlier."""
    name_of = tool_basename(program)
    pending = [(k, v) for k, v in acc.exported.items() if (var := lookup(k)) and var.reach == "reader"]
    for name, value in [*env, *pending]:
        var = lookup(name)
        if var is None or (var.reach == "reader" and name_of not in var.read_by):
            continue
        _judge_once(var, name, value, dict(env), Site(acc, depth, via))


def judge_assigned(name: str, value: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """`export NAME=VALUE`, `declare -x NAME=VALUE` or `NAME=VALUE` on its own: every later command of the
    line (and the agent's shell, when NAME is already exported or `set -a` is on) may read it."""
    var = lookup(name)
    if var is None:
        return
    acc.exported[name] = value
    if var.reach != "reader":
        _judge_once(var, name, value, {}, Site(acc, depth, via))


def _judge_once(var: Variable, name: str, value: str, env: Mapping[str, str], site: Site) -> None:
    acc = site.acc
    key = (name, value, acc.cwd)
    if key in acc.env_judged:
        return
    acc.env_judged.add(key)
    before = len(acc.unverifiable)
    _judge(var, name, value, env, Site(acc, site.depth + 1, (*site.via, name)))
    computed = value.startswith(('"', "$")) or "`" in value  # the source text of a word bash computes
    if len(acc.unverifiable) > before and computed:
        acc.unverifiable[before:] = [
            f"{name}, which the line sets, names what {_readers(var)} will run, and its value {value!r} is "
            "computed at run time: set it to a literal value, or run that command directly"
        ]
    else:
        acc.unverifiable[before:] = [
            f"{name}, which the line sets, names what runs: {r}" for r in acc.unverifiable[before:]
        ]


def _judge(var: Variable, name: str, value: str, env: Mapping[str, str], site: Site) -> None:
    acc, depth, via = site
    kind = var.value
    if kind == "shell":
        _run_text(value.lstrip(var.strip) if var.strip else value, acc, depth, via)
    elif kind == "argv":
        acc.peel(value.split(), depth, via, ())
    elif kind == "prompt":
        acc.parse_into(f": {value}", depth, via)  # bash expands `$(…)` and backticks in a prompt
    elif kind == "script":
        if "$" in value or "`" in value:  # bash expands BASH_ENV/ENV before it reads the file
            acc.parse_into(f": {value}", depth, via)
            acc.unverifiable.append(f"the file it names ({value!r}) is computed at run time")
            return
        from planlint.guard.scripts import run_script

        run_script(acc, value, depth, via, f"{' and '.join(sorted(var.read_by)[:2])} (at start-up)")
    elif kind == "opaque":
        if value not in var.allow:
            acc.unverifiable.append(f"it points {_readers(var)} at a file or directory of settings or programs "
                                    f"({value!r}) that planlint does not read")  # fmt: skip
    else:
        _git_config(name, value, env, site)


def _run_text(text: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Judge shell text a program runs with `sh -c` (planlint/guard/git_settings.py `run_text`)."""
    from planlint.guard.git_settings import run_text

    run_text(text, acc, depth, via)


def _readers(var: Variable) -> str:
    return ", ".join(sorted(var.read_by)[:3])


def _git_config(name: str, value: str, env: Mapping[str, str], site: Site) -> None:
    """GIT_CONFIG_PARAMETERS (`'key'='value' …`, git's own quoting) and GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n."""
    acc, depth, via = site
    seen = {**acc.exported, **env}
    if name == "GIT_CONFIG_PARAMETERS":
        import shlex  # git's own quoting ('key'='value'); not needed by other lines

        try:
            settings = shlex.split(value)
        except ValueError:
            acc.unverifiable.append("planlint cannot read these git settings")
            return
        for setting in settings:
            key, eq, setting_value = setting.partition("=")
            git_setting(key, setting_value if eq else "", acc, depth, via)
    elif name.startswith("GIT_CONFIG_KEY_"):
        pair = "GIT_CONFIG_VALUE_" + name.removeprefix("GIT_CONFIG_KEY_")
        if pair in seen:
            git_setting(value, seen[pair], acc, depth, via)
        elif _git_kind(value) is not None:
            acc.unverifiable.append(f"it sets git's {value}, whose value ({pair}) planlint cannot see")
    elif name.startswith("GIT_CONFIG_VALUE_") and f"GIT_CONFIG_KEY_{name[17:]}" not in seen:
        _run_text(value, acc, depth, via)  # the key is unknown: the value may be a command


def git_setting(key: str, value: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Judge one git setting `key=value` set through the environment (rules/commands/git.yaml `settings`).

    A setting that names a directory or file of settings or hooks is refused: every git the line starts,
    however deep, reads the environment, and planlint does not follow it there.
    """
    from planlint.guard.git_settings import PATH_KINDS, judge_setting

    if judge_setting(key, value, acc, depth, via) in PATH_KINDS:
        acc.unverifiable.append(f"git's {key} names files or hooks ({value!r}) that planlint does not read")


def _git_kind(key: str) -> str | None:
    from planlint.guard.git_settings import setting_kind

    return setting_kind(key)


def judge_read(words: list[str], acc: Reader) -> None:
    """`read GIT_PAGER`, `printf -v GIT_PAGER …`, `mapfile PAGER`: a variable whose value runs, set from
    input or a format planlint cannot see, is refused."""
    for word in words[1:]:
        name = word[2:] if word.startswith("-v") and len(word) > 2 else word
        if name.isupper() and lookup(name) is not None:
            acc.unverifiable.append(f"`{words[0]}` sets {name}, whose value runs, from input planlint cannot "
                                    "see: set it to a literal value, or run that command directly")  # fmt: skip


def guard_environment(env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """(`env` without every variable of the table and of `guard_strips`, the names removed, sorted).

    Guard starts every tool with this environment: a value the agent set there could otherwise run a
    program of its choosing with guard's credentials (`GIT_SSH_COMMAND` during `terraform init`, a
    `TF_CLI_CONFIG_FILE` with provider overrides, `LD_PRELOAD`, …).
    """
    from planlint.guard.tables import load_table

    stripped = {n for e in load_table("env_commands")["guard_strips"] for n in e["names"]}
    removed = sorted(k for k in env if k in stripped or lookup(k) is not None)
    return {k: v for k, v in env.items() if k not in removed}, removed


def env_docs() -> list[str]:
    """The docs/commands.md section for rules/commands/env_commands.yaml."""
    from planlint.guard.tables import load_table

    table = load_table("env_commands")
    lines = [
        "",
        "## Environment variables whose value runs",
        "",
        "Wherever a line sets one of these (`X=… cmd`, `env X=… cmd`, `export X=…`, `declare -x X=…`, `X=…`),",
        "the hook judges the value as what will run; a value it cannot see is refused. `planlint guard` starts",
        "every tool without them (and without the variables of the second table).",
        "",
        "| variables | value | read by | source |",
        "|---|---|---|---|",
    ]
    for e in table["variables"]:
        lines.append(f"| {', '.join(f'`{n}`' for n in e['names'])} | {e['value']} "
                     f"| {', '.join(e['read_by'])} | {e['source']} |")  # fmt: skip
    lines += [
        "",
        "git settings (`GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_KEY_n`) are judged by the git table below.",
    ]
    lines += ["", "Removed by guard only:", "", "| variables | why | source |", "|---|---|---|"]
    for s in table["guard_strips"]:
        lines.append(f"| {', '.join(f'`{n}`' for n in s['names'])} | {s['why']} | {s['source']} |")
    return lines
