"""Rule files and the catalogue: schema-valid, unique, documented, and the shipped index is fresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planlint.errors import RuleError
from planlint.rules_index import INDEX_NAME, load_index, render_index
from planlint.ruleset import builtin_rules_dir, load_ruleset, read_yaml, validate_rule_document


def test_builtin_rules_validate_against_the_schema() -> None:
    rules_dir = builtin_rules_dir()
    paths = sorted(rules_dir.glob("PL*.yaml"))
    assert paths
    for path in paths:
        validate_rule_document(read_yaml(path), str(path))
    ruleset = load_ruleset(validate_builtin=True)
    assert [r.id for r in ruleset.rules] == sorted(p.stem for p in paths)


def test_shipped_index_is_fresh() -> None:
    rules_dir = builtin_rules_dir()
    assert (rules_dir / INDEX_NAME).read_text() == render_index(rules_dir), (
        "rules/_index.json is stale: run `python -m planlint.rules_index`"
    )
    assert load_index(rules_dir) is not None


def test_stale_index_falls_back_to_yaml(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules_dir)
    assert load_index(rules_dir) is not None
    pl001 = rules_dir / "PL001.yaml"
    pl001.write_text(pl001.read_text().replace("severity: high", "severity: low"))
    assert load_index(rules_dir) is None


def _write_rule(directory: Path, rule_id: str, **changes: object) -> Path:
    doc = read_yaml(builtin_rules_dir() / "PL001.yaml")
    doc.update({"id": rule_id, "name": f"custom-{rule_id.lower()}", **changes})
    import yaml

    path = directory / f"{rule_id}.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_extra_rule_dir_is_validated(tmp_path: Path) -> None:
    _write_rule(tmp_path, "PL900")
    assert load_ruleset([tmp_path]).get("PL900") is not None
    _write_rule(tmp_path, "PL901", enforcement="block")
    with pytest.raises(RuleError, match=r"PL901.yaml: enforcement: 'block' is not one of"):
        load_ruleset([tmp_path])


@pytest.mark.parametrize(
    ("rule_id", "changes", "words"),
    [
        ("PL902", {"id": "PL903"}, "must live in a file named PL903.yaml"),
        ("PL904", {"name": "stateful-resource-destroyed"}, "duplicate rule stateful-resource-destroyed"),
        ("PL001", {}, "duplicate rule PL001"),
        ("PL905", {"message": "{address} {secret_value}"}, r"unknown field\(s\) \['secret_value'\]"),
        ("PL906", {"surprise": 1}, "Additional properties are not allowed"),
    ],
)
def test_bad_rules_are_refused(tmp_path: Path, rule_id: str, changes: dict[str, object], words: str) -> None:
    _write_rule(tmp_path, rule_id, **changes)
    with pytest.raises(RuleError, match=words):
        load_ruleset([tmp_path])


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "PL907.yaml").write_text("id: PL907\nmatch: [unclosed\n")
    with pytest.raises(RuleError, match=r"PL907.yaml: line \d+: invalid YAML"):
        load_ruleset([tmp_path])


def test_missing_rule_dir(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rule directory does not exist"):
        load_ruleset([tmp_path / "nope"])


@pytest.mark.parametrize("name", ["X001.yaml", "PL908.yml", "pl909.yaml"])
def test_a_rule_file_that_would_not_be_read_is_refused(tmp_path: Path, name: str) -> None:
    """A custom rule that silently does not load would pass what it was written to stop."""
    _write_rule(tmp_path, "PL900")
    _write_rule(tmp_path, "PL910").rename(tmp_path / name)
    with pytest.raises(
        RuleError, match=rf"{name}: not read as a rule: rule files are named after their rule id"
    ):
        load_ruleset([tmp_path])


def test_a_rule_dir_without_rules_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("my rules\n")
    with pytest.raises(RuleError, match="holds no rule files"):
        load_ruleset([tmp_path])
