"""Rule documentation: fixed sections in every rule, `planlint rules list|show`, and a fresh docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.docs_gen import SECTIONS, render
from planlint.ruleset import Rule, load_ruleset

RULES = load_ruleset().rules
RULES_PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_every_docs_section(rule: Rule) -> None:
    for key, heading in SECTIONS:
        text = str(rule.docs.get(key, "")).strip()
        assert len(text) >= 40, f"{rule.id}: section {heading!r} is missing or too short"
    references = rule.docs.get("references") or []
    assert references, f"{rule.id}: give at least one reference"
    assert all(isinstance(r, str) and r.strip() for r in references)


def test_rules_page_is_fresh() -> None:
    assert RULES_PAGE.read_text(encoding="utf-8") == render(load_ruleset()), (
        "docs/rules.md is stale: run `python -m planlint.docs_gen` and commit the result"
    )


def test_rules_page_documents_every_rule_and_the_catalogue_counts() -> None:
    page = render(load_ruleset())
    for rule in RULES:
        assert f"## {rule.id} {rule.name}\n" in page
    total = re.search(r"\| \*\*all\*\* \|(?: \d+ \|){4} (\d+) \| (\d+) \|", page)
    catalogue = load_ruleset().catalogue
    assert total is not None
    assert (int(total.group(1)), int(total.group(2))) == (len(catalogue.stateless), len(catalogue.entries))


def test_docs_gen_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planlint.docs_gen import main as docs_main

    page = tmp_path / "rules.md"
    assert docs_main(["--check", "--path", str(page)]) == 1
    assert "is stale" in capsys.readouterr().err
    assert docs_main(["--path", str(page)]) == 0
    assert docs_main(["--check", "--path", str(page)]) == 0
    assert page.read_text() == RULES_PAGE.read_text()


def test_rules_list_names_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == [r.id for r in RULES]


def test_rules_show_prints_the_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "show", "pl013"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PL013 stateful-resource-rekeyed: ")
    for _, heading in SECTIONS:
        assert f"## {heading}" in out
    assert "moved" in out and "## References" in out


def test_rules_show_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "show", "PL999"]) == 2
    assert "no rule 'PL999'" in capsys.readouterr().err
