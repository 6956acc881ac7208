#!/usr/bin/env python3
"""Benchmark many stacks in one verdict: `planlint check DIR` over 200 Terragrunt units of 1k changes each,
next to 200 separate `planlint check PLAN` runs of the same plans.

    python benchmarks/many_stacks.py                     # 200 units x 1k changes, 3 repeats
    python benchmarks/many_stacks.py --units 50 --repeat 1 --json

The units are laid out as Terragrunt's `run --all --json-out-dir DIR -- plan` writes them
(DIR/live/unitNNN/tfplan.json). Plans come from ../shared/tools/genplan.py; to keep the disk use small,
`--distinct` different plans (seeds 1..N) are hard-linked across the units, which costs planlint
exactly what distinct files would (each is read, hashed and judged on its own). Measurement as in
benchmarks/run.py: fresh child processes, wall time and the child's own peak RSS, medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DEFAULT_GENPLAN, OUT
from workloads import measure, measure_once, planlint_cmd


def build_units(units: int, changes: int, distinct: int, genplan: Path) -> Path:
    """OUT/many-stacks-U-C/live/unitNNN/tfplan.json, hard links to `distinct` generated plans."""
    sources = []
    for seed in range(1, distinct + 1):
        path = OUT / f"plan-{changes}-seed{seed}.json"
        if not (path.is_file() and path.stat().st_size > 0):
            OUT.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            cmd = [
                sys.executable,
                str(genplan),
                "--resources",
                str(changes),
                "--seed",
                str(seed),
                "--out",
                str(tmp),
            ]
            subprocess.run(cmd, check=True)
            tmp.replace(path)
        sources.append(path)
    root = OUT / f"many-stacks-{units}-{changes}"
    for index in range(units):
        target = root / "live" / f"unit{index:03d}" / "tfplan.json"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(sources[index % distinct], target)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--distinct", type=int, default=8, help="different generated plans (hard-linked)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--genplan", type=Path, default=DEFAULT_GENPLAN)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    root = build_units(args.units, args.changes, args.distinct, args.genplan)
    planlint = planlint_cmd()
    one_run = measure(
        [*planlint, "check", "--format", "json", "--output", os.devnull, str(root)], args.repeat
    )
    plans = sorted(root.rglob("tfplan.json"))
    separate = []
    peak = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        for plan in plans:
            _, rss = measure_once([*planlint, "check", "--format", "json", "--output", os.devnull, str(plan)])
            peak = max(peak, rss)
        separate.append(time.perf_counter() - start)
    result = {
        "units": args.units,
        "changes_per_unit": args.changes,
        "one_run": {"wall_s": round(one_run.wall_s, 3), "peak_rss_mb": round(one_run.rss_bytes / 1e6, 1)},
        "separate_runs": {
            "wall_s": round(statistics.median(separate), 3),
            "peak_rss_mb": round(peak / 1e6, 1),
        },
        "repeat": args.repeat,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{args.units} units x {args.changes} changes: one `check DIR` {result['one_run']['wall_s']} s "
            f"(peak RSS {result['one_run']['peak_rss_mb']} MB); {args.units} separate checks "
            f"{result['separate_runs']['wall_s']} s in total (peak RSS of one {result['separate_runs']['peak_rss_mb']} MB); "
            f"medians of {args.repeat}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
