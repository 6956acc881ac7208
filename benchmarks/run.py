#!/usr/bin/env python3
"""Benchmark planlint's workloads against their floors: `json.load`, the floor linter, a bare interpreter.

    python benchmarks/run.py                      # every workload; plans of 1k, 10k, 100k changes
    python benchmarks/run.py --sizes 1k,10k --repeat 3 --json
    python benchmarks/run.py --workloads diff,hook   # some of plans,small,hook,floors,diff,source,many,locate
    python benchmarks/run.py --profile 10k        # cProfile of an in-process check, top 25 cumulative

Workloads (issue 13's table): `check` of generated plans (vs `json.load` and
../shared/tools/floor/reflint.py --parser msgspec-struct), `check` of a 50-change plan and one
`hook claude` call (vs bare `python -c pass`, beside the libraries those paths import:
benchmarks/floors.py), `diff` of synthetic 1k/4k-resource templates (vs `json.load` of both),
`check --source` of a synthetic 300-file tree (vs bare start), 20 plans x 1k in one `check` (peak RSS
vs the largest file) and a 10k plan with `--source` (locating per change).
Plans come from ../shared/tools/genplan.py (override with --genplan); plans, templates and trees are
cached in benchmarks/out/. Every measurement is a fresh child process; its wall time and peak RSS
(ru_maxrss of exactly that child, from os.wait4) are taken N times and the median is reported.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from combined import bench_locate, bench_many  # beside this script
from floors import bench_floors
from workloads import Sample, compile_package, measure, planlint_cmd, write_source_tree, write_templates

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
DEFAULT_GENPLAN = REPO.parent / "shared" / "tools" / "genplan.py"
FLOOR = REPO.parent / "shared" / "tools" / "floor" / "reflint.py"
WORKLOADS = ("plans", "small", "hook", "floors", "diff", "source", "many", "locate")
TEMPLATE_SIZES = (1_000, 4_000)
SOURCE_TREE = (300, 2_000)  # .tf files, resource/module blocks
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
SMALL_PLAN = 50  # resources in the "ordinary plan" of target (c)
BYTES_PER_CHANGE = 6_500  # genplan writes ~5.9 KB per change; a little headroom for the estimate
DISK_MARGIN = 1 << 30  # leave 1 GiB free for everyone else on the machine
SEED = 1

# Targets from issue 13 (per plan size; issue 2's were 0.25x json.load and 1.5x the file at every size).
PLAN_TARGETS: dict[str, dict[str, float]] = {
    "10k": {"json": 0.15, "floor": 1.2},
    "100k": {"floor": 1.2, "rss": 1.15},
}
MAX_SMALL_OVER_BARE_S = 0.04  # check on a ~50-resource plan, text output, minus bare interpreter start
MAX_HOOK_OVER_BARE_S = 0.025  # one `hook claude` call minus bare interpreter start
# A git line asks git twice (planlint/guard/git_repo.py: its settings, its hooks directory) and judges both.
MAX_HOOK_GIT_OVER_BARE_S = 0.05
HOOK_GIT_LINES = ("git status", "git commit -m x")
MAX_DIFF_1K_S = 0.4  # diff of two 1,000-resource templates
MAX_DIFF_GROWTH = 1.25  # (4k - bare) / 4 over (1k - bare): "linear", with noise to spare
MAX_SOURCE_S = 1.0  # check --source of 300 files, 2,000 blocks
HOOK_INPUT = {
    "session_id": "benchmark",
    "hook_event_name": "PreToolUse",
    "tool_name": "Bash",
    "tool_input": {"command": "terraform plan -out tfplan"},
}

JSON_LOAD = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as f:\n    json.load(f)\n"
JSON_LOAD_ALL = "import json, sys\nfor p in sys.argv[1:]:\n    with open(p, encoding='utf-8') as f:\n        json.load(f)\n"


@dataclass(frozen=True, slots=True)
class SizeResult:
    size: str
    changes: int
    file_bytes: int
    check: Sample
    json_load: Sample
    floor: Sample | None
    time_ratio: float  # check / json.load
    floor_ratio: float | None  # check / the floor linter
    rss_ratio: float  # check peak RSS / file size
    json_rss_ratio: float  # json.load peak RSS / file size

    def ok(self, what: str, value: float | None) -> bool:
        limit = PLAN_TARGETS.get(self.size, {}).get(what)
        return limit is None or value is None or value <= limit

    @property
    def misses(self) -> list[str]:
        limits = PLAN_TARGETS.get(self.size, {})
        values = {"json": self.time_ratio, "floor": self.floor_ratio, "rss": self.rss_ratio}
        names = {"json": "x json.load", "floor": "x the floor", "rss": "x the file (peak RSS)"}
        return [
            f"{self.size}: check is {values[k]:.2f}{names[k]} (target <= {limit})"
            for k, limit in limits.items()
            if not self.ok(k, values[k])
        ]


@dataclass(frozen=True, slots=True)
class Row:
    """One of the other workloads: its median, what it is compared with, and its target."""

    name: str
    sample: Sample
    ratios: dict[str, float]  # e.g. {"x json.load": 0.2, "+s over bare": 0.05}
    target: str
    ok: bool


def plan_path(changes: int, seed: int = SEED) -> Path:
    return OUT / f"plan-{changes}-seed{seed}.json"


def ensure_plan(changes: int, genplan: Path, seed: int = SEED) -> Path | None:
    """Generate (or reuse) the plan; None when it would not fit on the disk."""
    path = plan_path(changes, seed)
    if path.is_file() and path.stat().st_size > 0:
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    need = changes * BYTES_PER_CHANGE
    free = shutil.disk_usage(OUT).free
    if need + DISK_MARGIN > free:
        print(
            f"skipping {changes} changes: the plan needs ~{need / 1e6:.0f} MB and {OUT} has "
            f"{free / 1e6:.0f} MB free (keeping {DISK_MARGIN >> 20} MiB spare)",
            file=sys.stderr,
        )
        return None
    if not genplan.is_file():
        raise SystemExit(f"benchmark: genplan not found at {genplan}; pass --genplan PATH")
    tmp = path.with_suffix(".tmp")
    print(f"generating {path.name} ...", file=sys.stderr)
    cmd = [sys.executable, str(genplan), "--resources", str(changes), "--seed", str(seed), "--out", str(tmp)]
    subprocess.run(cmd, check=True)
    tmp.replace(path)  # only a complete file is ever cached
    return path


def bench_size(label: str, changes: int, genplan: Path, runs: int) -> SizeResult | None:
    path = ensure_plan(changes, genplan)
    if path is None:
        return None
    size = path.stat().st_size
    print(f"measuring {label} ({size / 1e6:.0f} MB) x{runs} ...", file=sys.stderr)
    check = measure([*planlint_cmd(), "check", str(path), "--format", "json"], runs)
    loaded = measure([sys.executable, "-c", JSON_LOAD, str(path)], runs)
    floor = (
        measure([sys.executable, str(FLOOR), str(path), "--parser", "msgspec-struct"], runs)
        if FLOOR.is_file()
        else None
    )
    return SizeResult(
        size=label,
        changes=changes,
        file_bytes=size,
        check=check,
        json_load=loaded,
        floor=floor,
        time_ratio=check.wall_s / loaded.wall_s,
        floor_ratio=check.wall_s / floor.wall_s if floor else None,
        rss_ratio=check.rss_bytes / size,
        json_rss_ratio=loaded.rss_bytes / size,
    )


def bench_small(genplan: Path, runs: int, bare: Sample) -> Row:
    """An ordinary plan, default rules, text output, over a bare `python -c pass`."""
    path = ensure_plan(SMALL_PLAN, genplan)
    assert path is not None  # a 50-change plan is ~300 KB
    print(f"measuring {SMALL_PLAN}-change plan x{runs} ...", file=sys.stderr)
    check = measure([*planlint_cmd(), "check", str(path), "--format", "text"], runs)
    over = check.wall_s - bare.wall_s
    return Row(
        f"check {SMALL_PLAN}-change plan, text",
        check,
        {"+s over bare": over},
        f"<= +{MAX_SMALL_OVER_BARE_S} s",
        over <= MAX_SMALL_OVER_BARE_S,
    )


def bench_hook(runs: int, bare: Sample) -> list[Row]:
    """One `planlint hook claude` call (a PreToolUse Bash event on stdin), over bare interpreter start; then
    the git lines of HOOK_GIT_LINES, in a fresh repository without hooks (synthetic)."""
    event = OUT / "hook-claude-event.json"
    OUT.mkdir(parents=True, exist_ok=True)
    event.write_text(json.dumps(HOOK_INPUT), encoding="utf-8")
    print(f"measuring hook claude x{runs} ...", file=sys.stderr)
    hook = measure([*planlint_cmd(), "hook", "claude"], runs, stdin=event)
    over = hook.wall_s - bare.wall_s
    rows = [Row("hook claude, one call", hook, {"+s over bare": over}, f"<= +{MAX_HOOK_OVER_BARE_S} s",
                over <= MAX_HOOK_OVER_BARE_S)]  # fmt: skip
    repo = OUT / "hook-git-repo"
    if shutil.which("git") is None:
        return rows
    if not (repo / ".git").is_dir():
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for line in HOOK_GIT_LINES:
        event.write_text(json.dumps({**HOOK_INPUT, "tool_input": {"command": line}}), encoding="utf-8")
        print(f"measuring hook claude `{line}` x{runs} ...", file=sys.stderr)
        sample = measure([*planlint_cmd(), "hook", "claude"], runs, stdin=event, cwd=repo)
        over = sample.wall_s - bare.wall_s
        rows.append(Row(f"hook claude, `{line}` (no hooks)", sample, {"+s over bare": over},
                        f"<= +{MAX_HOOK_GIT_OVER_BARE_S} s", over <= MAX_HOOK_GIT_OVER_BARE_S))  # fmt: skip
    return rows


def floors(genplan: Path, runs: int) -> list[Row]:
    """The libraries `hook claude` and a small `check` import, measured interleaved with them."""
    plan = ensure_plan(SMALL_PLAN, genplan)
    assert plan is not None  # a 50-change plan is ~300 KB
    event = OUT / "hook-floor-event.json"
    event.write_text(json.dumps(HOOK_INPUT), encoding="utf-8")
    targets = {"hook_target_s": MAX_HOOK_OVER_BARE_S, "check_target_s": MAX_SMALL_OVER_BARE_S}
    return bench_floors(2 * runs + 1, plan, event, **targets, row=Row)


def bench_diff(runs: int, bare: Sample) -> list[Row]:
    """`planlint diff OLD NEW` of synthetic templates, vs `json.load` of both files and bare start."""
    rows: list[Row] = []
    per_resource: list[float] = []
    for n in TEMPLATE_SIZES:
        old, new = write_templates(n, OUT)
        print(f"measuring diff of {n}-resource templates x{runs} ...", file=sys.stderr)
        diff = measure([*planlint_cmd(), "diff", str(old), str(new), "--format", "json"], runs)
        loaded = measure([sys.executable, "-c", JSON_LOAD_ALL, str(old), str(new)], runs)
        per_resource.append((diff.wall_s - bare.wall_s) / n)
        ratios = {"x json.load": diff.wall_s / loaded.wall_s, "+s over bare": diff.wall_s - bare.wall_s}
        if n == TEMPLATE_SIZES[0]:
            rows.append(
                Row(
                    f"diff {n}-resource templates",
                    diff,
                    ratios,
                    f"<= {MAX_DIFF_1K_S} s",
                    diff.wall_s <= MAX_DIFF_1K_S,
                )
            )
        else:
            growth = per_resource[-1] / per_resource[0]
            rows.append(
                Row(
                    f"diff {n}-resource templates",
                    diff,
                    {**ratios, "x 1k per resource": growth},
                    f"linear (per-resource <= {MAX_DIFF_GROWTH}x 1k's)",
                    growth <= MAX_DIFF_GROWTH,
                )
            )
    return rows


def bench_source(runs: int, bare: Sample) -> Row:
    """`planlint check --source` of a synthetic tree (no plan), over bare interpreter start."""
    files, blocks = SOURCE_TREE
    tree = write_source_tree(files, blocks, OUT)
    print(f"measuring check --source ({files} files, {blocks} blocks) x{runs} ...", file=sys.stderr)
    check = measure([*planlint_cmd(), "check", "--source", str(tree), "--format", "json"], runs)
    return Row(
        f"check --source {files} .tf, {blocks} blocks",
        check,
        {"+s over bare": check.wall_s - bare.wall_s},
        f"<= {MAX_SOURCE_S} s",
        check.wall_s <= MAX_SOURCE_S,
    )


def mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e7 else f"{n / 1e6:,.1f} MB"


def print_table(results: Sequence[SizeResult], rows: Sequence[Row]) -> None:
    head = (
        f"{'size':>5} {'file':>9} {'check s':>8} {'json.load s':>11} {'x json':>7} {'floor s':>8} "
        f"{'x floor':>7} {'check RSS':>10} {'RSS/file':>8} {'json/file':>9}"
    )
    if results:
        print(head)
        print("-" * len(head))
    for r in results:
        floor_s = f"{r.floor.wall_s:>8.3f}" if r.floor else f"{'-':>8}"
        floor_x = (
            f"{r.floor_ratio:>6.2f}{_mark(r.ok('floor', r.floor_ratio))}" if r.floor_ratio else f"{'-':>7}"
        )
        print(
            f"{r.size:>5} {mb(r.file_bytes):>9} {r.check.wall_s:>8.3f} {r.json_load.wall_s:>11.3f} "
            f"{r.time_ratio:>6.2f}{_mark(r.ok('json', r.time_ratio))} {floor_s} {floor_x} "
            f"{mb(r.check.rss_bytes):>10} {r.rss_ratio:>7.2f}{_mark(r.ok('rss', r.rss_ratio))} "
            f"{r.json_rss_ratio:>9.2f}"
        )
    if results:
        targets = "; ".join(f"{k}: {v}" for k, v in PLAN_TARGETS.items())
        print(
            f"targets (x json.load / x floor / x file): {targets}; medians of {results[0].check.runs} runs\n"
        )
    for row in rows:
        ratios = ", ".join(
            f"+{v:.3f} s{k[2:]}" if k.startswith("+s") else f"{v:.2f} {k}" for k, v in row.ratios.items()
        )
        print(
            f"{row.name:<38} {row.sample.wall_s:>7.3f} s{_mark(row.ok)} {mb(row.sample.rss_bytes):>8}  "
            f"{ratios}  (target {row.target})"
        )


def _mark(ok: bool) -> str:
    return " " if ok else "!"


def misses(results: Sequence[SizeResult], rows: Sequence[Row]) -> list[str]:
    out = [m for r in results for m in r.misses]
    return out + [
        f"{row.name}: {row.sample.wall_s:.3f} s (target {row.target})" for row in rows if not row.ok
    ]


def profile(label: str, genplan: Path, top: int = 25) -> None:
    """cProfile an in-process `check --format json` (report discarded) and print the top entries."""
    from planlint.cli import main

    path = ensure_plan(SIZES[label], genplan)
    if path is None:
        raise SystemExit(f"benchmark: no room for the {label} plan")
    profiler = cProfile.Profile()
    real_stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        profiler.enable()
        code = main(["check", str(path), "--format", "json"])
        profiler.disable()
    finally:
        sys.stdout = real_stdout
    print(f"planlint check {path.name} --format json -> exit {code}")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    ap.add_argument("--genplan", type=Path, default=DEFAULT_GENPLAN, help=f"default: {DEFAULT_GENPLAN}")
    ap.add_argument("--sizes", default="1k,10k,100k", help="comma-separated from 1k,10k,100k")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement, median reported (default 5)")
    ap.add_argument(
        "--repeat-large", type=int, default=3, help="runs per measurement for 100k (default 3: ~15 s each)"
    )
    ap.add_argument(
        "--workloads",
        default=",".join(WORKLOADS),
        help=f"comma-separated from {','.join(WORKLOADS)} (default: all)",
    )
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    ap.add_argument("--enforce", action="store_true", help="exit 1 when any target is missed")
    ap.add_argument(
        "--profile", choices=tuple(SIZES), help="profile an in-process check of this size and stop"
    )
    args = ap.parse_args(argv)
    args.size_list = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in args.size_list if s not in SIZES]
    if unknown:
        ap.error(f"unknown size(s) {unknown}; choose from {', '.join(SIZES)}")
    args.workload_list = [w.strip() for w in args.workloads.split(",") if w.strip()]
    if set(args.workload_list) - set(WORKLOADS):
        ap.error(
            f"unknown workload(s) {sorted(set(args.workload_list) - set(WORKLOADS))}; choose from {WORKLOADS}"
        )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    genplan = args.genplan.resolve()
    if args.profile:
        profile(args.profile, genplan)
        return 0
    chosen = set(args.workload_list)
    compile_package(REPO / "planlint")
    results = []
    for label in args.size_list if "plans" in chosen else ():
        runs = args.repeat_large if SIZES[label] >= 100_000 else args.repeat
        result = bench_size(label, SIZES[label], genplan, runs)
        if result is not None:
            results.append(result)
    rows: list[Row] = []
    if chosen - {"plans"}:
        bare = measure([sys.executable, "-c", "pass"], args.repeat)
        rows.append(Row("bare `python -c pass`", bare, {}, "-", True))
        if "small" in chosen:
            rows.append(bench_small(genplan, args.repeat, bare))
        if "hook" in chosen:
            rows.extend(bench_hook(args.repeat, bare))
        if "floors" in chosen:
            rows.extend(floors(genplan, args.repeat))
        if "diff" in chosen:
            rows.extend(bench_diff(args.repeat, bare))
        if "source" in chosen:
            rows.append(bench_source(args.repeat_large, bare))
        if "many" in chosen:
            rows.append(bench_many(ensure_plan, genplan, args.repeat, bare, row=Row))
        if "locate" in chosen:
            plan = ensure_plan(SIZES["10k"], genplan)
            located = bench_locate(plan, OUT, SOURCE_TREE, args.repeat_large, bare, row=Row)
            rows.extend([located] if located is not None else [])
    missed = misses(results, rows)
    if args.json:
        doc = {
            "plan_targets": PLAN_TARGETS,
            "sizes": [asdict(r) for r in results],
            "workloads": [asdict(r) for r in rows],
            "misses": missed,
        }
        print(json.dumps(doc, indent=2))
    else:
        print_table(results, rows)
        for m in missed:
            print(f"MISSED: {m}")
    return 1 if args.enforce and missed else 0


if __name__ == "__main__":
    sys.exit(main())
