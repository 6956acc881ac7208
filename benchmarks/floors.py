"""The start-up floors of `benchmarks/run.py`: what a process pays for its libraries before planlint runs.

Issue 13 sets two start-up targets over a bare `python -c pass`: `check` of a 50-change plan <= +0.04 s and
one `hook claude` call <= +0.025 s. This workload measures, beside those two commands, the imports their
paths cannot do without, so that the table shows how much of each target is left to planlint itself:

- pip's console script (`planlint`, what `hooks install` writes into an agent's configuration) runs
  `import re` and one `re.sub` before `planlint.cli.main` (pip's script template);
- the hook also reads its event and writes its answer with `json` (planlint/hooks/contract.py);
- `check` also imports msgspec the way the command line does (`planlint.msgspec_lean`: without
  typing_extensions) and argparse (planlint/cli_parser.py).

The commands run interleaved, one fresh process each per round (bare, the floors, the hook, the check),
so that a busy minute weighs on all of them alike; each row is the median of its rounds. "x the target"
is a floor's time over bare start divided by the target it is a floor of: above 1, that target cannot be
met while those libraries are imported. "planlint's own" is the command's median over its floor's.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workloads import Sample, measure_once, planlint_cmd

CONSOLE_SCRIPT = "import re, sys\nre.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
HOOK_LIBRARIES = CONSOLE_SCRIPT + "import json\n"
CHECK_LIBRARIES = (
    CONSOLE_SCRIPT + "from planlint.msgspec_lean import import_msgspec\nimport_msgspec()\nimport argparse\n"
)


def measure_interleaved(
    commands: dict[str, tuple[Sequence[str], Path | None]], runs: int
) -> dict[str, Sample]:
    """Each command (argv, stdin file) once per round, `runs` rounds; the median of each."""
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (cmd, stdin) in commands.items():
            samples[name].append(measure_once(cmd, stdin))
    return {
        name: Sample(
            wall_s=statistics.median(w for w, _ in got),
            rss_bytes=int(statistics.median(r for _, r in got)),
            runs=runs,
        )
        for name, got in samples.items()
    }


def bench_floors(
    runs: int,
    plan: Path,
    event: Path,
    *,
    hook_target_s: float,
    check_target_s: float,
    row: Callable[..., Any],
) -> list[Any]:
    """Rows for bare start, the three floors, `hook claude` (the `event` on stdin) and `check` of `plan`."""
    python = sys.executable
    commands: dict[str, tuple[Sequence[str], Path | None]] = {
        "bare": ([python, "-c", "pass"], None),
        "script": ([python, "-c", CONSOLE_SCRIPT], None),
        "hook libraries": ([python, "-c", HOOK_LIBRARIES], None),
        "check libraries": ([python, "-c", CHECK_LIBRARIES], None),
        "hook": ([*planlint_cmd(), "hook", "claude"], event),
        "check": ([*planlint_cmd(), "check", str(plan), "--format", "text"], None),
    }
    print(f"measuring bare start, the floors, hook and check interleaved x{runs} ...", file=sys.stderr)
    got = measure_interleaved(commands, runs)
    bare = got["bare"].wall_s

    def over(name: str) -> float:
        return got[name].wall_s - bare

    rows = [row("interleaved: bare `python -c pass`", got["bare"], {}, "-", True)]
    for name, label, target in (
        ("script", "floor: console script (import re)", hook_target_s),
        ("hook libraries", "floor: hook libraries (re, json)", hook_target_s),
        ("check libraries", "floor: check (re, msgspec, argparse)", check_target_s),
    ):
        ratios = {"+s over bare": over(name), "x the target": over(name) / target}
        rows.append(row(label, got[name], ratios, f"a floor of +{target} s", True))
    for name, label, floor, target in (
        ("hook", "interleaved: hook claude, one call", "hook libraries", hook_target_s),
        ("check", "interleaved: check 50-change plan", "check libraries", check_target_s),
    ):
        ratios = {"+s over bare": over(name), "+s planlint's own": got[name].wall_s - got[floor].wall_s}
        rows.append(row(label, got[name], ratios, f"<= +{target} s", over(name) <= target))
    return rows
