"""The source index: every resource/data/module/moved/removed/import block of a Terraform configuration
(root module plus local child modules), with file and line span, keyed by its address."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from planlint.errors import InputError
from planlint.model import Plan, SourceLocation
from planlint.source.address import BlockAddress, module_call, parse_address
from planlint.source.hcl import HclBlock, expression_text, parse_file
from planlint.source.paths import shown_path

SOURCE_SUFFIXES = (".tf", ".tofu")
MAX_MODULE_DEPTH = 24  # a module tree deeper than this is a cycle (a module calling itself via ../)


@dataclass(frozen=True, slots=True)
class IndexedBlock:
    """A block together with the module instance path it was found under."""

    block: HclBlock
    address: BlockAddress  # resource/data: type.name; module: module.NAME; moved/removed/import: key ""

    @property
    def location(self) -> SourceLocation:
        return SourceLocation(self.block.path, self.block.line, self.block.end_line)

    @property
    def repetition(self) -> str | None:
        """`count` or `for_each` when the block makes several instances."""
        return next((meta for meta in ("count", "for_each") if meta in self.block.body), None)


@dataclass(frozen=True, slots=True)
class SourceIndex:
    root: str  # directory as shown to the reader
    blocks: tuple[IndexedBlock, ...]  # in module, file and line order
    by_address: Mapping[str, IndexedBlock]  # resource, data and module-call blocks by BlockAddress.text
    notes: tuple[str, ...] = ()  # what was not followed (remote modules), said out loud
    # `removed` blocks by the address in their `from`: built once, so locating a plan's changes costs
    # O(changes + blocks), not a scan of every block per change the source does not declare
    removed_by_address: Mapping[str, IndexedBlock] = field(default_factory=dict)

    def of_kind(self, kind: str) -> tuple[IndexedBlock, ...]:
        return tuple(b for b in self.blocks if b.block.kind == kind)


def has_source_files(directory: Path) -> bool:
    """True when `directory` itself holds a .tf or .tofu file (a root module)."""
    return any(next(directory.glob(f"*{suffix}"), None) is not None for suffix in SOURCE_SUFFIXES)


def build_index(root: Path, shown_as: str | None = None) -> SourceIndex:
    """Index the configuration in `root` and every child module it calls by a local path (`./`, `../`).

    `shown_as` replaces `root` in every path shown to the reader (e.g. `HEAD:infra` for a git export).
    """
    if not root.is_dir():
        raise InputError("Terraform source directory not found", origin=str(root))
    resolved = root.resolve()

    def show(path: Path) -> str:
        if shown_as is None:
            return shown_path(path)
        relative = Path(os.path.relpath(path.resolve(), resolved)).as_posix()
        if relative == ".":
            return shown_as
        if shown_as in ("", "."):
            return relative
        return f"{shown_as}{'' if shown_as.endswith((':', '/')) else '/'}{relative}"

    blocks: list[IndexedBlock] = []
    notes: list[str] = []
    # A local module called N times is read once: its blocks are the same, only their module path differs.
    files: dict[Path, tuple[HclBlock, ...]] = {}

    def read(path: Path) -> tuple[HclBlock, ...]:
        if path not in files:
            files[path] = parse_file(path, show(path))
        return files[path]

    _walk(resolved, (), blocks, notes, show, read=read)
    if not has_source_files(root):
        notes.append(f"{show(root)}: no .tf files in the source directory")
    by_address: dict[str, IndexedBlock] = {}
    for indexed in blocks:
        if indexed.block.kind in ("resource", "data", "module"):
            by_address.setdefault(indexed.address.text, indexed)
    return SourceIndex(show(root), tuple(blocks), by_address, tuple(notes), _removed_blocks(blocks))


def _walk(
    directory: Path,
    module: tuple[str, ...],
    out: list[IndexedBlock],
    notes: list[str],
    show: Callable[[Path], str],
    *,
    read: Callable[[Path], tuple[HclBlock, ...]],
) -> None:
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in SOURCE_SUFFIXES)
    skipped = sorted(p.name for p in directory.iterdir() if p.name.endswith((".tf.json", ".tofu.json")))
    if skipped:
        notes.append(f"{show(directory)}: JSON-syntax configuration not indexed: {', '.join(skipped)}")
    calls: list[tuple[HclBlock, str]] = []
    for path in files:
        for block in read(path):
            out.append(IndexedBlock(block, _address(block, module)))
            if block.kind == "module" and block.labels:
                calls.append((block, block.labels[0]))
    for block, name in calls:
        source = expression_text(block.body.get("source"))
        where = f"{block.path}:{block.line}"
        if source is None or not source.startswith(("./", "../")):
            notes.append(
                f"{where}: module.{name} comes from {source!r}; its blocks are not indexed "
                "(changes inside it point at the module block)"
            )
            continue
        child = Path(os.path.normpath(directory / source))
        if len(module) >= MAX_MODULE_DEPTH:
            raise InputError(
                f"line {block.line}: module nesting deeper than {MAX_MODULE_DEPTH} "
                "(does a module call itself?)",
                origin=block.path,
            )
        if not child.is_dir():
            notes.append(f"{where}: module.{name} source {source} is not a directory here; not indexed")
            continue
        _walk(child, (*module, name), out, notes, show, read=read)


def _address(block: HclBlock, module: tuple[str, ...]) -> BlockAddress:
    if block.kind == "resource" and len(block.labels) >= 2:
        return BlockAddress(module, f"{block.labels[0]}.{block.labels[1]}")
    if block.kind == "data" and len(block.labels) >= 2:
        return BlockAddress(module, f"data.{block.labels[0]}.{block.labels[1]}")
    if block.kind == "module" and block.labels:
        return BlockAddress(module, f"module.{block.labels[0]}")
    return BlockAddress(module, "")


def locate(index: SourceIndex, address: str, base: SourceIndex | None = None) -> SourceLocation | None:
    """Where a plan address is declared.

    In order: its block in the head source; the head's `removed` block for it; its block in the base
    source (a deleted block); the nearest head `module` block calling it (a remote module's inside).
    """
    parsed = parse_address(address)
    found = index.by_address.get(parsed.text)
    if found is None:
        found = index.removed_by_address.get(parsed.text)
    if found is None and base is not None:
        found = base.by_address.get(parsed.text)
    target = module_call(parsed)
    while found is None and target is not None:
        found = index.by_address.get(target.text)
        target = module_call(target)
    return found.location if found is not None else None


def _removed_blocks(blocks: Iterable[IndexedBlock]) -> dict[str, IndexedBlock]:
    removed: dict[str, IndexedBlock] = {}
    for indexed in (b for b in blocks if b.block.kind == "removed"):
        text = expression_text(indexed.block.body.get("from"))
        if text:
            parsed = parse_address(text)
            removed.setdefault(
                BlockAddress((*indexed.address.module, *parsed.module), parsed.key).text, indexed
            )
    return removed


def locate_plans(
    plans: Iterable[Plan], index: SourceIndex, base: SourceIndex | None = None
) -> tuple[Plan, ...]:
    """The same Terraform plans with each change's `source` set where the source knows the address."""
    located: list[Plan] = []
    for plan in plans:
        if plan.format != "terraform":
            located.append(plan)
            continue
        changes = tuple(
            change
            if change.source is not None or (where := locate(index, change.address, base)) is None
            else msgspec.structs.replace(change, source=where)
            for change in plan.changes
        )
        located.append(msgspec.structs.replace(plan, changes=changes))
    return tuple(located)
