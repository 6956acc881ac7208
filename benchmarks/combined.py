"""Workloads of `benchmarks/run.py` that combine inputs: many plans in one `check`, a plan with its source.

- `bench_many`: `check` of 20 genplan plans of 1k changes each (seeds 1-20) in one process. Issue 13's
  target is peak RSS <= the largest file + the structures + 30 MB; here "the structures" are the bare
  interpreter's peak plus 1 KB per change (the records, findings and report of 20,000 changes), so the
  target reads: RSS <= bare + largest file + 20 MB + 30 MB.
- `bench_locate`: `check PLAN --source TREE` (genplan 10k plan, the synthetic 2,000-block tree): the cost
  of locating, `both - plan alone - source alone + bare`, per change. Locating is O(changes + blocks)
  when that stays a few microseconds per change (issue 13 measured 59 us per change before).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workloads import Sample, measure, planlint_cmd, write_source_tree

MANY_PLANS = 20  # plans of 1k changes in one check
MANY_OVERHEAD = 30_000_000 + 1_000 * 1_000 * MANY_PLANS  # 30 MB + 1 KB per change, over bare + largest
MAX_LOCATE_US = 10.0  # per change: a dict lookup and an address parse, not a scan of the blocks


def bench_many(
    ensure_plan: Callable[..., Path | None],
    genplan: Path,
    runs: int,
    bare: Sample,
    *,
    row: Callable[..., Any],
) -> Any:
    """`check` of 20 plans of 1k changes in one process: peak RSS against the largest file."""
    paths = [ensure_plan(1_000, genplan, seed=seed) for seed in range(1, MANY_PLANS + 1)]
    files = [p for p in paths if p is not None]
    largest = max(p.stat().st_size for p in files)
    total = sum(p.stat().st_size for p in files)
    print(f"measuring check of {len(files)} plans x 1k ({total / 1e6:.0f} MB) x{runs} ...", file=sys.stderr)
    check = measure([*planlint_cmd(), "check", *map(str, files), "--format", "json"], runs)
    limit = bare.rss_bytes + largest + MANY_OVERHEAD
    return row(
        f"check {len(files)} plans x 1k ({total / 1e6:.0f} MB)",
        check,
        {"MB RSS over bare": (check.rss_bytes - bare.rss_bytes) / 1e6, "MB largest file": largest / 1e6},
        f"RSS <= bare + largest + {MANY_OVERHEAD / 1e6:.0f} MB = {limit / 1e6:.0f} MB",
        check.rss_bytes <= limit,
    )


def bench_locate(
    plan: Path | None,
    out: Path,
    tree_shape: tuple[int, int],
    runs: int,
    bare: Sample,
    *,
    row: Callable[..., Any],
) -> Any:
    """`check PLAN --source TREE` against the plan and the tree checked alone: locating per change."""
    if plan is None:
        return None
    tree = write_source_tree(*tree_shape, out)
    print(f"measuring check {plan.name} --source ({tree_shape[1]} blocks) x{runs} ...", file=sys.stderr)
    both = measure([*planlint_cmd(), "check", str(plan), "--source", str(tree), "--format", "json"], runs)
    alone = measure([*planlint_cmd(), "check", str(plan), "--format", "json"], runs)
    source = measure([*planlint_cmd(), "check", "--source", str(tree), "--format", "json"], runs)
    changes = int(plan.name.split("-")[1])
    per_change_us = max(0.0, both.wall_s - alone.wall_s - source.wall_s + bare.wall_s) / changes * 1e6
    return row(
        f"check {changes // 1000}k plan --source {tree_shape[1]} blocks",
        both,
        {
            "s plan alone": alone.wall_s,
            "s source alone": source.wall_s,
            "us locating per change": per_change_us,
        },
        f"locating <= {MAX_LOCATE_US:.0f} us per change",
        per_change_us <= MAX_LOCATE_US,
    )
