"""Whole runs on real corpus inputs compared with tests/golden/* (regenerate: python -m tests.regen_golden)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest


def _load_regen() -> ModuleType:
    path = Path(__file__).resolve().parent / "regen_golden.py"
    spec = importlib.util.spec_from_file_location("regen_golden", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
SCHEMA = Path(__file__).resolve().parent.parent / "planlint" / "schemas" / "report.schema.json"

# Values the corpus plans mark sensitive (before_sensitive/after_sensitive): never in any output.
SENSITIVE_VALUES = ("some secret value", "new secret value")


@pytest.fixture(scope="module")
def rendered(corpus: Path) -> dict[str, dict[str, str]]:
    return {name: regen.render_case(name, corpus) for name in regen.CASES}


@pytest.mark.parametrize("name", sorted(regen.CASES))
@pytest.mark.parametrize("extension", sorted(regen.EXTENSIONS.values()))
def test_output_matches_golden_file(rendered: dict[str, dict[str, str]], name: str, extension: str) -> None:
    path = regen.golden_path(name, extension)
    assert path.exists(), f"{path} missing: run python -m tests.regen_golden"
    expected = path.read_text(encoding="utf-8")
    assert rendered[name][extension] == expected, (
        f"{path.name} differs from the current output; if the change is intended run "
        "`python -m tests.regen_golden` and review the diff"
    )


def test_golden_outputs_hold_no_machine_paths_or_secrets(
    rendered: dict[str, dict[str, str]], corpus: Path
) -> None:
    for name, outputs in rendered.items():
        for extension, output in outputs.items():
            assert str(corpus) not in output, (name, extension)
            assert str(Path.home()) not in output or str(Path.home()) == "/", (name, extension)
            for secret in SENSITIVE_VALUES:
                assert secret not in output, (name, extension)


def test_sensitive_corpus_plan_really_carries_the_secret(corpus: Path) -> None:
    """Guards the test above: the secret is in the raw plan, so its absence from outputs means something."""
    raw = (corpus / "terraform/tfreveal/sensitive__plan.json").read_text(encoding="utf-8")
    assert all(secret in raw for secret in SENSITIVE_VALUES)


def test_golden_json_reports_validate_and_agree_with_sarif(rendered: dict[str, dict[str, str]]) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for name, outputs in rendered.items():
        report = json.loads(outputs["json"])
        assert not list(validator.iter_errors(report)), name
        sarif = json.loads(outputs["sarif"])
        results = [r for run in sarif["runs"] for r in run["results"]]
        assert sorted(r["properties"]["address"] for r in results) == sorted(
            f["address"] for f in report["findings"]
        )
        assert {run["properties"]["destructive_digest"] for run in sarif["runs"]} == {
            report["destructive_digest"]
        }
        assert report["destructive_digest"] in outputs["txt"]
        assert report["destructive_digest"] in outputs["md"]


def test_destroy_plan_findings(rendered: dict[str, dict[str, str]]) -> None:
    report = json.loads(rendered["tf-destroy-plan"]["json"])
    assert report["decision"] == "approval_required" and report["exit_code"] == 1
    assert report["inputs"][0]["facts"]["destroy_mode"] is True
    assert "aws_s3_bucket.terra_ci" in [f["address"] for f in report["findings"]]
    assert "Destroy plan (plan -destroy): it tears down everything" in rendered["tf-destroy-plan"]["txt"]
