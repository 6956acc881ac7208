#!/usr/bin/env python3
"""Load benchmark of `planlint serve run-task` (issue 15): N signed run task requests, C at a time,
each for a 1k-change plan, against the fake HCP Terraform of tests/serve/fake_platform.py, all on
127.0.0.1 and nowhere else.

    python benchmarks/run_task.py                       # 500 requests, 50 at a time, 1k-change plans
    python benchmarks/run_task.py --requests 100 --json
    python benchmarks/run_task.py --workers 2 --timeout 900

Half the runs get a plan that deletes stateful resources (genplan's default destroy fraction: the
expected status is `failed`), half one that deletes nothing (`passed`); the expected status of each
plan is planlint's own judgement of the file, computed here first. Reported: p50/p99 time from
sending a request to its 200 answer and to its final callback, the server process's peak RSS
(ru_maxrss from os.wait4), and that nothing was lost: one accepted final callback per request, each
with the expected status. The server is a child process (`python -m planlint serve run-task`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
GENPLAN = REPO.parent / "shared" / "tools" / "genplan.py"
KEY = b"benchmark-hmac-key"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the fake platform of the run task tests

from serve.fake_platform import FakePlatform, start  # noqa: E402

from planlint.serve.signature import sign  # noqa: E402


def plan_file(changes: int, destroy_fraction: float) -> Path:
    """genplan's plan (seed 1), cached in benchmarks/out/; written to .tmp first, then renamed."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"plan-{changes}-seed1-destroy{destroy_fraction:g}.json"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        subprocess.run(
            [
                sys.executable,
                str(GENPLAN),
                "--resources",
                str(changes),
                "--seed",
                "1",
                "--out",
                str(tmp),
                "--destroy-fraction",
                str(destroy_fraction),
            ],
            check=True,
        )
        tmp.rename(path)
    return path


def expected_status(path: Path) -> str:
    """What the run task must answer for this plan with no approvals configured."""
    from planlint.pipeline import run_check

    decision = run_check([str(path)]).decision
    return "passed" if decision == "pass" else "failed"


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants now (Linux /proc), 0 when it is gone."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        todo.extend(int(c) for c in children)
    return total


class RssSampler(threading.Thread):
    """Samples the server's process tree every 0.1 s; `peak` is the largest sum seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def post(port: int, path: str, body: bytes, signature: str) -> int:
    """One HTTP/1.1 POST on a fresh connection; the status code. A bare asyncio client: httpx's
    connection pool costs more than planlint's handler at 50 requests in flight, and would be measured."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"User-Agent: TFC/1.0 (+https://app.terraform.io; TFC)\r\nX-TFC-Task-Signature: {signature}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


async def send_all(
    requests: list[tuple[str, bytes, str]], port: int, concurrency: int
) -> tuple[dict[str, float], dict[str, float], int]:
    """POST every (task id, body, signature), C at a time; (task id -> send time, -> seconds to 200, non-200s)."""
    sent: dict[str, float] = {}
    answered: dict[str, float] = {}
    refused = 0
    gate = asyncio.Semaphore(concurrency)

    async def one(task_id: str, raw: bytes, signature: str) -> None:
        nonlocal refused
        async with gate:
            sent[task_id] = time.monotonic()
            status = await post(port, "/", raw, signature)
            answered[task_id] = time.monotonic() - sent[task_id]
            if status != 200:
                refused += 1

    await asyncio.gather(*(one(*request) for request in requests))
    return sent, answered, refused


def sender(requests: list[tuple[str, bytes, str]], port: int, concurrency: int, timeout: float) -> Any:
    """The client, in a process of its own: the fake platform's threads (serving 6 MB plans) must not
    slow the clock that measures planlint's answers. CLOCK_MONOTONIC is the same in both processes."""
    return asyncio.run(asyncio.wait_for(send_all(requests, port, concurrency), timeout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--changes", type=int, default=1000, help="resource changes per plan (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="the server's judgement threads (default 2)")
    parser.add_argument("--timeout", type=float, default=900.0, help="give up after this many seconds")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 5000 or not 1 <= args.concurrency <= 200:
        parser.error("--requests 1..5000 and --concurrency 1..200 keep the benchmark bounded")

    plans = [plan_file(args.changes, 0.03), plan_file(args.changes, 0.0)]
    expected = {p: expected_status(p) for p in plans}
    world = FakePlatform()
    servers = start(world)
    want: dict[str, str] = {}
    bodies = [p.read_bytes() for p in plans]
    requests: list[tuple[str, bytes, str]] = []
    for i in range(args.requests):
        path = plans[i % 2]
        plan_id, token = world.add_run(bodies[i % 2])
        task_id = f"taskrs-bench{i:05d}"
        callback = f"{world.url}/api/v2/task-results/{task_id}/callback"
        raw = json.dumps(
            world.payload(plan_id, token, task_result_id=task_id, task_result_callback_url=callback)
        ).encode()
        requests.append((task_id, raw, sign(raw, KEY)))
        want[task_id] = expected[path]

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "run-task.yml"
        config.write_text(
            f"platform_url: {world.url}\nlimits: {{workers: {args.workers}, judge_seconds: {args.timeout}}}\n"
        )
        env = {**os.environ, "PLANLINT_RUN_TASK_HMAC_KEY": KEY.decode()}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planlint",
                "serve",
                "run-task",
                "--config",
                str(config),
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        try:
            _wait_healthy(port, server)
            sampler = RssSampler(server.pid)
            sampler.start()
            started = time.monotonic()
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as client:
                sent, answered, refused = client.submit(
                    sender, requests, port, args.concurrency, args.timeout
                ).result()
            finals = _wait_finals(world, set(want), started + args.timeout)
            elapsed = time.monotonic() - started
            sampler.running = False
        finally:
            server.send_signal(signal.SIGTERM)
            _, _, usage = os.wait4(server.pid, 0)
        for s in servers:
            s.shutdown()

    to_callback = [finals[t].at - sent[t] for t in finals if t in sent]
    wrong = sorted(t for t, cb in finals.items() if cb.status != want[t])
    result: dict[str, Any] = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "changes_per_plan": args.changes,
        "plan_bytes": [p.stat().st_size for p in plans],
        "workers": args.workers,
        "refused": refused,
        "answer_p50_ms": round(percentile(list(answered.values()), 0.50) * 1000, 1),
        "answer_p99_ms": round(percentile(list(answered.values()), 0.99) * 1000, 1),
        "callback_p50_s": round(percentile(to_callback, 0.50), 2) if to_callback else None,
        "callback_p99_s": round(percentile(to_callback, 0.99), 2) if to_callback else None,
        "callbacks": len(finals),
        "lost": args.requests - len(finals),
        "wrong_status": len(wrong),
        # ru_maxrss (KiB on Linux) of the server process, or its largest worker if bigger; and the
        # peak of the whole tree (server + judging processes) sampled every 0.1 s.
        "server_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "tree_peak_rss_mb": round(sampler.peak / 2**20, 1),
        "wall_s": round(elapsed, 1),
        "throughput_per_s": round(len(finals) / elapsed, 1) if elapsed else None,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>20}  {value}")
        print(f"{'mean_callback_s':>20}  {statistics.fmean(to_callback):.2f}" if to_callback else "")
    ok = refused == 0 and result["lost"] == 0 and not wrong
    if not ok:
        print(
            f"run_task benchmark: {refused} refused, {result['lost']} lost, {len(wrong)} wrong",
            file=sys.stderr,
        )
    return 0 if ok else 1


def _wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("run_task benchmark: the server did not start") from None
            time.sleep(0.1)


def _wait_finals(world: FakePlatform, task_ids: set[str], deadline: float) -> dict[str, Any]:
    """task id -> its first accepted passed/failed callback, for every task that got one by `deadline`."""
    with world.lock:
        while True:
            finals = {}
            for cb in world.callbacks:
                if cb.task_id in task_ids and cb.status != "running" and cb.answered == 200:
                    finals.setdefault(cb.task_id, cb)
            left = deadline - time.monotonic()
            if len(finals) == len(task_ids) or left <= 0:
                return finals
            world.lock.wait(min(left, 1.0))


if __name__ == "__main__":
    raise SystemExit(main())
