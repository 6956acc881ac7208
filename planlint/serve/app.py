"""The run task server: an ASGI app (Starlette) that answers the platform at once and reports later.

POST {settings.path}: bounded body -> HMAC check (before parsing) -> request checks -> 200, and a
job for a worker process (`planlint.serve.worker`: `running` update, fetch, judge, PATCH of
`passed`/`failed` with outcomes); the server retries a delivery that failed, and reports `failed`
itself when the job runs out of time or its process dies.
GET /healthz: liveness. The server keeps no state between requests (every job carries all it
needs), so replicas behind a load balancer need nothing shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import multiprocessing
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from planlint.errors import InputError
from planlint.serve import logs, worker
from planlint.serve.callback import send_result
from planlint.serve.payload import RunTaskRequest, parse_request
from planlint.serve.result import failed_result
from planlint.serve.settings import ServerSettings
from planlint.serve.signature import HEADER, verify

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

BODY_SECONDS = 10.0  # a client that trickles its request body is cut off
SHUTDOWN_SECONDS = 30.0


class RunTaskService:
    """What a process shares between jobs: settings, one HTTP client, the pool of judging processes."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.jobs: set[asyncio.Task[None]] = set()
        self.client: httpx.AsyncClient | None = None
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # Spawned, not forked: a fork of a process running an event loop and threads is not safe. The
        # workers get the settings without the HMAC key, which only the front needs.
        return ProcessPoolExecutor(
            max_workers=self.settings.limits.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker.init,
            initargs=(dataclasses.replace(self.settings, hmac_key=None),),
        )

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        import httpx

        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
            self.client = client
            logs.event("started", path=self.settings.path, workers=self.settings.limits.workers)
            yield
            # Jobs in flight get a moment to report; the platform errors the rest after its window.
            if self.jobs:
                _, pending = await asyncio.wait(self.jobs, timeout=SHUTDOWN_SECONDS)
                for job in pending:
                    job.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)

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
        return JSONResponse({})

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
        result = await self._judge(payload)
        judged = time.monotonic()
        first = result.delivery  # the worker's own attempt
        delivery = first
        if delivery is None or delivery.retryable:
            delivery = await send_result(
                self.client,
                payload.task_result_callback_url,
                payload.access_token,
                result.document,
                deadline_seconds=self.settings.limits.callback_seconds,
            )
        attempts = delivery.attempts + (first.attempts if first is not None and first is not delivery else 0)
        logs.event(
            "reported" if delivery.delivered else "report-lost",
            logging.INFO if delivery.delivered else logging.ERROR,
            status=result.status,
            digest=result.digest,
            worker_ms=round((judged - received) * 1000),  # queue, fetch, judgement, first delivery
            total_ms=round((time.monotonic() - received) * 1000),
            attempts=attempts,
            answer=delivery.last,
            **_run_fields(payload),
        )

    async def _judge(self, payload: RunTaskRequest) -> worker.JobResult:
        """The worker's result, or `failed` when it takes too long or the worker dies (fail closed)."""
        limits = self.settings.limits
        url = self.settings.details_url
        loop = asyncio.get_running_loop()
        pool = self.pool
        try:
            future = loop.run_in_executor(pool, worker.run_job, payload)
            return await asyncio.wait_for(future, limits.judge_seconds)
        except asyncio.TimeoutError:
            reason = f"judging the run took over {limits.judge_seconds:g} s"
        except BrokenProcessPool:
            # A worker died (out of memory, killed): later jobs get a fresh pool (once, not per job).
            if self.pool is pool:
                pool.shutdown(wait=False, cancel_futures=False)
                self.pool = self._new_pool()
            reason = "the judging process died (out of memory?)"
        except Exception as exc:  # fail closed on anything unforeseen; the class names it, no values
            reason = f"internal error ({exc.__class__.__name__})"
        logs.event("judge-failed", logging.ERROR, reason=reason, **_run_fields(payload))
        return worker.JobResult("failed", failed_result(reason, url))


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


def _run_fields(payload: RunTaskRequest) -> dict[str, Any]:
    return {
        "run_id": payload.run_id,
        "organization": payload.organization_name,
        "workspace": payload.workspace_name,
        "stage": payload.stage,
        "enforcement": payload.task_result_enforcement_level,
    }
