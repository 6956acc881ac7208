"""A shipped index of the built-in rule and catalogue files: parsed, and the catalogue built, ahead of time.

Parsing ~75 YAML files costs more than judging a small plan (importing PyYAML alone is ~15 ms), and so
does building the catalogue from them (~1,400 stateful types, ~7,800 known-stateless names, ~2,300
Pulumi twins, each checked). `_index.json` holds each rule file's parsed document, the catalogue as
`planlint.catalogue.load_catalogue` built it (`planlint.catalogue.CatalogueRows`), and the CRC-32 of
every rule and catalogue file they were made from. At run time every file is still read and its CRC-32
compared, and the index is used only when the same files all match: an edited, added or removed file,
or an index that does not decode, falls back to the YAML and the checks of `load_catalogue`, so an edit
is never missed. The CRC-32 detects edits, it does not authenticate: the index ships in the package
beside the files and the code, and is trusted as they are (a SHA-256 of the ~0.7 MB of YAML was ~6 ms of
a small check without OpenSSL; zlib's CRC-32 is a small fraction of a millisecond).

Regenerate after editing rules/ or how the catalogue is built: `python -m planlint.rules_index` (a test
fails while the shipped index differs from a fresh one).
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from pathlib import Path

INDEX_NAME = "_index.json"
# Where the catalogue's files live under the rules directory: stateful types, known-stateless lists, Pulumi twins.
CATALOGUE_DIRS = ("catalogue", os.path.join("catalogue", "stateless"), os.path.join("catalogue", "pulumi"))

# Paths here are text (os.path), not pathlib: a small check reads the rules through this module, and
# importing pathlib (with urllib.parse and ipaddress) is ~8 ms of its start-up.


def yaml_names(directory: str, prefix: str = "") -> list[str]:
    """The sorted names of `directory`'s entries `PREFIX*.yaml` (what `Path.glob` finds; none when it is absent)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(n for n in names if n.startswith(prefix) and n.endswith(".yaml"))


def rule_names(rules_dir: str) -> list[str]:
    """The built-in rule files (`PL*.yaml`), relative to `rules_dir`."""
    return yaml_names(rules_dir, "PL")


def catalogue_names(rules_dir: str) -> list[str]:
    """The catalogue files relative to `rules_dir`: stateful types, known-stateless lists, then Pulumi twins."""
    return [os.path.join(d, n) for d in CATALOGUE_DIRS for n in yaml_names(os.path.join(rules_dir, d))]


def source_names(rules_dir: str) -> list[str]:
    """Every file the index is made from, relative to `rules_dir`."""
    return [*rule_names(rules_dir), *catalogue_names(rules_dir)]


def relative_name(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str | None:
    """`str(Path(path).relative_to(root))`, or None when `path` is not under `root`.

    Compared as text first (`ROOT/rest` gives `rest`): pathlib parses both paths on every call, and a run
    asks this for each of the ~75 rule and catalogue files, some twice (~3 ms of a small check's CPU).
    """
    text, prefix = os.fspath(path), os.fspath(root)
    if text.startswith(prefix) and text[len(prefix) : len(prefix) + 1] == os.sep:
        return text[len(prefix) + 1 :]
    from pathlib import Path

    return str(Path(text).relative_to(prefix)) if Path(text).is_relative_to(prefix) else None


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _digest(rules_dir: str, names: list[str]) -> dict[str, str]:
    """Relative name -> CRC-32 (8 hex digits) of each file."""
    return {name: f"{zlib.crc32(_read(os.path.join(rules_dir, name))):08x}" for name in names}


class Index(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """`_index.json`: the files it was made from, the rule files' documents, the built catalogue."""

    comment: str
    sources: dict[str, str]  # every rule and catalogue file, relative to the rules directory -> CRC-32
    documents: dict[str, Any]  # rule file (`PL*.yaml`) relative name -> its parsed YAML document
    catalogue: msgspec.Raw  # planlint.catalogue.CatalogueRows, decoded by planlint.catalogue


def load_index(rules_dir: str | os.PathLike[str]) -> Index | None:
    """The index of `rules_dir`, or None when it is missing or malformed, or when the rule and catalogue
    files differ from those it was made from (one added, removed, or whose CRC-32 changed)."""
    directory = os.fspath(rules_dir)
    try:  # typed: a document of another shape does not decode
        index = msgspec.json.decode(_read(os.path.join(directory, INDEX_NAME)), type=Index)
    except (OSError, msgspec.DecodeError):  # msgspec.ValidationError is a DecodeError
        return None
    return index if index.sources == _digest(directory, source_names(directory)) else None


def build_index(rules_dir: Path) -> dict[str, Any]:
    """The index of `rules_dir` as plain data (what `render_index` writes)."""
    from planlint.catalogue import catalogue_rows
    from planlint.ruleset import build_catalogue, read_yaml

    directory = str(rules_dir)
    return {
        "comment": "generated by `python -m planlint.rules_index` from the YAML files beside it; do not edit",
        "sources": _digest(directory, source_names(directory)),
        "documents": {name: read_yaml(rules_dir / name) for name in rule_names(directory)},
        "catalogue": msgspec.to_builtins(catalogue_rows(build_catalogue(directory))),
    }


def render_index(rules_dir: Path) -> str:
    return json.dumps(build_index(rules_dir), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    from planlint.ruleset import builtin_rules_dir

    rules_dir = builtin_rules_dir()
    (rules_dir / INDEX_NAME).write_text(render_index(rules_dir), encoding="utf-8")
    sys.stdout.write(f"wrote {rules_dir / INDEX_NAME}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
