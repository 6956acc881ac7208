"""Many stacks, one verdict: directories of plans (Terragrunt `--json-out-dir`, monorepos) and run reports.

A directory input is a set of stacks. Terragrunt's `run --all --json-out-dir DIR -- plan` writes
`DIR/<unit path>/tfplan.json` (terragrunt `internal/component/unit.go` `OutputJSONFile`,
`internal/tf/tf.go` `TerraformPlanJSONFile`); any other directory holds one plan or preview per stack,
as `*.json` files anywhere below it. Each plan's scope becomes its stack path, so every finding and
every digest item names the stack it belongs to.

Terragrunt's run report (`--report-file r.json` or `.csv`; `internal/report/writer.go`: a JSON list of
runs with `Name`, `Result` = succeeded | failed | early exit | excluded, `Reason`, `Cause`; or the CSV
with the same columns) says which units ran. A failed or early-exited unit, a unit that ran but left no
plan, a plan of no unit in the report, or no plan at all is an input error: a set of stacks never
passes because one of them was not judged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import msgspec

from planlint.errors import InputError
from planlint.model import NoOpTest, Plan, ResourceChange
from planlint.stack_files import TERRAGRUNT_PLAN, plan_files

RESULTS = ("succeeded", "failed", "early exit", "excluded")


@dataclass(frozen=True, slots=True)
class StackRun:
    """One stack of a many-stack run: its path, what happened to it, and the plan file judged for it."""

    path: str  # unit path relative to the plan directory ("live/prod/db"); "." for the directory itself
    result: str  # planned | excluded (failed and early-exited units never get this far)
    origin: str | None = None  # the plan file, when planned
    reason: str | None = None  # the run report's Reason (e.g. "exclude block")


@dataclass(frozen=True, slots=True)
class StackInputs:
    files: tuple[tuple[str, str], ...]  # (plan file, stack path)
    stacks: tuple[StackRun, ...]
    skipped: tuple[str, ...] = ()  # files below the directory that are not plans (stack_files)


@dataclass(frozen=True, slots=True)
class ReportedRun:
    name: str
    result: str
    reason: str | None


def discover(directory: str, run_report: str | None = None) -> StackInputs:
    """The plan files below `directory`, each with its stack path; checked against the run report if given."""
    root = Path(directory)
    listing = plan_files(directory)
    found, terragrunt = listing.plans, listing.terragrunt
    if not found:
        raise InputError(
            "no plans found: expected Terragrunt's `run --all --json-out-dir DIR -- plan` layout "
            f"(DIR/<unit>/{TERRAGRUNT_PLAN}) or one plan/preview JSON per stack",
            directory,
        )
    files = tuple((str(p), _stack_path(p, root, terragrunt)) for p in found)
    _refuse_duplicates(files, directory)
    stacks = [StackRun(path=stack, result="planned", origin=origin) for origin, stack in files]
    if run_report is not None:
        stacks += _check_against_report(files, read_run_report(run_report), run_report)
    return StackInputs(
        files=files, stacks=tuple(sorted(stacks, key=lambda s: s.path)), skipped=listing.skipped
    )


def _stack_path(path: Path, root: Path, terragrunt: bool) -> str:
    relative = PurePosixPath(path.relative_to(root).as_posix())
    if terragrunt or relative.name.lower() in ("tfplan.json", "plan.json", "preview.json"):
        return str(relative.parent)
    return str(relative.with_suffix(""))


def _refuse_duplicates(files: Sequence[tuple[str, str]], directory: str) -> None:
    seen: dict[str, str] = {}
    for origin, stack in files:
        if stack in seen:
            raise InputError(f"two plans for stack {stack}: {seen[stack]} and {origin}", directory)
        seen[stack] = origin


def read_run_report(path: str) -> list[ReportedRun]:
    """Terragrunt's run report, JSON (either key case, as versions wrote it) or CSV."""
    try:
        data = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the run report ({exc})", path) from None
    rows: list[dict[str, Any]]
    if data.lstrip().startswith("["):
        try:
            parsed = json.loads(data)
        except ValueError as exc:
            raise InputError(f"the run report is not valid JSON ({exc})", path) from None
        if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
            raise InputError("the run report is not a list of runs", path)
        rows = parsed
    else:
        rows = list(csv.DictReader(io.StringIO(data)))
    runs = [_run(row, i, path) for i, row in enumerate(rows)]
    if not runs:
        raise InputError("the run report lists no units", path)
    return runs


def _run(row: dict[str, Any], position: int, origin: str) -> ReportedRun:
    fields = {str(k).lower(): v for k, v in row.items()}
    name, result = fields.get("name"), fields.get("result")
    if not isinstance(name, str) or not name or result not in RESULTS:
        raise InputError(
            f"run {position}: needs Name and Result (one of {', '.join(RESULTS)}); got {result!r}", origin
        )
    reason = fields.get("reason")
    return ReportedRun(name=name, result=str(result), reason=str(reason) if reason else None)


def _check_against_report(
    files: Sequence[tuple[str, str]], runs: Sequence[ReportedRun], report: str
) -> list[StackRun]:
    """Refuse a set of plans the report says is not whole; return the excluded units, to be reported."""
    planned = {stack for _, stack in files}
    problems = [
        f"{r.name} {r.result}" + (f" ({r.reason})" if r.reason else "")
        for r in runs
        if r.result in ("failed", "early exit")
    ]
    problems += [
        f"{r.name} succeeded but left no plan"
        for r in runs
        if r.result == "succeeded" and _normal(r.name) not in planned and not _is_root(r.name, planned)
    ]
    reported = {_normal(r.name) for r in runs}
    problems += [
        f"{stack} has a plan but is not in the run report (stale?)"
        for stack in sorted(planned - reported)
        if not (stack == "." and any(r.result == "succeeded" and "/" not in r.name for r in runs))
    ]
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise InputError(f"the run did not plan every unit, so no verdict covers them all: {shown}", report)
    return [
        StackRun(path=_normal(r.name), result="excluded", reason=r.reason)
        for r in runs
        if r.result == "excluded"
    ]


def _normal(name: str) -> str:
    return str(PurePosixPath(name.replace("\\", "/"))) if name not in ("", ".") else "."


def _is_root(name: str, planned: set[str]) -> bool:
    """Terragrunt names the unit that is its working directory by its base name; its plan sits at DIR/."""
    return "." in planned and "/" not in name


def with_stack_scopes(
    plans: Sequence[Plan], stack_of: dict[str, str], units: frozenset[str] = frozenset()
) -> list[Plan]:
    """Prefix each plan's scope with its stack path ("live/db", or "stacks/shop:shop/prod" for Pulumi).

    Plans whose origin is in `units` came from a plan directory: each is one unit of the run
    (`PlanFacts.stack_unit`), so planned with `-destroy` (Terragrunt's git filter plans a removed unit
    that way) it is the unit's whole-environment teardown, however few resources it held.
    """
    result = []
    for plan in plans:
        stack = stack_of.get(plan.origin)
        if stack is None:
            result.append(plan)
            continue
        scope = f"{stack}:{plan.scope}" if plan.scope else stack
        facts = msgspec.structs.replace(plan.facts, stack_unit=True) if plan.origin in units else plan.facts
        result.append(msgspec.structs.replace(plan, scope=scope, facts=facts))
    return result


def load_stacks(
    paths: Sequence[str],
    input_format: str | None,
    run_report: str | None,
    needs_values: Callable[[ResourceChange], bool] | None = None,
    no_op_matters: NoOpTest | None = None,
) -> list[Plan]:
    """Load plan files and plan directories; plans from a directory are scoped by their stack path.

    `needs_values`, `no_op_matters`: as for `load_inputs` (let each plan's buffer go once it is loaded;
    count the no-ops no rule can match).
    Excluded units of the run report come back as empty plans (status "excluded") so every report
    names them. Raises InputError for an empty directory, a run that did not plan every unit, or a plan
    directory given with a report that is not exactly one.
    """
    from planlint.loaders import load_inputs

    directories = [p for p in paths if p != "-" and Path(p).is_dir()]
    if run_report is not None and len(directories) != 1:
        raise InputError(
            "--run-report needs exactly one plan directory (the run's --json-out-dir)", run_report
        )
    files: list[tuple[str, str]] = []
    units: set[str] = set()  # plans found in a directory; a loose file is scoped by its own path
    excluded: list[StackRun] = []
    skipped: dict[str, str] = {}  # first plan of a directory -> the note listing what it skipped
    for path in paths:
        if path in directories:
            found = discover(path, run_report)
            files += found.files
            units.update(origin for origin, _ in found.files)
            excluded += [s for s in found.stacks if s.result == "excluded"]
            if found.skipped:
                skipped[found.files[0][0]] = (
                    f"{path}: skipped {len(found.skipped)} file(s) that are not plans: {', '.join(found.skipped)}"
                )
        else:
            files.append((path, path))
    plans = with_stack_scopes(
        load_inputs([f for f, _ in files], input_format, needs_values, no_op_matters),
        dict(files),
        frozenset(units),
    )
    plans = [
        msgspec.structs.replace(p, notes=(*p.notes, skipped[p.origin])) if p.origin in skipped else p
        for p in plans
    ]
    return plans + [_excluded(stack, run_report or "") for stack in excluded]


def _excluded(stack: StackRun, report: str) -> Plan:
    from planlint.model import PlanFacts

    why = f" ({stack.reason})" if stack.reason else ""
    return Plan(
        origin=f"{stack.path} (excluded)",
        format="terraform",
        tool="terragrunt",
        tool_version=None,
        format_version=None,
        changes=(),
        facts=PlanFacts(status="excluded"),
        scope=stack.path,
        notes=(f"excluded from the run{why} according to {report}: not planned, not judged",),
    )
