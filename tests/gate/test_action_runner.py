"""action.yml run step by step by bash in a simulated runner (tests/gate/action_sim.py): outputs in every
mode, the step summary, the error path, the install cache, and two runs in one job."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from action_sim import ActionRun, Runner

REPO = Path(__file__).resolve().parents[2]
DESTRUCTIVE = REPO / "examples" / "terraform" / "rds-engine-change.json"
SAFE = REPO / "examples" / "terraform" / "safe-update.json"


def _uses(action: str, given: dict[str, str]) -> dict[str, str]:
    """What the pinned `uses:` actions give: setup-python's interpreter is this test's Python."""
    if action.startswith("actions/setup-python@"):
        return {
            "python-path": sys.executable,
            "python-version": f"{sys.version_info[0]}.{sys.version_info[1]}",
        }
    assert action.startswith("actions/cache@"), action
    return {"cache-hit": "false"}


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    """A job whose planlint venv is this test environment's (a real install takes over a minute)."""
    job = Runner(tmp_path, REPO)
    venv_id = hashlib.sha256(f"{REPO}\n{sys.executable}\n".encode()).hexdigest()[:16]
    bin_dir = job.temp / f"planlint-venv-{venv_id}" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "planlint").symlink_to(Path(sys.executable).parent / "planlint")
    (bin_dir / "python").symlink_to(sys.executable)
    return job


def _check(runner: Runner, *plans: Path | str) -> ActionRun:
    return runner.run_action({"mode": "check", "plans": "\n".join(str(p) for p in plans)}, _uses)


def _parse_commands(stdout: str) -> list[tuple[str, str]]:
    return re.findall(r"^::(error|warning|notice)[^:]*::(.*)$", stdout, flags=re.MULTILINE)


def test_check_mode_writes_outputs_summary_and_annotations(runner: Runner) -> None:
    run = _check(runner, DESTRUCTIVE)
    assert run.returncode == 1, run.stderr
    report = json.loads(
        subprocess.run(
            [sys.executable, "-m", "planlint", "check", "-f", "json", str(DESTRUCTIVE)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )
    assert run.outputs["decision"] == "approval_required"
    assert run.outputs["digest"] == report["destructive_digest"] and run.outputs["digest"].startswith("pl1:")
    assert run.outputs["gated"] == "1" and run.outputs["findings"] == "1"
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## 🛑 planlint: approval required")
    assert "`aws_db_instance.orders`" in summary
    kinds = [kind for kind, _ in _parse_commands(run.stdout)]
    assert kinds[:2] == ["error", "error"]


def test_check_mode_pass_outputs(runner: Runner) -> None:
    run = _check(runner, SAFE)
    assert run.returncode == 0, run.stderr
    assert run.outputs["decision"] == "pass" and run.outputs["gated"] == "0"
    assert run.outputs["digest"].startswith("pl1:")


def test_input_error_fails_closed_in_every_channel(runner: Runner, tmp_path: Path) -> None:
    broken = tmp_path / "workspace" / "truncated.json"
    broken.write_text(DESTRUCTIVE.read_text()[:500], encoding="utf-8")
    run = _check(runner, broken)
    assert run.returncode == 2
    assert run.outputs["decision"] == "error" and run.outputs["digest"] == "" and run.outputs["gated"] == ""
    commands = _parse_commands(run.stdout)
    assert commands and commands[-1][0] == "error" and "truncated.json" in commands[-1][1]
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## ❌ planlint: error") and "truncated.json" in summary
    assert "planlint: error" in run.stderr  # the log keeps planlint's own line


@pytest.mark.parametrize(
    ("mode", "plans", "message"),
    [("yolo", "plan.json", "unknown mode 'yolo'"), ("gate", "  \n ", "input 'plans' is empty")],
)
def test_bad_inputs_fail_with_an_annotation(runner: Runner, mode: str, plans: str, message: str) -> None:
    run = runner.run_action({"mode": mode, "plans": plans}, _uses)
    assert run.returncode == 2
    assert any(message in text for _, text in _parse_commands(run.stdout))
    assert run.outputs["decision"] == "error"
    assert message in runner.summary.read_text(encoding="utf-8")


def test_two_runs_in_one_job_keep_their_own_reports(runner: Runner) -> None:
    first = _check(runner, DESTRUCTIVE)
    second = _check(runner, SAFE)
    assert (first.returncode, second.returncode) == (1, 0)
    assert first.outputs["decision"] == "approval_required" and second.outputs["decision"] == "pass"
    assert first.outputs["digest"] != second.outputs["digest"]
    summary = runner.summary.read_text(encoding="utf-8")
    headings = [line for line in summary.splitlines() if line.startswith("## ")]
    assert len(headings) == 2
    assert headings[0].startswith("## 🛑") and headings[1].startswith("## ✅")
    second_report = summary[summary.index(headings[1]) :]
    assert "`aws_db_instance.orders`" not in second_report  # the first run's report does not leak in
    work_dirs = sorted(p.name for p in runner.temp.glob("planlint-run.*"))
    assert len(work_dirs) == 2


def test_install_is_cached_on_the_constraints_file_and_reused_in_the_job(runner: Runner) -> None:
    run = _check(runner, SAFE)
    (cache,) = [given for action, given in run.uses if action.startswith("actions/cache@")]
    constraints = hashlib.sha256((REPO / "action-constraints.txt").read_bytes()).hexdigest()[:16]
    assert cache["key"] == f"planlint-pip-Linux-py{sys.version_info[0]}.{sys.version_info[1]}-{constraints}"
    install = next(s for s in run.steps if s.id == "install")
    assert install.env["PIP_CACHE_DIR"] == cache["path"] == str(runner.temp / "planlint-pip-cache")
    assert install.stdout.strip() == "planlint 0.1.0"  # the job's venv was reused: pip did not run
    assert install.outputs["venv"].startswith(str(runner.temp / "planlint-venv-"))
    again = _check(runner, SAFE)
    assert next(s for s in again.steps if s.id == "install").outputs == install.outputs


def test_action_outputs_are_declared_for_every_mode() -> None:
    import yaml

    doc = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert {"decision", "digest", "gated", "findings"} <= set(doc["outputs"])


def test_gate_mode_through_the_simulated_runner(
    tmp_path: Path, corpus: Path, world, httpserver, run_gate
) -> None:  # type: ignore[no-untyped-def]
    """The gate step against the staged GitHub: label by a peer after the digest was shown -> exit 0."""
    from github_world import LABEL, PEER, RUN_ID

    world.set_labels(LABEL)
    world.label_event(PEER, 30)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 2, "head": {"sha": world.head}}}))
    job = Runner(
        tmp_path / "job",
        REPO,
        {
            "GITHUB_API_URL": httpserver.url_for("/").rstrip("/"),
            "GITHUB_REPOSITORY": world.repo,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_RUN_ID": str(RUN_ID),  # the runner sets it; the gate reads its own run's workflow
        },
    )
    venv_id = hashlib.sha256(f"{REPO}\n{sys.executable}\n".encode()).hexdigest()[:16]
    bin_dir = job.temp / f"planlint-venv-{venv_id}" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "planlint").symlink_to(Path(sys.executable).parent / "planlint")
    plan = corpus / "terraform/checkov/plan_with_deleted_resources__tfplan.json"
    run = job.run_action({"mode": "gate", "plans": str(plan)}, _uses)
    assert run.returncode == 0, run.stderr
    assert run.outputs["decision"] == "approved"
    assert run.outputs["digest"].startswith("pl1:") and run.outputs["gated"] == "1"
    assert "planlint" in job.summary.read_text(encoding="utf-8")


def _terragrunt_dir(corpus: Path, root: Path) -> list[str]:
    """Three corpus plans as Terragrunt units (root/live/<unit>/tfplan.json), one a destroy-mode plan."""
    sources = {
        "live/db": DESTRUCTIVE,
        "live/web": SAFE,
        "live/removed": corpus / "terraform" / "snyk-cli" / "tf-plan-destroy.json",
    }
    for unit, source in sources.items():
        (root / unit).mkdir(parents=True)
        (root / unit / "tfplan.json").write_bytes(source.read_bytes())
    return list(sources)


def _run_report(path: Path, runs: dict[str, str]) -> Path:
    """A synthetic Terragrunt run report in the JSON shape terragrunt's internal/report/writer.go emits."""
    path.write_text(json.dumps([{"Name": name, "Result": result} for name, result in runs.items()]))
    return path


def test_check_mode_takes_a_plan_directory_and_a_run_report(
    runner: Runner, corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "workspace" / "plans"
    units = _terragrunt_dir(corpus, root)
    report = _run_report(tmp_path / "workspace" / "report.json", dict.fromkeys(units, "succeeded"))
    run = runner.run_action({"mode": "check", "plans": str(root), "run-report": str(report)}, _uses)
    assert run.returncode == 1, run.stderr
    assert run.outputs["decision"] == "approval_required"
    summary = runner.summary.read_text(encoding="utf-8")
    assert "live/db" in summary and "live/removed" in summary


def test_a_failed_unit_in_the_run_report_fails_the_action_closed(
    runner: Runner, corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "workspace" / "plans"
    units = _terragrunt_dir(corpus, root)
    runs = dict.fromkeys(units, "succeeded") | {"live/cache": "failed"}
    report = _run_report(tmp_path / "workspace" / "report.json", runs)
    run = runner.run_action({"mode": "check", "plans": str(root), "run-report": str(report)}, _uses)
    assert run.returncode == 2
    assert run.outputs["decision"] == "error"
    assert any("live/cache failed" in text for kind, text in _parse_commands(run.stdout) if kind == "error")
    # without the report the same directory is judged (the failed unit simply has no plan to see)
    again = runner.run_action({"mode": "check", "plans": str(root)}, _uses)
    assert again.returncode == 1 and again.outputs["decision"] == "approval_required"
