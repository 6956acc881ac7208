"""Rule files and the catalogue: schema-valid, unique, documented, and the shipped index is fresh."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planlint.catalogue import Catalogue, catalogue_from_rows
from planlint.errors import RuleError
from planlint.rules_index import INDEX_NAME, load_index, render_index
from planlint.ruleset import (
    build_catalogue,
    builtin_rules_dir,
    load_ruleset,
    read_builtin,
    read_yaml,
    validate_rule_document,
)


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


def _same_in_order(one: Catalogue, other: Catalogue) -> None:
    assert one == other
    # the same order too: listings and messages iterate the catalogue's mappings
    for field in ("entries", "stateless", "kind_types", "kinds", "stateless_kinds"):
        assert list(getattr(one, field).items()) == list(getattr(other, field).items()), field
    assert one.storage_words == other.storage_words


def test_index_catalogue_is_the_one_built_from_the_yaml() -> None:
    rules_dir = builtin_rules_dir()
    index = load_index(rules_dir)
    assert index is not None, "rules/_index.json is stale: run `python -m planlint.rules_index`"
    from_index = catalogue_from_rows(index.catalogue)
    assert from_index is not None
    from_yaml = build_catalogue(str(rules_dir))
    assert len(from_yaml.entries) > 1000 and len(from_yaml.stateless) > 5000
    _same_in_order(from_index, from_yaml)
    documents, catalogue = read_builtin(str(rules_dir))  # what a run uses: the index, not the YAML
    assert sorted(documents) == sorted(p.name for p in rules_dir.glob("PL*.yaml"))
    assert catalogue is not from_yaml
    _same_in_order(catalogue, from_yaml)
    _same_in_order(load_ruleset().catalogue, from_yaml)


def _copy_rules(tmp_path: Path) -> Path:
    rules_dir = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules_dir)
    documents, _ = read_builtin(str(rules_dir))
    assert documents, "the copy's index should match before the edit"
    return rules_dir


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        (
            "catalogue/aws.yaml",
            "aws_db_instance: {class: data, what: RDS database instance}",
            "aws_db_instance: {class: environment, what: edited}",
        ),
        (
            "catalogue/stateless/hcloud.yaml",
            "  - hcloud_firewall\n",
            "  - hcloud_firewall\n  - hcloud_edited\n",
        ),
        ("catalogue/pulumi/aws.yaml", "  aws:alb/loadBalancer:LoadBalancer: aws_alb\n", ""),
    ],
)
def test_edited_catalogue_file_falls_back_to_yaml(tmp_path: Path, name: str, old: str, new: str) -> None:
    rules_dir = _copy_rules(tmp_path)
    path = rules_dir / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert load_index(rules_dir) is None
    documents, catalogue = read_builtin(str(rules_dir))
    assert documents == {}
    _same_in_order(catalogue, build_catalogue(str(rules_dir)))
    shipped = build_catalogue(str(builtin_rules_dir()))
    assert catalogue != shipped
    if "RDS" in old:
        assert catalogue.entries["aws_db_instance"].klass == "environment"
    elif "hcloud" in old:
        assert catalogue.classify("hcloud_edited").standing == "stateless"
    else:
        assert catalogue.classify("aws:alb/loadBalancer:LoadBalancer").standing == "unknown"


def test_added_or_wrong_catalogue_file_is_read_and_checked(tmp_path: Path) -> None:
    rules_dir = _copy_rules(tmp_path)
    # synthetic: a new catalogue file beside the shipped ones
    added = rules_dir / "catalogue" / "acme.yaml"
    added.write_text("types:\n  acme_vault: {class: data, what: synthetic vault}\n", encoding="utf-8")
    _, catalogue = read_builtin(str(rules_dir))
    assert catalogue.classify("acme_vault").standing == "stateful"
    added.write_text("types:\n  acme_vault: {class: precious, what: synthetic vault}\n", encoding="utf-8")
    with pytest.raises(RuleError, match="acme_vault: `class` must be one of"):
        read_builtin(str(rules_dir))
    added.unlink()
    (rules_dir / "catalogue" / "unknown.yaml").unlink()
    assert load_index(rules_dir) is None
    assert read_builtin(str(rules_dir))[1].storage_words == ()


def _rewrite_catalogue(index_path: Path, change: str) -> None:
    index = json.loads(index_path.read_text(encoding="utf-8"))
    rows = index["catalogue"]
    if change == "class":
        rows["entries"][0][1] = "precious"
    elif change == "position":
        rows["stateless_source_of"][-1] = len(rows["stateless_sources"])
    elif change == "twice":
        rows["entries"].append(rows["entries"][0])
    elif change == "short":
        rows["stateless_source_of"].pop()
    else:
        del rows["storage_words"]
    index_path.write_text(json.dumps(index), encoding="utf-8")


@pytest.mark.parametrize("change", ["class", "position", "twice", "short", "missing"])
def test_malformed_index_catalogue_falls_back_to_yaml(tmp_path: Path, change: str) -> None:
    """synthetic: an index whose files all match but whose catalogue rows are wrong is not used at all."""
    rules_dir = _copy_rules(tmp_path)
    _rewrite_catalogue(rules_dir / INDEX_NAME, change)
    index = load_index(rules_dir)
    assert index is not None and catalogue_from_rows(index.catalogue) is None
    documents, catalogue = read_builtin(str(rules_dir))
    assert documents == {}
    _same_in_order(catalogue, build_catalogue(str(builtin_rules_dir())))


def test_index_of_another_shape_is_not_used(tmp_path: Path) -> None:
    rules_dir = _copy_rules(tmp_path)
    index_path = rules_dir / INDEX_NAME
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index_path.write_text(json.dumps({**index, "extra": 1}), encoding="utf-8")
    assert load_index(rules_dir) is None
    index_path.write_text(json.dumps({k: v for k, v in index.items() if k != "catalogue"}), encoding="utf-8")
    assert load_index(rules_dir) is None
    index_path.write_text("[]", encoding="utf-8")
    assert load_index(rules_dir) is None
    index_path.unlink()
    assert read_builtin(str(rules_dir))[0] == {}


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
