"""Every file below a plan directory, accounted for: read as a plan, skipped and listed, or refused.

A plan directory is Terragrunt's `run --all --json-out-dir DIR -- plan` output (`DIR/<unit>/tfplan.json`,
with the binary `tfplan.tfplan` beside it when `--out-dir` is the same directory: terragrunt
`internal/component/unit.go`) or one plan/preview JSON per stack. Nothing below it is dropped silently:

- a symlink (to a file or a directory) is refused, naming where it points: followed, it could judge a plan
  from outside the directory or the same plan twice; skipped, it would hide a stack;
- `.git` is version-control metadata, never plans: skipped and listed;
- in any other hidden directory (`.prod/`, `.terragrunt-cache/`) a `*.json` file is refused (a plan there
  would otherwise not be judged); other files there are skipped and listed;
- a hidden file that is not JSON (`.DS_Store`, `.gitkeep`) is skipped and listed;
- any other file must be a plan: with Terragrunt's layout a `tfplan.json` (its `tfplan.tfplan` twin is the
  same plan), otherwise a `*.json` in any letter case; anything else (`plan.txt`, `tfplan.json.bak`, a
  second naming scheme beside Terragrunt's) is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from planlint.errors import InputError

TERRAGRUNT_PLAN = "tfplan.json"
TERRAGRUNT_BINARY_PLAN = "tfplan.tfplan"  # Terragrunt `--out-dir`: the same plan, binary
VCS_DIRECTORY = ".git"


@dataclass(frozen=True, slots=True)
class DirectoryFiles:
    """The plan files below a directory (sorted), whether they are Terragrunt's layout, and what was skipped."""

    plans: tuple[Path, ...]
    terragrunt: bool
    skipped: tuple[str, ...]  # paths relative to the directory, posix style; a skipped directory ends in "/"


def plan_files(directory: str) -> DirectoryFiles:
    """Walk `directory` (symlinks never followed) and sort every file into plans, skipped or refused."""
    root = Path(directory)
    visible: list[Path] = []
    skipped: list[str] = []
    for current, dirs, files in os.walk(root, followlinks=False):
        here = Path(current)
        hidden = any(part.startswith(".") for part in here.relative_to(root).parts)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                _refuse_symlink(here / name, root, directory)
            if name == VCS_DIRECTORY:
                skipped.append(_relative(here / name, root) + "/")
        dirs[:] = sorted(d for d in dirs if d != VCS_DIRECTORY)
        for name in sorted(files):
            path = here / name
            if path.is_symlink():
                _refuse_symlink(path, root, directory)
            is_json = name.lower().endswith(".json")
            if (hidden or name.startswith(".")) and is_json:
                raise InputError(
                    f"{_relative(path, root)} is a JSON file in a hidden place, which planlint does not "
                    "read as a stack; move it out of the hidden directory or pass it as a file",
                    directory,
                )
            if hidden or name.startswith("."):
                skipped.append(_relative(path, root))
            else:
                visible.append(path)
    terragrunt = any(p.name == TERRAGRUNT_PLAN for p in visible)
    plans = [p for p in visible if _is_plan_name(p, terragrunt, visible, root, directory)]
    return DirectoryFiles(plans=tuple(sorted(plans)), terragrunt=terragrunt, skipped=tuple(sorted(skipped)))


def _is_plan_name(path: Path, terragrunt: bool, visible: list[Path], root: Path, directory: str) -> bool:
    """True for a plan; False for Terragrunt's binary twin of a plan beside it; refuses anything else."""
    if terragrunt:
        if path.name == TERRAGRUNT_PLAN:
            return True
        if path.name == TERRAGRUNT_BINARY_PLAN:
            if path.with_name(TERRAGRUNT_PLAN) in visible:
                return False
            raise InputError(
                f"{_relative(path, root)} is a binary plan without its {TERRAGRUNT_PLAN}: unit "
                f"{_relative(path.parent, root)} left no JSON plan, so it would not be judged",
                directory,
            )
        raise InputError(
            f"{_relative(path, root)} is not a Terragrunt plan ({TERRAGRUNT_PLAN}) in a directory of "
            "Terragrunt plans, so it would not be judged; remove it, or judge it on its own",
            directory,
        )
    if path.name.lower().endswith(".json"):
        return True
    raise InputError(
        f"{_relative(path, root)} is not a plan JSON (*.json); a plan directory holds only plans, so it "
        "would not be judged: remove it, or pass it as a file",
        directory,
    )


def _refuse_symlink(path: Path, root: Path, directory: str) -> None:
    target = path.resolve()
    inside = target.is_relative_to(root.resolve())
    where = "inside the directory" if inside else "outside the directory"
    raise InputError(
        f"{_relative(path, root)} is a symlink to {target} ({where}); planlint follows no symlink in a "
        "plan directory (it could judge a plan twice or one from elsewhere): pass the plans themselves",
        directory,
    )


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
