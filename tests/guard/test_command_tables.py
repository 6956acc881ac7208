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
