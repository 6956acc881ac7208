"""Which programs the agent's configuration may make guard run: `programs.yml` in the trust directory.

    # <trust dir>/programs.yml (held like the rest of the trust directory; never read from the working tree)
    programs:
      - argv: [aws, eks, get-token, --cluster-name, prod]    # an exact command vector
        why: the kubernetes provider's exec plugin for the prod cluster
      - argv: [python3, /opt/planlint-programs/tags.py]
        sha256: {/opt/planlint-programs/tags.py: 9f86d0…}    # optional: the file's contents, pinned
    terragrunt_sources:                                       # `terraform { source }` prefixes Terragrunt may fetch
      - git::https://github.com/acme/modules.git//
    providers:                                                # optional: the only provider packages Terraform may start
      hashicorp/aws: ["h1:…"]                                 # (planlint.guard.provider_pins)

A program is allowed only when an entry's `argv` is exactly the configuration's literal command, and the
program and every file the command names are *held* (planlint.approvals.trustdir: owned by root or guard's
account, writable by nobody else, all the way up): a script in the agent's working tree can be rewritten
after guard looked at it, so it is never allowed, whatever its hash. A command the configuration computes
(`${var.x}`) cannot be allowed. A file a provider reads whose entries run programs (a kubeconfig) needs no
entry: it must be held.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planlint.approvals.trustdir import TrustError, account_home, held_problem, require_held
from planlint.guard.programs import ProgramUse

PROGRAMS_FILE = "programs.yml"


@dataclass(frozen=True, slots=True)
class AllowedProgram:
    argv: tuple[str, ...]
    sha256: Mapping[str, str]  # file path (as written in argv) → hex digest


@dataclass(frozen=True, slots=True)
class ProgramPolicy:
    origin: str
    programs: tuple[AllowedProgram, ...] = ()
    terragrunt_sources: tuple[str, ...] = ()
    providers: Mapping[str, tuple[str, ...]] | None = None  # None: provider binaries are not pinned


def provider_address(written: str) -> str:
    """`hashicorp/aws` → `registry.terraform.io/hashicorp/aws` (Terraform's default registry host)."""
    return written if written.count("/") == 2 else f"registry.terraform.io/{written}"


def load_programs(trust_dir: Path) -> ProgramPolicy:
    """`programs.yml` of the trust directory (empty when absent); TrustError when it is not held or not valid."""
    path = trust_dir / PROGRAMS_FILE
    if not path.exists():
        return ProgramPolicy(str(path))
    require_held(path, PROGRAMS_FILE)
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TrustError(f"cannot be read as YAML: {exc}", origin=str(path)) from exc
    if not isinstance(data, dict) or set(data) - {"programs", "terragrunt_sources", "providers"}:
        raise TrustError(
            "expected a mapping with `programs`, `terragrunt_sources` and `providers`", origin=str(path)
        )
    programs = tuple(_entry(e, str(path)) for e in _list(data.get("programs"), "programs", str(path)))
    sources = tuple(str(s) for s in _list(data.get("terragrunt_sources"), "terragrunt_sources", str(path)))
    return ProgramPolicy(str(path), programs, sources, _providers(data.get("providers"), str(path)))


def _providers(value: Any, origin: str) -> Mapping[str, tuple[str, ...]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(hashes, list) and all(isinstance(h, str) and h.startswith("h1:") for h in hashes)
        for hashes in value.values()
    ):
        raise TrustError("`providers` maps a provider address to a list of `h1:` hashes", origin=origin)
    return {provider_address(str(k)): tuple(v) for k, v in value.items()}


def _list(value: Any, key: str, origin: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TrustError(f"`{key}` must be a list", origin=origin)
    return value


def _entry(entry: Any, origin: str) -> AllowedProgram:
    if not isinstance(entry, dict) or set(entry) - {"argv", "sha256", "why"} or "argv" not in entry:
        raise TrustError(
            "each `programs` entry is a mapping with `argv` (and optional `sha256`, `why`)", origin
        )
    argv, sha = entry["argv"], entry.get("sha256") or {}
    if not isinstance(argv, list) or not argv or not all(isinstance(w, str) for w in argv):
        raise TrustError(f"`argv` must be a non-empty list of strings, not {argv!r}", origin)
    if not isinstance(sha, dict) or not all(
        isinstance(v, str) and len(v) == 64 and set(v) <= set("0123456789abcdef") for v in sha.values()
    ):
        raise TrustError("`sha256` maps a file to its 64-digit lower-case hex digest", origin)
    return AllowedProgram(tuple(argv), {str(k): v for k, v in sha.items()})


def refusal_reason(use: ProgramUse, policy: ProgramPolicy, path_env: str) -> str | None:
    """Why `use` may not run under guard's account (None: the trusted policy allows it)."""
    if use.problem:
        return use.problem
    if use.source:
        if any(use.source.startswith(prefix) for prefix in policy.terragrunt_sources):
            return None
        return f"the source is not one of the trusted policy's `terragrunt_sources` ({policy.origin})"
    if use.settings_file:
        return _settings_problem(use)
    if use.argv is None:
        return "the configuration computes the command, and only an exact command can be allowed"
    entry = next((p for p in policy.programs if p.argv == use.argv), None)
    if entry is None:
        return f"the command is not allowed by the trusted policy ({policy.origin})"
    return _files_problem(use, entry, path_env)


def _settings_problem(use: ProgramUse) -> str | None:
    text = use.settings_file
    if text.startswith("~/"):
        path = account_home() / text[2:]
    elif "${" in text or text.startswith("a path "):
        return "the configuration computes the path, so guard cannot check who can write the file"
    else:
        path = use.base / text
    problem = held_problem(path)
    return (
        f"{path} {problem}; only a file guard's account holds may say which programs run" if problem else None
    )


def _files_problem(use: ProgramUse, entry: AllowedProgram, path_env: str) -> str | None:
    argv = use.argv or ("",)
    program = argv[0]
    found = str(use.base / program) if "/" in program else shutil.which(program, path=path_env)
    if found is None:
        return f"{program!r} is not on guard's PATH"
    named = [Path(found)] + [use.base / w for w in argv[1:] if w and (use.base / w).is_file()]
    for path in named:
        # a symbolic link (/bin/sh → dash) is held when its directory and its target are
        for checked in (path.absolute().parent.resolve(), path.resolve()):
            problem = held_problem(checked)
            if problem:
                return f"{checked} {problem}; a file the agent can rewrite is never allowed to run"
    for written, digest in entry.sha256.items():
        path = use.base / written
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            return f"{path} cannot be read to check its sha256: {exc.strerror or exc}"
        if actual != digest:
            return f"{path} does not have the sha256 the trusted policy pins"
    return None
