"""One run's job, in a worker process: `running` update, fetch the plan JSON, judge it, report it once.

Worker processes keep the server's event loop free (its answers to the platform never wait behind a
plan being decoded or a callback being sent: all of that holds the GIL of its own process) and hold
the plans, so the server's memory stays the size of its requests. A job always returns a callback
document: any PlanlintError becomes `failed` with its reason here; the server turns timeouts and
crashes into `failed` too, and retries a delivery that failed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planlint.errors import InputError, PlanlintError
from planlint.serve.callback import Delivery
from planlint.serve.payload import PLAN_STAGES, RunTaskRequest
from planlint.serve.settings import ServerSettings

WORKER_NICENESS = 5
if TYPE_CHECKING:
    import httpx

_STATE: dict[str, ServerSettings] = {}  # set once per worker process by `init`


@dataclass(frozen=True, slots=True)
class JobResult:
    """What the server sends and logs: the callback document, its status and the digest judged."""

    status: str
    document: dict[str, Any]
    digest: str | None = None
    delivery: Delivery | None = None  # the worker's own attempt; None: not attempted


def init(settings: ServerSettings) -> None:
    """Process-pool initializer: the settings, once per worker, and a lower CPU priority, so that on a
    busy machine the server's answers to the platform come before the judgements behind them."""
    _STATE["settings"] = settings
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICENESS)


def run_job(payload: RunTaskRequest) -> JobResult:
    """Fetch, judge and report one run under the settings given to `init`."""
    return judge_request(payload, _STATE["settings"])


def judge_request(payload: RunTaskRequest, settings: ServerSettings) -> JobResult:
    """The whole job for one request; never raises a PlanlintError (it becomes a `failed` result)."""
    import httpx

    from planlint.serve.callback import deliver_once
    from planlint.serve.result import task_result

    url, token = payload.task_result_callback_url, payload.access_token
    with httpx.Client(max_redirects=5, trust_env=False) as client:
        # Progress, once: a lost `running` update costs nothing but the line on the run page.
        running = task_result("running", "planlint is judging the plan", settings.details_url)
        deliver_once(client, url, token, running, timeout=5.0)
        result = _judged(client, payload, settings)
        delivery = deliver_once(client, url, token, result.document, timeout=30.0)
    return JobResult(result.status, result.document, result.digest, delivery)


def _judged(client: httpx.Client, payload: RunTaskRequest, settings: ServerSettings) -> JobResult:
    from planlint.serve.fetch import fetch_plan
    from planlint.serve.result import failed_result, judged_message, judged_outcomes, task_result
    from planlint.serve.verdict import judge_run

    try:
        if payload.stage not in PLAN_STAGES or not payload.plan_json_api_url:
            raise InputError(
                f"stage {payload.stage} carries no plan; attach planlint to post_plan or pre_apply",
                "run task request",
            )
        data = fetch_plan(
            client,
            payload.plan_json_api_url,
            payload.access_token,
            max_bytes=settings.limits.plan_bytes,
            timeout=settings.limits.fetch_seconds,
        )
        judgement = judge_run(data, payload, settings)
    except PlanlintError as exc:
        return JobResult("failed", failed_result(str(exc), settings.details_url))
    approval = judgement.approval
    link = (approval.pull_request_url if approval else None) or settings.details_url
    document = task_result(
        judgement.status,
        judged_message(judgement.verdict, approval, payload),
        link,
        judged_outcomes(judgement.verdict, approval, payload),
    )
    return JobResult(judgement.status, document, judgement.verdict.destructive_digest)
