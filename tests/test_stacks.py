"""Many stacks, one verdict: `planlint check DIR` over Terragrunt's `--json-out-dir` layout and monorepos.

The stacks are real corpus plans (../shared/corpus/terraform) arranged at test time as Terragrunt units
(DIR/<unit>/tfplan.json, as terragrunt writes them); the run reports are small synthetic files in
Terragrunt's documented JSON and CSV shapes (terragrunt internal/report/writer.go).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.errors import InputError
from planlint.loaders import load_inputs
from planlint.pipeline import run_check
from planlint.report import render

DESTROY_PLAN = "terraform/snyk-cli/tf-plan-destroy.json"


def _loadable_corpus_plans(corpus: Path, count: int) -> list[Path]:
    """The first `count` Terraform corpus plans (sorted by path) that load on their own."""
    chosen = []
    for path in sorted((corpus / "terraform").rglob("*.json")):
        try:
            load_inputs([str(path)])
        except InputError:
            continue
        chosen.append(path)
        if len(chosen) == count:
            return chosen
    pytest.fail(f"the corpus has fewer than {count} loadable Terraform plans")


def _units(corpus: Path, root: Path, count: int = 50) -> dict[str, Path]:
    """Copy corpus plans into root as Terragrunt units: root/live/<env>/<unit>/tfplan.json."""
    units = {}
    for index, plan in enumerate(_loadable_corpus_plans(corpus, count)):
        unit = f"live/{('prod', 'stage')[index % 2]}/unit{index:02d}"
        target = root / unit / "tfplan.json"
        target.parent.mkdir(parents=True)
        shutil.copyfile(plan, target)
        units[unit] = plan
    return units


def _report(path: Path, runs: list[tuple[str, str]], reason: dict[str, str] | None = None) -> str:
    """A synthetic Terragrunt run report (JSON, the keys terragrunt's writer.go emits)."""
    reason = reason or {}
    rows = [
        {"Name": name, "Started": "2026-01-01T00:00:00Z", "Ended": "2026-01-01T00:00:01Z", "Result": result}
        | ({"Reason": reason[name]} if name in reason else {})
        for name, result in runs
    ]
    path.write_text(json.dumps(rows, indent=2))
    return str(path)


@pytest.fixture
def fifty(corpus: Path, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    root = tmp_path / "plans"
    return root, _units(corpus, root)


def test_fifty_units_one_verdict_each_under_its_path(fifty: tuple[Path, dict[str, Path]]) -> None:
    root, units = fifty
    verdict = run_check([str(root)])
    assert sorted(p.scope for p in verdict.plans) == sorted(units)
    assert all(f.scope in units for f in verdict.findings)
    # the same plans judged one by one: the same findings, now each named by its unit
    alone = [run_check([str(plan)]) for plan in units.values()]
    # ... except that a destroy-mode plan of one resource is its unit's teardown (PL011) only as a unit
    extra = [f for f in verdict.findings if f.rule_id == "PL011"]
    assert len(verdict.findings) - len(extra) == sum(
        len([f for f in v.findings if f.rule_id != "PL011"]) for v in alone
    )
    single = {unit for unit, v in zip(units, alone, strict=True) if v.plans[0].facts.destroy_mode}
    assert {f.scope for f in extra} == single
    expected = "approval_required" if any(v.decision == "approval_required" for v in alone) else "pass"
    assert verdict.decision == expected == "approval_required"


def test_stack_path_is_part_of_every_digest_item(corpus: Path, tmp_path: Path) -> None:
    plan = corpus / DESTROY_PLAN
    for name in ("a", "b"):
        (tmp_path / name / "live" / "db").mkdir(parents=True)
    shutil.copyfile(plan, tmp_path / "a" / "live" / "db" / "tfplan.json")
    shutil.copyfile(plan, tmp_path / "b" / "live" / "db" / "tfplan.json")
    (tmp_path / "b" / "live" / "cache").mkdir()
    (tmp_path / "b" / "live" / "db" / "tfplan.json").rename(tmp_path / "b" / "live" / "cache" / "tfplan.json")
    one, other, bare = (
        run_check([str(tmp_path / "a")]),
        run_check([str(tmp_path / "b")]),
        run_check([str(plan)]),
    )
    # same plan, same findings, but under another stack (or none): a different destructive digest
    assert len({one.destructive_digest, other.destructive_digest, bare.destructive_digest}) == 3
    assert {f.scope for f in one.findings} == {"live/db"}


def test_run_report_with_a_failed_unit_is_refused(
    fifty: tuple[Path, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, units = fifty
    runs = [(u, "succeeded") for u in units] + [
        ("live/prod/payments", "failed"),
        ("live/prod/api", "early exit"),
    ]
    report = _report(tmp_path / "r.json", runs, {"live/prod/payments": "run error"})
    assert main(["check", str(root), "--run-report", report]) == 2
    err = capsys.readouterr().err
    assert "live/prod/payments failed (run error)" in err and "live/prod/api early exit" in err


def test_a_unit_that_ran_without_a_plan_is_refused(
    fifty: tuple[Path, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, units = fifty
    missing = next(iter(units))
    (root / missing / "tfplan.json").unlink()
    report = _report(tmp_path / "r.json", [(u, "succeeded") for u in units])
    assert main(["check", str(root), "--run-report", report]) == 2
    assert f"{missing} succeeded but left no plan" in capsys.readouterr().err


def test_a_plan_the_report_does_not_know_is_refused(
    fifty: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    root, units = fifty
    stale = sorted(units)[-1]
    report = _report(tmp_path / "r.json", [(u, "succeeded") for u in sorted(units)[:-1]])
    with pytest.raises(InputError, match=f"{stale} has a plan but is not in the run report"):
        run_check([str(root)], run_report=report)


def test_an_excluded_unit_is_reported_not_refused(
    fifty: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    root, units = fifty
    runs = [(u, "succeeded") for u in units] + [("live/prod/legacy", "excluded")]
    report = _report(tmp_path / "r.json", runs, {"live/prod/legacy": "exclude block"})
    verdict = run_check([str(root)], run_report=report)
    (excluded,) = [p for p in verdict.plans if p.facts.status == "excluded"]
    assert excluded.scope == "live/prod/legacy" and excluded.changes == ()
    assert any("exclude block" in note for note in excluded.notes)
    assert verdict.decision == "approval_required"
    assert "live/prod/legacy" in render("markdown", verdict)
    assert "live/prod/legacy" in render("text", verdict)


def test_csv_run_report_is_read(fifty: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    root, units = fifty
    report = tmp_path / "r.csv"
    lines = ["Name,Started,Ended,Result,Reason,Cause"]
    lines += [f"{u},2026-01-01T00:00:00Z,2026-01-01T00:00:01Z,succeeded,," for u in units]
    lines += ["live/stage/db,2026-01-01T00:00:00Z,2026-01-01T00:00:01Z,failed,run error,"]
    report.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="live/stage/db failed"):
        run_check([str(root)], run_report=str(report))


def test_an_empty_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plans").mkdir()
    assert main(["check", str(tmp_path / "plans")]) == 2
    assert "no plans found" in capsys.readouterr().err


def test_a_report_that_lists_nothing_is_refused(tmp_path: Path, corpus: Path) -> None:
    _units(corpus, tmp_path / "plans", count=2)
    report = _report(tmp_path / "r.json", [])
    with pytest.raises(InputError, match="lists no units"):
        run_check([str(tmp_path / "plans")], run_report=report)


def test_a_unit_planned_with_destroy_is_a_teardown(corpus: Path, tmp_path: Path) -> None:
    """Terragrunt's git filter plans a removed unit with -destroy: the whole unit goes."""
    root = tmp_path / "plans"
    _units(corpus, root, count=3)
    (root / "live/prod/removed").mkdir(parents=True)
    shutil.copyfile(corpus / DESTROY_PLAN, root / "live/prod/removed/tfplan.json")
    verdict = run_check([str(root)])
    teardown = [f for f in verdict.findings if f.rule_id == "PL011"]
    assert teardown and {f.scope for f in teardown} == {"live/prod/removed"}
    assert verdict.decision == "approval_required"


def test_monorepo_directory_with_one_plan_per_stack(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "stacks"
    root.mkdir()
    shutil.copyfile(corpus / DESTROY_PLAN, root / "network.json")
    (root / "shop").mkdir()
    preview = Path(__file__).parent / "fixtures" / "pulumi" / "synthetic-replace-with-reasons.json"
    shutil.copyfile(preview, root / "shop" / "preview.json")
    verdict = run_check([str(root)])
    assert sorted(p.scope for p in verdict.plans) == ["network", "shop:shop/prod"]
    assert {f.scope.split(":")[0] for f in verdict.findings} == {"network", "shop"}


def test_a_non_plan_file_in_the_directory_is_refused(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "stacks"
    root.mkdir()
    shutil.copyfile(corpus / DESTROY_PLAN, root / "a.json")
    (root / "package.json").write_text('{"name": "x"}')
    with pytest.raises(InputError, match=r"package\.json"):
        run_check([str(root)])


def test_markdown_for_many_stacks_gated_first_folded_and_small(fifty: tuple[Path, dict[str, Path]]) -> None:
    root, _ = fifty
    verdict = run_check([str(root)])
    text = render("markdown", verdict)
    assert len(text) < 65_536
    table = text[text.index("| Stack | Verdict | Destroys | Replacements |") :]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| ")][: len(verdict.plans)]
    verdicts = ["approval required" in row for row in rows]
    assert verdicts == sorted(verdicts, reverse=True) and verdicts[0]
    assert "<details><summary>" in text
