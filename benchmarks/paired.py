#!/usr/bin/env python3
"""Paired before/after runs of one planlint command line: the two builds alternate as fresh processes.

    git archive OLD | tar -x -C /tmp/before && git archive NEW | tar -x -C /tmp/after
    python -m compileall -q /tmp/before/planlint /tmp/after/planlint
    python benchmarks/paired.py --before /tmp/before --after /tmp/after --pairs 5 -- check PLAN --format json
    python benchmarks/paired.py ... --stdin benchmarks/out/hook-claude-event.json -- hook claude
    python benchmarks/paired.py ... --console-script --stdin ... -- hook claude   # `planlint hook claude`

Each pair runs `python -m planlint ARGS` (with `--console-script`: the `planlint` console script beside the
interpreter, as agents' hooks run it) with PYTHONPATH set to one build, then the other (the order flips
every pair), from a neutral directory; wall time, peak RSS and CPU come from `os.wait4` of exactly that
child. Prints one JSON line: medians per build, the median of the after/before wall-time ratios, and
whether every run printed the same report.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def run_once(
    build: Path, args: Sequence[str], stdin: Path | None, script: bool = False
) -> tuple[float, int, float, bytes]:
    env = dict(os.environ, PYTHONPATH=str(build))
    command = (
        [str(Path(sys.executable).parent / "planlint")] if script else [sys.executable, "-m", "planlint"]
    )
    with Path(stdin or os.devnull).open("rb") as feed, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*command, *args],
            stdin=feed,
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"paired: {build}: planlint {' '.join(args)} exited {code}")
        out.seek(0)
        report = out.read()
    return wall, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime, report


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="directory holding the old planlint/")
    ap.add_argument("--after", type=Path, required=True, help="directory holding the new planlint/")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--stdin", type=Path, help="file fed to every run's stdin (default: empty)")
    ap.add_argument(
        "--console-script",
        action="store_true",
        help="run the `planlint` console script beside this interpreter instead of `python -m planlint`",
    )
    ap.add_argument("args", nargs="+", help="planlint's arguments (after --)")
    options = ap.parse_args(argv)
    builds = {"before": options.before, "after": options.after}
    samples: dict[str, list[tuple[float, int, float]]] = {name: [] for name in builds}
    reports: set[bytes] = set()
    ratios = []
    for pair in range(options.pairs):
        walls = {}
        for name in list(builds) if pair % 2 == 0 else list(reversed(builds)):
            wall, rss, cpu, report = run_once(
                builds[name], options.args, options.stdin, options.console_script
            )
            samples[name].append((wall, rss, cpu))
            reports.add(report)
            walls[name] = wall
        ratios.append(walls["after"] / walls["before"])
    result: dict[str, object] = {"args": options.args, "pairs": options.pairs}
    for name, runs in samples.items():
        result[name] = {
            "wall_s": statistics.median(r[0] for r in runs),
            "rss_mb": statistics.median(r[1] for r in runs) / 1e6,
            "cpu_s": statistics.median(r[2] for r in runs),
        }
    result["pair_ratio"] = statistics.median(ratios)
    result["identical_reports"] = len(reports) == 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
