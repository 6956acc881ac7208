"""The hook's data tables (rules/commands/*.yaml): valid against their schemas, indexed, and documented."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from planlint.guard.tables import INDEX_NAME, SCHEMAS, commands_dir, read_table, render_index
from planlint.ruleset import read_yaml

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "planlint" / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_table_is_valid_against_its_schema(name: str) -> None:
    schema = json.loads((SCHEMA_DIR / SCHEMAS[name]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(read_yaml(commands_dir() / f"{name}.yaml"))


def test_index_is_fresh() -> None:
    directory = commands_dir()
    assert (directory / INDEX_NAME).read_text() == render_index(directory), (
        "rules/commands/_index.json is stale: run `python -m planlint.guard.tables`"
    )


def test_a_broken_table_is_a_clear_error(tmp_path: Path) -> None:
    from planlint.errors import RuleError

    bad = tmp_path / "launchers.yaml"
    bad.write_text("launchers:\n  - {names: [x], runs: teleport, source: https://example.com}\n")
    with pytest.raises(RuleError, match="launchers/0/runs"):
        read_table(bad, "launchers")


def test_docs_are_generated_from_the_tables() -> None:
    from planlint.guard.tables import render_docs

    docs = Path(__file__).resolve().parents[2] / "docs" / "commands.md"
    assert docs.read_text() == render_docs(), (
        "docs/commands.md is stale: run `python -m planlint.guard.tables`"
    )


def test_catalogue_ids_are_unique() -> None:
    ids = [e["id"] for e in read_yaml(commands_dir() / "destructive.yaml")["commands"]]
    assert len(ids) == len(set(ids))


def test_without_a_readable_index_the_yaml_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook reads the shipped index as is (its freshness is test_index_is_fresh's job); an installation
    whose index is missing or broken still gets the same tables, from the YAML."""
    from planlint.guard import tables

    for source in commands_dir().glob("*.yaml"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    shipped = {name: tables.load_table(name) for name in SCHEMAS}
    for index_text in (None, '{"documents": ', "[]"):
        if index_text is not None:
            (tmp_path / INDEX_NAME).write_text(index_text, encoding="utf-8")
        monkeypatch.setattr(tables, "_commands_dir", lambda: str(tmp_path))
        tables.load_table.cache_clear()
        tables._index.cache_clear()
        try:
            assert {name: tables.load_table(name) for name in SCHEMAS} == shipped
        finally:
            tables.load_table.cache_clear()
            tables._index.cache_clear()
