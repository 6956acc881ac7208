"""What a task runner would run: the recipe text of `make T`, `just R`, `task T`, `npm run S` (and `yarn`, `pnpm`).

Each runner's files and options are data (`rules/commands/runners.yaml`, schema
`planlint/schemas/runners.schema.json`); this module reads the recipe formats:

- Makefile (GNU make manual: 3.3 "Including Other Makefiles", 4 "Writing Rules", 5.1 "Recipe Syntax",
  6 "How to Use Variables"): rules, tab-indented recipe lines with their `@ - +` prefixes, `$(VAR)` and
  `${VAR}` from simple assignments and `VAR=value` on the command line, automatic `$@ $< $^`, `$$`,
  `include`, prerequisites, `.DEFAULT_GOAL`. A function call (`$(shell …)`) or an unknown variable stays
  computed (`$PLANLINT_MAKE_VALUE`), so the shell reader treats it as a value only known at run time.
- justfile (just manual, "Recipes", "Variables and Substitution", "Shebang Recipes"): recipes and their
  dependencies, `name := 'literal'`, `{{…}}`, backticks (evaluated when the justfile loads).
- Taskfile (taskfile.dev "Schema reference"): `tasks.NAME.cmds` / `cmd` / `deps` / `task:` calls, `vars`,
  `{{.VAR}}`.
- package.json (docs.npmjs.com "scripts"): `scripts.NAME` with its `preNAME` / `postNAME`.

`recipe_text` returns the shell text, or the problem that kept it unknown.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planlint.guard.files import FileText, read_text, resolve

COMPUTED = "$PLANLINT_RECIPE_VALUE"  # a value the runner computes: dynamic to the shell reader
MAX_RECIPES = 64  # targets followed through prerequisites and includes, per command
_MAKE_ASSIGN = re.compile(
    r"^(?:(?:export|override|private)\s+)*([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$"
)
_MAKE_REF = re.compile(r"\$\((?P<paren>[^()$]*)\)|\$\{(?P<brace>[^{}$]*)\}|\$(?P<single>[@<^?*%+|A-Za-z0-9])")
_MAKE_BUILTIN = {"MAKE": "make", "SHELL": "/bin/sh", "MAKEFLAGS": "", "RM": "rm -f"}


@dataclass(frozen=True, slots=True)
class RecipeText:
    """The shell text a runner would run, or why it is unknown; `mentions_file` is the recipe file's text."""

    file: str
    text: str | None
    problem: str = ""
    file_text: str = ""


def recipe_text(fmt: str, path: FileText, names: Sequence[str], args: Sequence[str]) -> RecipeText:
    """The recipes `names` (empty: the default one) of the recipe file `path`, in format `fmt`."""
    if path.text is None:
        return RecipeText(path.path, None, f"{path.path} is {path.problem}")
    reader: Callable[[str, str, Sequence[str], Sequence[str]], tuple[str | None, str]] = _FORMATS[fmt]
    try:
        text, problem = reader(path.text, path.path, names, args)
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        text, problem = None, f"{path.path} could not be read ({type(exc).__name__})"
    return RecipeText(path.path, text, problem, path.text)


def find_file(candidates: Sequence[str], directory: str, explicit: str | None) -> FileText:
    """The recipe file a runner would read: `explicit` (`-f FILE`), else the first of `candidates` in `directory`."""
    if explicit is not None:
        return read_text(explicit, directory)
    for name in candidates:
        if resolve(name, directory).is_file():
            return read_text(name, directory)
    return FileText(str(Path(directory) / candidates[0]), problem="missing")


# --- Makefile ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Makefile:
    variables: dict[str, str]
    rules: dict[str, tuple[list[str], list[str]]]  # target → (prerequisites, recipe lines)
    first: str = ""
    problems: list[str] | None = None


def _makefile(text: str, path: str, names: Sequence[str], args: Sequence[str]) -> tuple[str | None, str]:
    overrides = dict(a.split("=", 1) for a in args if "=" in a and re.match(r"^[A-Za-z_][\w.-]*=", a))
    make = _Makefile(dict(_MAKE_BUILTIN), {}, problems=[])
    _read_makefile(text, Path(path), make, depth=0)
    make.variables.update(overrides)
    goals = list(names) or [make.variables.get(".DEFAULT_GOAL", "") or make.first]
    lines: list[str] = []
    seen: set[str] = set()
    for goal in goals:
        if not goal or goal not in make.rules:
            return None, f"{path} has no rule for `{goal or '(default goal)'}` planlint can read"
        _make_target(goal, make, lines, seen)
    return "\n".join(lines), ""


def _read_makefile(text: str, path: Path, make: _Makefile, depth: int) -> None:
    current: list[str] = []
    for raw in re.sub(r"\\\n[ \t]*", " ", text).split("\n"):
        if raw.startswith("\t"):
            for target in current:
                make.rules[target][1].append(raw[1:])
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        words = line.split()
        if words[0] in ("include", "-include", "sinclude") and depth < 4:
            for name in _expand(" ".join(words[1:]), make.variables, {}).split():
                included = read_text(name, str(path.parent))
                if included.text is not None:
                    _read_makefile(included.text, path.parent / name, make, depth + 1)
                elif words[0] == "include" and make.problems is not None:
                    make.problems.append(f"{name} ({included.problem})")
            continue
        assignment = _MAKE_ASSIGN.match(line.strip())
        if assignment and ":" not in line.split("=", 1)[0].replace(":=", "").replace("::=", ""):
            name, op, value = assignment.groups()
            if op == "?=" and name in make.variables:
                continue
            if op == "!=":
                value = COMPUTED
            make.variables[name] = (
                (make.variables.get(name, "") + " " + value).strip() if op == "+=" else value
            )
            current = []
            continue
        rule = re.match(r"^([^:]+?)\s*::?(?!=)\s*(.*)$", line)
        if rule is None:
            current = []
            continue
        targets = _expand(rule.group(1), make.variables, {}).split()
        rest, _, inline = rule.group(2).partition(";")
        if "=" in rest and not rest.startswith("="):  # a target-specific variable, not prerequisites
            current = []
            continue
        prerequisites = _expand(rest.replace("|", " "), make.variables, {}).split()
        current = [t for t in targets if "%" not in t]
        for target in current:
            old = make.rules.setdefault(target, ([], []))
            old[0].extend(prerequisites)
            if inline.strip():
                old[1].append(inline.strip())
            if not make.first and not target.startswith("."):
                make.first = target


def _make_target(target: str, make: _Makefile, lines: list[str], seen: set[str]) -> None:
    if target in seen or len(seen) >= MAX_RECIPES or target not in make.rules:
        return
    seen.add(target)
    prerequisites, recipe = make.rules[target]
    for prerequisite in prerequisites:
        _make_target(prerequisite, make, lines, seen)
    auto = {"@": target, "<": prerequisites[0] if prerequisites else "", "^": " ".join(prerequisites)}
    for line in recipe:
        lines.append(_expand(line.lstrip(), make.variables, auto).lstrip("@-+ \t"))


def _expand(text: str, variables: dict[str, str], auto: dict[str, str], depth: int = 0) -> str:
    """GNU make variable expansion, as far as it is literal; `$$` → `$`; the rest computed."""
    protected = text.replace("$$", "\0")

    def one(match: re.Match[str]) -> str:
        name = match.group("paren") or match.group("brace") or match.group("single") or ""
        if name in auto:
            return auto[name]
        if " " in name or "," in name or ":" in name or name not in variables or depth > 10:
            return COMPUTED  # a function ($(shell …), $(wildcard …)), a substitution ref, or unknown
        return _expand(variables[name], variables, auto, depth + 1).replace("$", "\0")

    for _ in range(10):
        expanded = _MAKE_REF.sub(one, protected)
        if expanded == protected:
            break
        protected = expanded
    return protected.replace("\0", "$")


# --- justfile ---------------------------------------------------------------------------------------

_JUST_RECIPE = re.compile(r"^@?(?P<name>[A-Za-z_][\w-]*)(?P<params>[^:=]*?)\s*:(?![=])\s*(?P<deps>.*)$")
_JUST_VARIABLE = re.compile(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$")
_JUST_ALIAS = re.compile(r"^alias\s+([A-Za-z_][\w-]*)\s*:=\s*([A-Za-z_][\w-]*)\s*$")
_QUOTED = re.compile(r"""^(?:'([^']*)'|"([^"\\]*)")$""")
_SHELL_NAMES = frozenset(("sh", "bash", "dash", "zsh", "ksh", "ash"))


def _justfile(text: str, path: str, names: Sequence[str], args: Sequence[str]) -> tuple[str | None, str]:
    variables: dict[str, str] = {}
    recipes: dict[str, tuple[list[str], list[str]]] = {}
    loads: list[str] = []  # backticks in assignments run when the justfile loads, whatever recipe runs
    order: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        if current is not None and line[:1] in (" ", "\t") and line.strip():
            recipes[current][1].append(line.strip())
            continue
        current = None
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "[", "set ", "mod ", "import ")):
            continue
        alias = _JUST_ALIAS.match(stripped)
        variable = _JUST_VARIABLE.match(stripped)
        recipe = _JUST_RECIPE.match(stripped)
        if alias:
            order.append(f"alias:{alias.group(1)}:{alias.group(2)}")
        elif variable:
            value = variable.group(2).strip()
            quoted = _QUOTED.match(value)
            variables[variable.group(1)] = (
                next(g for g in quoted.groups() if g is not None) if quoted else COMPUTED
            )
            loads += re.findall(r"`([^`]*)`", value)
        elif recipe:
            current = recipe.group("name")
            deps = re.findall(
                r"[A-Za-z_][\w-]*",
                re.sub(r"\([^)]*\)", lambda m: m.group(0).split()[0][1:], recipe.group("deps")),
            )
            recipes[current] = (deps, [])
            order.append(current)
    aliases = {o.split(":")[1]: o.split(":")[2] for o in order if o.startswith("alias:")}
    first = next((o for o in order if not o.startswith("alias:")), "")
    wanted = [aliases.get(n, n) for n in names if aliases.get(n, n) in recipes] or ([] if names else [first])
    if not wanted or not wanted[0]:
        return None, f"{path} has no recipe `{names[0] if names else '(default)'}` planlint can read"
    lines = list(loads)
    seen: set[str] = set()
    for name in wanted:
        _just_recipe(name, recipes, variables, lines, seen)
    return "\n".join(lines), ""


def _just_recipe(name: str, recipes: dict[str, tuple[list[str], list[str]]], variables: dict[str, str],
                 lines: list[str], seen: set[str]) -> None:  # fmt: skip
    if name in seen or len(seen) >= MAX_RECIPES or name not in recipes:
        return
    seen.add(name)
    deps, body = recipes[name]
    for dep in deps:
        _just_recipe(dep, recipes, variables, lines, seen)

    def value(match: re.Match[str]) -> str:
        return variables.get(match.group(1).strip(), COMPUTED)

    expanded = [re.sub(r"\{\{(.*?)\}\}", value, line) for line in body]
    interpreter = expanded[0][2:].split() if expanded and expanded[0].startswith("#!") else []
    if interpreter:
        program = interpreter[-1] if Path(interpreter[0]).name == "env" else interpreter[0]
        script = "\n".join(expanded[1:])
        shell = Path(program).name in _SHELL_NAMES
        lines.append(script if shell else f"{shlex.join(interpreter)} -c {shlex.quote(script)}")
        return
    lines.extend(line.lstrip("@-") for line in expanded)


# --- Taskfile ---------------------------------------------------------------------------------------


def _taskfile(text: str, path: str, names: Sequence[str], args: Sequence[str]) -> tuple[str | None, str]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(text, Loader=loader)  # a safe loader
    except yaml.YAMLError as exc:
        raise ValueError("not YAML") from exc
    tasks = document.get("tasks") if isinstance(document, dict) else None
    if not isinstance(tasks, dict):
        return None, f"{path} has no `tasks` planlint can read"
    variables = _literal_vars(document.get("vars"))
    variables["CLI_ARGS"] = shlex.join(args)
    lines: list[str] = []
    seen: set[str] = set()
    for name in names or ["default"]:
        if name not in tasks:
            return None, f"{path} has no task `{name}` planlint can read (included Taskfiles are not read)"
        _task(name, tasks, variables, lines, seen)
    return "\n".join(lines), ""


def _literal_vars(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): (v if isinstance(v, str) else COMPUTED) for k, v in value.items()}


def _task(
    name: str, tasks: dict[str, object], variables: dict[str, str], lines: list[str], seen: set[str]
) -> None:
    if name in seen or len(seen) >= MAX_RECIPES:
        return
    seen.add(name)
    spec = tasks.get(name)
    if spec is None:
        lines.append(f"{COMPUTED} # task {name} is not in this Taskfile")
        return
    if isinstance(spec, str):
        spec = {"cmds": [spec]}
    elif isinstance(spec, list):
        spec = {"cmds": spec}
    if not isinstance(spec, dict):
        raise ValueError(f"task {name} is not a mapping")
    scope = {**variables, **_literal_vars(spec.get("vars"))}
    for dep in spec.get("deps") or []:
        dep_name = dep.get("task") if isinstance(dep, dict) else dep
        _task(str(dep_name), tasks, scope, lines, seen)
    commands = list(spec.get("cmds") or []) + ([spec["cmd"]] if isinstance(spec.get("cmd"), str) else [])
    for item in commands:
        if isinstance(item, dict) and "task" in item:
            _task(str(item["task"]), tasks, scope, lines, seen)
            continue
        command = (item.get("cmd") or item.get("defer") or "") if isinstance(item, dict) else item
        text = re.sub(r"\{\{\s*\.(\w+)\s*\}\}", lambda m: scope.get(m.group(1), COMPUTED), str(command))
        lines.append(re.sub(r"\{\{.*?\}\}", COMPUTED, text))


# --- package.json -----------------------------------------------------------------------------------


def _package_json(text: str, path: str, names: Sequence[str], args: Sequence[str]) -> tuple[str | None, str]:
    document = json.loads(text)
    scripts = document.get("scripts") if isinstance(document, dict) else None
    if not isinstance(scripts, dict) or not names or names[0] not in scripts:
        shown = names[0] if names else "(none)"
        return None, f"{path} has no script `{shown}`"
    name = names[0]
    lines = [str(scripts[n]) for n in (f"pre{name}",) if n in scripts]
    lines.append(" ".join([str(scripts[name]), *map(shlex.quote, args)]))
    lines += [str(scripts[n]) for n in (f"post{name}",) if n in scripts]
    return "\n".join(lines), ""


_FORMATS: dict[str, Callable[[str, str, Sequence[str], Sequence[str]], tuple[str | None, str]]] = {
    "makefile": _makefile,
    "justfile": _justfile,
    "taskfile": _taskfile,
    "package-json": _package_json,
}
