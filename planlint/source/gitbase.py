"""A base checkout taken from git (`--base-ref HEAD`): what pre-commit compares the working tree with."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from planlint.errors import InputError

GIT_TIMEOUT_SECONDS = 60


def git(args: list[str], cwd: Path) -> bytes:
    """Run git in `cwd` and return its stdout; any failure is an InputError naming the command."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run git: {exc}", origin=str(cwd)) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            f"git {' '.join(args)} failed: {message[-1] if message else result.returncode}", origin=str(cwd)
        )
    return result.stdout


def export_ref(source: Path, ref: str, into: Path) -> Path:
    """Write the .tf/.tofu files of the git repository containing `source`, as of `ref`, under `into`.

    Returns the directory under `into` that corresponds to `source`.
    """
    if not source.is_dir():
        raise InputError("Terraform source directory not found", origin=str(source))
    top = Path(git(["rev-parse", "--show-toplevel"], source).decode().strip())
    relative = source.resolve().relative_to(top.resolve())
    if ref == "HEAD" and unborn_head(top):  # before the first commit everything is new: an empty base
        base = into / relative
        base.mkdir(parents=True, exist_ok=True)
        return base
    try:
        commit = git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top).decode().strip()
    except InputError:
        raise InputError(f"git revision {ref!r} not found (for --base-ref)", origin=str(top)) from None
    archive = git(["archive", "--format=tar", commit, "--", "."], top)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith((".tf", ".tofu"))]
        for member in members:
            target = (into / member.name).resolve()
            if not target.is_relative_to(into.resolve()):
                raise InputError(f"unsafe path in git archive: {member.name}", origin=ref)
            target.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            target.write_bytes(extracted.read() if extracted is not None else b"")
    base = into / relative
    base.mkdir(parents=True, exist_ok=True)  # the directory may not exist at `ref` yet: an empty base
    return base


def unborn_head(top: Path) -> bool:
    """HEAD names a branch that has no commit yet (a new repository before its first commit)."""
    try:
        git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], top)
        return False
    except InputError:
        pass
    try:
        git(["symbolic-ref", "--quiet", "HEAD"], top)
    except InputError:
        return False
    return True
