"""tree-sitter's bash grammar (https://github.com/tree-sitter/tree-sitter-bash), imported on first use.

Only lines that are more than plain words need it (planlint/guard/shell.py `parse`), so a hook call for
`terraform plan -out tfplan` never imports tree-sitter.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Parser


@lru_cache(maxsize=1)
def bash_parser() -> Parser:
    """A tree-sitter parser for bash (one per process)."""
    import tree_sitter

    return tree_sitter.Parser(tree_sitter.Language(_bash_language()))


def _bash_language() -> object:
    """tree-sitter-bash's grammar, loaded from its extension module directly.

    The package's `__init__` imports importlib.resources (tempfile, random, …: ~10 ms of a hook's run)
    only to read highlight queries planlint never uses. Any surprise in the layout falls back to it.
    """
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("tree_sitter_bash")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"_binding{suffix}"
            if path.is_file():
                loader = importlib.machinery.ExtensionFileLoader("tree_sitter_bash._binding", str(path))
                binding_spec = importlib.util.spec_from_loader(loader.name, loader)
                if binding_spec is None:
                    break
                binding = importlib.util.module_from_spec(binding_spec)
                loader.exec_module(binding)
                return binding.language()
    import tree_sitter_bash

    return tree_sitter_bash.language()
