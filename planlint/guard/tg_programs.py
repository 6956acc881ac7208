"""The programs a Terragrunt unit runs under the account that runs `terragrunt` (terragrunt.gruntwork.io/docs/
reference/hcl): read before guard runs anything, from the unit's `terragrunt.hcl`, every file it includes
(`include { path }`), reads (`read_terragrunt_config(…)`) or depends on (`dependency { config_path }`), and
the Terraform configuration it runs (the unit directory, or a local `terraform { source }`).

What runs: `before_hook`/`after_hook`/`error_hook` `execute` (for the `commands` they list), `run_cmd(…)`
anywhere (whenever the file is parsed, so for every command), `terraform_binary`, `extra_arguments`
`env_vars` that guard would strip (`TF_CLI_CONFIG_FILE` chooses provider binaries), `generate` blocks'
contents (read as Terraform configuration), and the Terraform configuration's own programs
(planlint.guard.tf_programs). A path guard cannot work out makes it read every `*.hcl` file of the working
tree instead; a `terraform { source }` Terragrunt downloads is refused unless the trusted policy allows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from planlint.guard.hcl_blocks import Block, parse_blocks, read_blocks
from planlint.guard.programs import (
    ProgramUse,
    env_problem,
    literal,
    literal_vector,
    run_cmd_calls,
    strings_in,
)
from planlint.guard.tf_programs import block_programs, shown_path, terraform_programs

CONFIG_NAMES = ("terragrunt.hcl", "terragrunt.hcl.json")
HOOKS = ("before_hook", "after_hook", "error_hook")
_SKIPPED_DIRS = (".terragrunt-cache", ".terraform", ".git")
_FIND = re.compile(r'find_in_parent_folders\(\s*(?:"([^"$]*)")?\s*\)')


@dataclass(slots=True)
class _Walk:
    unit: Path
    tree: Path  # the working tree: where an unresolvable path makes guard read every *.hcl file
    commands: frozenset[str]  # the Terraform commands Terragrunt will run (decides which hooks fire)
    shown_from: Path
    seen: set[Path] = field(default_factory=set)
    uses: list[ProgramUse] = field(default_factory=list)
    whole_tree: bool = False
    sourced: bool = False  # a `terraform { source }` names the Terraform configuration the unit runs


def unit_directories(root: Path) -> list[Path]:
    """`root` and every directory below it holding a terragrunt.hcl (caches and hidden directories skipped)."""
    found = [root] if _config(root) else []
    for path in sorted(root.rglob("terragrunt.hcl*")):
        parts = path.relative_to(root).parts
        if path.name in CONFIG_NAMES and not any(p.startswith(".") for p in parts[:-1]):
            found.append(path.parent)
    return sorted(set(found))


def terragrunt_programs(
    units: list[Path], tree: Path, commands: frozenset[str], shown_from: Path
) -> list[ProgramUse]:
    """Every program the units run (InputError: a file guard cannot read)."""
    uses: list[ProgramUse] = []
    whole_tree = False
    for unit in units:
        walk = _Walk(unit, tree, commands, shown_from)
        config = _config(unit)
        if config is not None:
            _read_config(walk, config)
        if not walk.sourced:
            walk.uses += terraform_programs(unit, Path(".terraform"), shown_from)
        uses += walk.uses
        whole_tree = whole_tree or walk.whole_tree
    if whole_tree:
        for path in sorted(tree.rglob("*.hcl")):
            if not any(p in _SKIPPED_DIRS for p in path.relative_to(tree).parts):
                walk = _Walk(path.parent, tree, commands, shown_from)
                _read_config(walk, path)
                uses += walk.uses
    return list(dict.fromkeys(uses))


def _config(directory: Path) -> Path | None:
    return next((directory / n for n in CONFIG_NAMES if (directory / n).is_file()), None)


def _read_config(walk: _Walk, path: Path) -> None:
    resolved = path.resolve()
    if resolved in walk.seen:
        return
    walk.seen.add(resolved)
    blocks = read_blocks(path, shown_path(path, walk.shown_from))
    for block in blocks:
        _block(walk, block, path.parent)


def _block(walk: _Walk, block: Block, here: Path) -> None:
    for name, value in block.attributes.items():
        for text in strings_in(value):
            for argv in run_cmd_calls(text):
                walk.uses.append(ProgramUse(block.where(name), "run_cmd(…)", argv, walk.unit, "plan"))
            for argument in call_arguments(text, "read_terragrunt_config"):
                _follow(walk, argument, here)
    if block.type == "" and "terraform_binary" in block.attributes:
        binary = literal(block.attributes["terraform_binary"])
        walk.uses.append(ProgramUse(block.where("terraform_binary"), "terraform_binary",
                                    (binary,) if binary else None, walk.unit, "plan"))  # fmt: skip
    if block.type == "include" and "path" in block.attributes:
        _follow(walk, _quoted(block.attributes["path"]), here)
    if block.type == "dependency" and "config_path" in block.attributes:
        _follow(walk, _quoted(block.attributes["config_path"]), here, directory=True)
    if block.type == "terraform":
        _terraform_block(walk, block, here)
    if block.type == "generate":
        contents = block.attributes.get("contents")
        if isinstance(contents, str):
            generated = parse_blocks(contents, f"{block.where('contents')} (generate contents)")
            walk.uses += [u for b in generated for u in block_programs(b, walk.unit)]
    for child in block.blocks:
        if block.type != "terraform":  # its hooks are read by _terraform_block
            _block(walk, child, here)


def _terraform_block(walk: _Walk, block: Block, here: Path) -> None:
    name = f"{block.type} block"
    for hook in (b for b in block.blocks if b.type in HOOKS):
        listed = literal_vector(hook.attributes.get("commands"))
        if listed is not None and not walk.commands.intersection(listed):
            continue
        base = here / (literal(hook.attributes.get("working_dir")) or ".")
        shown = " ".join([hook.type, *(f'"{label}"' for label in hook.labels)])
        walk.uses.append(ProgramUse(hook.where("execute"), f"{shown} execute",
                                    literal_vector(hook.attributes.get("execute")), base, "plan"))  # fmt: skip
    for extra in block.nested("extra_arguments"):
        problem = env_problem(extra.attributes.get("env_vars"))
        if problem:
            walk.uses.append(ProgramUse(extra.where("env_vars"), "extra_arguments env_vars", None, here, "plan",
                                        problem=problem))  # fmt: skip
    for child in block.blocks:
        if child.type not in HOOKS:
            _block(walk, child, here)
    if "source" not in block.attributes:
        return
    source = literal(block.attributes["source"])
    if source is not None and source.startswith(("./", "../", "/")) and "::" not in source:
        walk.sourced = True
        directory = (here / source.replace("//", "/")).resolve()
        walk.uses += terraform_programs(directory, Path(".terraform"), walk.shown_from)
        return
    walk.sourced = True
    walk.uses.append(ProgramUse(block.where("source"), f"{name} source (Terragrunt downloads it when it runs, so "
                                "guard cannot read what it runs first)", None, here, "plan",
                                source=source or "a source the configuration computes"))  # fmt: skip


def _quoted(value: object) -> str:
    return str(value) if isinstance(value, str) else ""


def call_arguments(text: str, function: str) -> list[str]:
    """The first argument's text of every `function(…)` call in an expression (parentheses balanced)."""
    found: list[str] = []
    for match in re.finditer(rf"\b{function}\s*\(", text):
        depth, at = 1, match.end()
        while at < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            at += 1
        found.append(text[match.end() : at - 1].split(",", 1)[0].strip())
    return found


def _follow(walk: _Walk, expression: str, here: Path, directory: bool = False) -> None:
    target = resolve_path(expression, here, walk.unit, walk.tree)
    if target is None:
        walk.whole_tree = True
        return
    if directory or target.is_dir():
        config = _config(target)
        if config is None:
            return
        target = config
    if target.is_file():
        _read_config(walk, target)


def resolve_path(text: str, here: Path, unit: Path, tree: Path) -> Path | None:
    """The file a Terragrunt path expression names, for the forms guard can work out (a literal path,
    `find_in_parent_folders(["name"])`, `dirname(…)` of it, `get_terragrunt_dir()`, `get_repo_root()`,
    and strings joining them), else None."""
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1]
    whole = _function(text, unit, tree)
    if whole is not None:
        return whole
    out = text
    for found in re.finditer(r"\$\{([^}]*)\}", text):
        value = _function(found.group(1).strip(), unit, tree)
        if value is None:
            return None
        out = out.replace(found.group(0), str(value))
    if not out or "${" in out or "(" in out:
        return None
    return here / out


def _function(text: str, unit: Path, tree: Path) -> Path | None:
    if text == "get_terragrunt_dir()":
        return unit
    if text == "get_repo_root()":
        return tree
    inner = re.fullmatch(r"dirname\((.*)\)", text)
    if inner:
        found = _function(inner.group(1).strip(), unit, tree)
        return found.parent if found is not None else None
    match = _FIND.fullmatch(text)
    if match:
        name = match.group(1) or "terragrunt.hcl"
        return next((d / name for d in unit.parents if (d / name).exists()), None)
    return None
