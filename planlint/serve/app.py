"""The run task server: an ASGI app (Starlette) that answers the platform at once and reports later.

POST {settings.path}: bounded body -> HMAC check (before parsing) -> request checks -> 200, and a
background job: `running` callback, fetch the plan JSON, judge it in a worker thread, PATCH
`passed`/`failed` with outcomes. GET /healthz: liveness. The server keeps no state between requests
(every job carries all it needs), so replicas behind a load balancer need nothing shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from planlint.errors import InputError, PlanlintError
from planlint.serve import logs
from planlint.serve.callback import send_result
from planlint.serve.fetch import fetch_plan
from planlint.serve.payload import PLAN_STAGES, RunTaskRequest, parse_request
from planlint.serve.result import error_outcome, judged_message, judged_outcomes, task_result
from planlint.serve.settings import ServerSettings
from planlint.serve.signature import HEADER, verify
from planlint.serve.verdict import RunJudgement, judge_run

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

BODY_SECONDS = 10.0  # a client that trickles its request body is cut off
SHUTDOWN_SECONDS = 30.0


class RunTaskService:
    """Holds what a process shares between jobs: settings, one HTTP client, the judgement threads."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.jobs: set[asyncio.Task[None]] = set()
        self.executor = ThreadPoolExecutor(max_workers=settings.limits.workers, thread_name_prefix="judge")
        # Plans held in memory at once: one being judged per worker and one fetched ahead for each.
        self.in_memory = asyncio.Semaphore(2 * settings.limits.workers)
        self.client: httpx.AsyncClient | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        import httpx

        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(limits=limits, max_redirects=5, trust_env=False) as client:
            self.client = client
            logs.event("started", path=self.settings.path, workers=self.settings.limits.workers)
            yield
            # Jobs in flight get a moment to report; the platform errors the rest after its window.
            if self.jobs:
                _, pending = await asyncio.wait(self.jobs, timeout=SHUTDOWN_SECONDS)
                for job in pending:
                    job.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def healthz(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        return JSONResponse({"status": "ok", "jobs": len(self.jobs)})

    async def receive(self, request: Request) -> Response:
        """Answer the platform's POST; never parses a byte before the signature is verified."""
        from starlette.responses import JSONResponse

        received = time.monotonic()
        limit = self.settings.limits.request_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _refuse(413, f"request body over {limit} bytes")
        try:
            body = await asyncio.wait_for(_read_body(request, limit), BODY_SECONDS)
        except asyncio.TimeoutError:
            return _refuse(408, "request body too slow")
        if body is None:
            return _refuse(413, f"request body over {limit} bytes")
        key = self.settings.hmac_key
        if key is not None and not verify(body, request.headers.get(HEADER), key):
            return _refuse(401, "missing or wrong X-TFC-Task-Signature")
        try:
            payload = parse_request(body)
            if not payload.is_verification:
                self._check_urls(payload)
        except InputError as exc:
            return _refuse(400, exc.message)
        if payload.is_verification:
            logs.event("verification", signed=key is not None)
            return JSONResponse({})
        job = asyncio.create_task(self._job(payload, received))
        self.jobs.add(job)
        job.add_done_callback(self.jobs.discard)
        logs.event("accepted", **_run_fields(payload))
        return JSONResponse({}, status_code=200)

    def _check_urls(self, payload: RunTaskRequest) -> None:
        """The run's token goes only to the platform: plan and callback URLs must be under `platform_url`."""
        base = self.settings.platform_url
        if base is None:
            return
        for name in ("task_result_callback_url", "plan_json_api_url"):
            url = getattr(payload, name)
            if url is not None and not (url == base or url.startswith(base + "/")):
                raise InputError(f"{name} is not under the configured platform_url", "run task request")

    async def _job(self, payload: RunTaskRequest, received: float) -> None:
        assert self.client is not None
        limits = self.settings.limits
        url = self.settings.details_url
        # Progress, once: a lost `running` update costs nothing but the line on the run page.
        await send_result(
            self.client,
            payload.task_result_callback_url,
            payload.access_token,
            task_result("running", "planlint is judging the plan", url),
            deadline_seconds=0.0,
        )
        digest = None
        try:
            judgement = await asyncio.wait_for(self._judge(payload), limits.judge_seconds)
            approval = judgement.approval
            digest = judgement.verdict.destructive_digest
            link = (approval.pull_request_url if approval else None) or url
            document = task_result(
                judgement.status,
                judged_message(judgement.verdict, approval, payload),
                link,
                judged_outcomes(judgement.verdict, approval, payload),
            )
        except PlanlintError as exc:
            document = _failed(str(exc), url)
        except asyncio.TimeoutError:
            document = _failed(f"judging the run took over {limits.judge_seconds:g} s", url)
        except (
            Exception
        ) as exc:  # fail closed on anything unforeseen; the class names it, the log keeps no values
            logs.event("internal-error", logging.ERROR, error=exc.__class__.__name__, **_run_fields(payload))
            document = _failed(f"internal error ({exc.__class__.__name__})", url)
        judged = time.monotonic()
        delivery = await send_result(
            self.client,
            payload.task_result_callback_url,
            payload.access_token,
            document,
            deadline_seconds=limits.callback_seconds,
        )
        logs.event(
            "reported" if delivery.delivered else "report-lost",
            logging.INFO if delivery.delivered else logging.ERROR,
            status=document["data"]["attributes"]["status"],
            digest=digest,
            judge_ms=round((judged - received) * 1000),
            total_ms=round((time.monotonic() - received) * 1000),
            attempts=delivery.attempts,
            answer=delivery.last,
            **_run_fields(payload),
        )

    async def _judge(self, payload: RunTaskRequest) -> RunJudgement:
        assert self.client is not None
        if payload.stage not in PLAN_STAGES or not payload.plan_json_api_url:
            raise InputError(
                f"stage {payload.stage} carries no plan; attach planlint to post_plan or pre_apply",
                "run task request",
            )
        async with self.in_memory:
            data = await fetch_plan(
                self.client,
                payload.plan_json_api_url,
                payload.access_token,
                max_bytes=self.settings.limits.plan_bytes,
                timeout=self.settings.limits.fetch_seconds,
            )
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, judge_run, data, payload, self.settings)


def create_app(settings: ServerSettings) -> Starlette:
    """The ASGI application for `settings`."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    service = RunTaskService(settings)
    routes = [
        Route(settings.path, service.receive, methods=["POST"]),
        Route("/healthz", service.healthz, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=service.lifespan)
    app.state.service = service
    return app


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(status: int, reason: str) -> Response:
    from starlette.responses import JSONResponse

    logs.event("refused", logging.WARNING, http_status=status, reason=reason)
    return JSONResponse({"error": reason}, status_code=status)


def _failed(reason: str, url: str | None) -> dict[str, Any]:
    return task_result(
        "failed", f"planlint could not judge the run (fail closed): {reason}", url, [error_outcome(reason)]
    )


def _run_fields(payload: RunTaskRequest) -> dict[str, Any]:
    return {
        "run_id": payload.run_id,
        "organization": payload.organization_name,
        "workspace": payload.workspace_name,
        "stage": payload.stage,
        "enforcement": payload.task_result_enforcement_level,
    }
