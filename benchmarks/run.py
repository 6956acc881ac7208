#!/usr/bin/env python3
"""Benchmark `planlint check` against merely `json.load`-ing the same plan (issue 2's targets).

    python benchmarks/run.py                      # 1k, 10k, 100k (sizes that fit on disk)
    python benchmarks/run.py --sizes 1k,10k --repeat 3 --json
    python benchmarks/run.py --profile 10k        # cProfile of an in-process check, top 25 cumulative

Plans come from ../shared/tools/genplan.py (override with --genplan) and are cached in benchmarks/out/.
Every measurement is a fresh child process; its wall time and peak RSS (ru_maxrss of exactly that
child, from os.wait4) are taken N times and the median is reported.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
DEFAULT_GENPLAN = REPO.parent / "shared" / "tools" / "genplan.py"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
SMALL_PLAN = 50  # resources in the "ordinary plan" of target (c)
BYTES_PER_CHANGE = 6_500  # genplan writes ~5.9 KB per change; a little headroom for the estimate
DISK_MARGIN = 1 << 30  # leave 1 GiB free for everyone else on the machine
SEED = 1

# Targets from issue 2, "Tests and evidence".
MAX_TIME_RATIO = 0.25  # check wall / json.load wall
MAX_RSS_RATIO = 1.5  # check peak RSS / file size
MAX_SMALL_WALL_S = 0.15  # check on a ~50-resource plan, default rules, text output

JSON_LOAD = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as f:\n    json.load(f)\n"


@dataclass(frozen=True, slots=True)
class Sample:
    """Median wall time and peak RSS of one command over `runs` fresh processes."""

    wall_s: float
    rss_bytes: int
    runs: int


@dataclass(frozen=True, slots=True)
class SizeResult:
    size: str
    changes: int
    file_bytes: int
    check: Sample
    json_load: Sample
    time_ratio: float  # check / json.load
    rss_ratio: float  # check peak RSS / file size
    json_rss_ratio: float  # json.load peak RSS / file size

    @property
    def misses(self) -> list[str]:
        out = []
        if self.time_ratio > MAX_TIME_RATIO:
            out.append(
                f"{self.size}: check takes {self.time_ratio:.2f}x json.load (target <= {MAX_TIME_RATIO}x)"
            )
        if self.rss_ratio > MAX_RSS_RATIO:
            out.append(
                f"{self.size}: peak RSS is {self.rss_ratio:.2f}x the file (target <= {MAX_RSS_RATIO}x)"
            )
        return out


def measure_once(cmd: Sequence[str]) -> tuple[float, int]:
    """Run `cmd` as a fresh child; return its wall time and its own peak RSS in bytes."""
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty child cannot block on it
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        # wait4 reports the rusage of exactly this child, so ru_maxrss is not the max over earlier runs
        # (which RUSAGE_CHILDREN of this process would be).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # planlint check: 0 pass, 1 approval required
            err.seek(0)
            message = err.read().decode(errors="replace")
            raise SystemExit(f"benchmark: {' '.join(cmd)} exited {proc.returncode}:\n{message}")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return wall, rss


def measure(cmd: Sequence[str], runs: int) -> Sample:
    samples = [measure_once(cmd) for _ in range(runs)]
    return Sample(
        wall_s=statistics.median(w for w, _ in samples),
        rss_bytes=int(statistics.median(r for _, r in samples)),
        runs=runs,
    )


def planlint_cmd() -> list[str]:
    """The installed console script beside this interpreter, else `python -m planlint`."""
    script = Path(sys.executable).parent / "planlint"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "planlint"]


def plan_path(changes: int) -> Path:
    return OUT / f"plan-{changes}-seed{SEED}.json"


def ensure_plan(changes: int, genplan: Path) -> Path | None:
    """Generate (or reuse) the plan; None when it would not fit on the disk."""
    path = plan_path(changes)
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
    cmd = [sys.executable, str(genplan), "--resources", str(changes), "--seed", str(SEED), "--out", str(tmp)]
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
    return SizeResult(
        size=label,
        changes=changes,
        file_bytes=size,
        check=check,
        json_load=loaded,
        time_ratio=check.wall_s / loaded.wall_s,
        rss_ratio=check.rss_bytes / size,
        json_rss_ratio=loaded.rss_bytes / size,
    )


def bench_small(genplan: Path, runs: int) -> tuple[Sample, Sample, Path]:
    """Target (c): an ordinary plan, default rules, text output; bare `python -c pass` for scale."""
    path = ensure_plan(SMALL_PLAN, genplan)
    assert path is not None  # a 50-change plan is ~300 KB
    print(f"measuring {SMALL_PLAN}-change plan x{runs} ...", file=sys.stderr)
    check = measure([*planlint_cmd(), "check", str(path), "--format", "text"], runs)
    bare = measure([sys.executable, "-c", "pass"], runs)
    return check, bare, path


def mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e7 else f"{n / 1e6:,.1f} MB"


def print_table(results: Sequence[SizeResult], small: tuple[Sample, Sample, Path] | None) -> None:
    head = (
        f"{'size':>5} {'file':>9} {'check s':>8} {'json.load s':>11} {'time x':>7} "
        f"{'check RSS':>10} {'RSS/file':>8} {'json RSS':>9} {'json/file':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.size:>5} {mb(r.file_bytes):>9} {r.check.wall_s:>8.3f} {r.json_load.wall_s:>11.3f} "
            f"{r.time_ratio:>6.2f}{_mark(r.time_ratio <= MAX_TIME_RATIO)} "
            f"{mb(r.check.rss_bytes):>10} {r.rss_ratio:>7.2f}{_mark(r.rss_ratio <= MAX_RSS_RATIO)} "
            f"{mb(r.json_load.rss_bytes):>9} {r.json_rss_ratio:>9.2f}"
        )
    print(
        f"targets: check <= {MAX_TIME_RATIO}x json.load wall, check peak RSS <= {MAX_RSS_RATIO}x file size; "
        f"median of each size's runs ({', '.join(f'{r.size}: {r.check.runs}' for r in results)})"
    )
    if small is not None:
        check, bare, path = small
        ok = _mark(check.wall_s <= MAX_SMALL_WALL_S)
        print(
            f"\n{SMALL_PLAN}-change plan ({mb(path.stat().st_size)}), default rules, --format text: "
            f"{check.wall_s:.3f} s{ok} (target <= {MAX_SMALL_WALL_S} s), peak RSS {mb(check.rss_bytes)}; "
            f"bare `python -c pass`: {bare.wall_s:.3f} s, {mb(bare.rss_bytes)}"
        )


def _mark(ok: bool) -> str:
    return " " if ok else "!"


def misses(results: Sequence[SizeResult], small: tuple[Sample, Sample, Path] | None) -> list[str]:
    out = [m for r in results for m in r.misses]
    if small is not None and small[0].wall_s > MAX_SMALL_WALL_S:
        out.append(f"{SMALL_PLAN}-change plan: {small[0].wall_s:.3f} s wall (target <= {MAX_SMALL_WALL_S} s)")
    return out


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
    ap.add_argument("--no-small", action="store_true", help=f"skip the {SMALL_PLAN}-change text-output run")
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
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    genplan = args.genplan.resolve()
    if args.profile:
        profile(args.profile, genplan)
        return 0
    results = []
    for label in args.size_list:
        runs = args.repeat_large if SIZES[label] >= 100_000 else args.repeat
        result = bench_size(label, SIZES[label], genplan, runs)
        if result is not None:
            results.append(result)
    small = None if args.no_small else bench_small(genplan, args.repeat)
    missed = misses(results, small)
    if args.json:
        doc = {
            "targets": {
                "max_time_ratio": MAX_TIME_RATIO,
                "max_rss_ratio": MAX_RSS_RATIO,
                "max_small_wall_s": MAX_SMALL_WALL_S,
            },
            "sizes": [asdict(r) for r in results],
            "small": None
            if small is None
            else {"changes": SMALL_PLAN, "check": asdict(small[0]), "python_pass": asdict(small[1])},
            "misses": missed,
        }
        print(json.dumps(doc, indent=2))
    else:
        print_table(results, small)
        for m in missed:
            print(f"MISSED: {m}")
    return 1 if args.enforce and missed else 0


if __name__ == "__main__":
    sys.exit(main())
