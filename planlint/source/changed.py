"""What a commit changes, for pre-commit: the Terraform roots it touches and the base to compare with.

pre-commit passes only files that still exist, so a deleted `.tf` file would never reach a hook. This
module asks git itself (deletions included) and turns the changed paths into the directories to check.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from planlint.errors import InputError
from planlint.source.gitbase import git, unborn_head
from planlint.source.index import SOURCE_SUFFIXES

# pre-commit sets these for pre-push and for `pre-commit run --from-ref A --to-ref B`.
FROM_REF = "PRE_COMMIT_FROM_REF"
TO_REF = "PRE_COMMIT_TO_REF"


@dataclass(frozen=True, slots=True)
class ChangeScope:
    """The repository, the base revision (None: the repository has no commit yet) and the changed roots."""

    top: Path
    base_ref: str | None
    roots: tuple[str, ...]  # repository-relative POSIX directories holding a changed .tf/.tofu file


def change_scope(cwd: Path, base_ref: str | None, environ: Mapping[str, str] = os.environ) -> ChangeScope:
    """The Terraform directories changed between `base_ref` (default: HEAD) and the working tree.

    With PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF set (pre-push, `--from-ref`), the base is the from-ref.
    In a repository without commits every tracked file is new and the base is empty.
    """
    top = Path(git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    ref = base_ref or environ.get(FROM_REF) or "HEAD"
    if ref == "HEAD" and unborn_head(top):
        listed = git(["ls-files", "-z"], top)
        return ChangeScope(top, None, _roots(listed))
    try:
        git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except InputError:
        raise InputError(
            f"git revision {ref!r} not found (the base to compare with)", origin=str(top)
        ) from None
    changed = git(["diff", "--name-only", "--no-renames", "-z", ref, "--"], top)
    return ChangeScope(top, ref, _roots(changed))


def _roots(nul_separated: bytes) -> tuple[str, ...]:
    roots = {
        str(PurePosixPath(name).parent)
        for name in nul_separated.decode("utf-8", "surrogateescape").split("\0")
        if name.endswith(SOURCE_SUFFIXES)
    }
    return tuple(sorted(roots))
