"""Opt-in: every provider binary Terraform would start from its data directory must be one the operator pinned
in programs.yml (`providers`: provider address → accepted `h1:` hashes), else guard refuses (exit 16).

Terraform runs the provider packages in `<TF_DATA_DIR>/providers/<host>/<namespace>/<type>/<version>/<os_arch>/`
whose `h1:` hash `.terraform.lock.hcl` lists; the agent can write both (checked with Terraform 1.11.4: a shell
script placed there with its hash in the lock file is executed by `plan` and `validate`). The `h1:` hash is
Go's dirhash Hash1 (golang.org/x/mod/sumdb/dirhash; developer.hashicorp.com/terraform/language/files/
dependency-lock#h1-and-zh-hashes): sha256 of the sorted lines `<sha256 hex>  <relative path>\\n`, one per
file, base64-encoded. Guard hashes what is installed just before starting Terraform; a binary swapped in
after that moment is not seen (docs/agents.md, "What planlint still cannot stop").
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from pathlib import Path

from planlint.errors import InputError
from planlint.guard.programs import ProgramUse


def h1_hash(package: Path) -> str:
    """The `h1:` hash of a provider package directory (symbolic links followed, as Terraform's installer does)."""
    lines = []
    for path in sorted(p for p in package.resolve().rglob("*") if p.is_file()):
        name = path.relative_to(package.resolve()).as_posix()
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}\n")
    summary = hashlib.sha256("".join(sorted(lines)).encode()).digest()
    return "h1:" + base64.b64encode(summary).decode()


def installed_packages(providers: Path) -> list[tuple[str, str, Path]]:
    """(provider address, version, package directory) for every package under `<data dir>/providers`."""
    if not providers.is_dir():
        return []
    found = []
    try:
        for package in sorted(providers.glob("*/*/*/*/*")):
            if package.is_dir():
                host, namespace, kind, version, _ = package.relative_to(providers).parts
                found.append((f"{host}/{namespace}/{kind}", version, package))
    except OSError as exc:
        raise InputError(
            f"cannot list the installed providers: {exc.strerror or exc}", origin=str(providers)
        ) from exc
    return found


def unpinned_providers(data_dir: Path, pins: Mapping[str, tuple[str, ...]], shown: str) -> list[ProgramUse]:
    """A use (with its problem) for every installed provider package whose hash the pins do not list."""
    uses = []
    for address, version, package in installed_packages(data_dir / "providers"):
        try:
            actual = h1_hash(package)
        except OSError as exc:
            raise InputError(
                f"cannot hash a provider package: {exc.strerror or exc}", origin=str(package)
            ) from exc
        if actual in pins.get(address, ()):
            continue
        why = (f"its hash {actual} is not one programs.yml pins for {address}" if address in pins
               else f"programs.yml pins no hash for {address}")  # fmt: skip
        where = f"{shown}/providers/{address}/{version}"
        uses.append(
            ProgramUse(where, "a provider binary Terraform starts", None, package, "plan", problem=why)
        )
    return uses
