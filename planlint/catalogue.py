"""The stateful-resource catalogue: which resource types hold data or carry an environment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planlint.errors import RuleError

CLASSES = ("data", "crypto-identity", "network-foundation", "environment")


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    type: str
    klass: str  # one of CLASSES
    what: str
    source: str  # file that declared it


@dataclass(frozen=True, slots=True)
class Catalogue:
    entries: Mapping[str, CatalogueEntry]

    def klass(self, resource_type: str) -> str | None:
        entry = self.entries.get(resource_type)
        return entry.klass if entry else None

    def types_in(self, classes: Iterable[str]) -> frozenset[str]:
        wanted = set(classes)
        every = "*" in wanted
        return frozenset(t for t, e in self.entries.items() if every or e.klass in wanted)


def load_catalogue(directory: Path, documents: Iterable[tuple[Path, Any]]) -> Catalogue:
    """Build the catalogue from already-parsed YAML documents of `directory`'s catalogue files."""
    entries: dict[str, CatalogueEntry] = {}
    for path, doc in documents:
        origin = (
            str(path.relative_to(directory.parent)) if path.is_relative_to(directory.parent) else str(path)
        )
        types = doc.get("types") if isinstance(doc, dict) else None
        if not isinstance(types, dict):
            raise RuleError("catalogue file needs a `types:` mapping", origin)
        for name, spec in types.items():
            entries[str(name)] = _entry(str(name), spec, origin, entries.get(str(name)))
    return Catalogue(entries)


def _entry(name: str, spec: Any, origin: str, previous: CatalogueEntry | None) -> CatalogueEntry:
    if not isinstance(spec, dict) or spec.get("class") not in CLASSES:
        raise RuleError(f"catalogue type {name}: `class` must be one of {', '.join(CLASSES)}", origin)
    if previous is not None and previous.klass != spec["class"]:
        raise RuleError(
            f"catalogue type {name} is listed twice with different classes "
            f"({previous.source}: {previous.klass})",
            origin,
        )
    return CatalogueEntry(name, spec["class"], str(spec.get("what", "")), origin)


def with_extra_types(catalogue: Catalogue, extra: Mapping[str, str], origin: str) -> Catalogue:
    """Add organisation-specific stateful types (from `.planlint.yml`) to the catalogue."""
    entries = dict(catalogue.entries)
    for name, klass in extra.items():
        entries[name] = _entry(name, {"class": klass, "what": "declared in policy"}, origin, None)
    return Catalogue(entries)
