"""PATCH the task result to `task_result_callback_url`: once from the worker, then retried from the server.

Source: HCP Terraform "Run tasks integration API", "Run Task Callback": `PATCH :callback_url` with
the run's `access_token` as Bearer token and a JSON:API body; 200 accepted, 401 not authorised,
422 invalid payload. 5xx, 429 and network errors are retried with exponential backoff (1 s, 2 s, 4 s
... at most 30 s apart) until `deadline_seconds`; 4xx answers other than 429 are final. The worker
that judged the run sends it once (`deliver_once`, keeping the server's event loop for answering the
platform); only a delivery that failed and may succeed later is retried by the server (`send_result`).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

JSON_API = "application/vnd.api+json"
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a callback went: delivered or not, after how many attempts, and the last answer."""

    delivered: bool
    attempts: int
    last: str  # "HTTP 200", "HTTP 422", "ConnectError"
    retryable: bool = False  # not delivered, and another attempt may succeed


def _request(token: str, document: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(document, ensure_ascii=False).encode()
    return body, {"Authorization": f"Bearer {token}", "Content-Type": JSON_API, "Accept": JSON_API}


def _answered(status: int, attempts: int) -> Delivery:
    ok = 200 <= status < 300
    return Delivery(ok, attempts, f"HTTP {status}", retryable=not ok and status in RETRY_STATUSES)


def deliver_once(
    client: httpx.Client, url: str, token: str, document: dict[str, Any], *, timeout: float
) -> Delivery:
    """One synchronous PATCH; never raises for HTTP or network trouble."""
    import httpx

    body, headers = _request(token, document)
    try:
        response = client.patch(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return Delivery(False, 1, exc.__class__.__name__, retryable=True)
    return _answered(response.status_code, 1)


async def send_result(
    client: httpx.AsyncClient,
    url: str,
    token: str,
    document: dict[str, Any],
    *,
    deadline_seconds: float,
    first_delay: float = 1.0,
    max_delay: float = 30.0,
) -> Delivery:
    """Deliver `document`; never raises for HTTP or network trouble (the caller logs the Delivery)."""
    import httpx

    body, headers = _request(token, document)
    deadline = time.monotonic() + deadline_seconds
    delay = first_delay
    attempts = 0
    last = "not attempted"
    while True:
        attempts += 1
        remaining = deadline - time.monotonic()
        try:
            response = await client.patch(
                url, content=body, headers=headers, timeout=max(5.0, min(30.0, remaining))
            )
            delivery = _answered(response.status_code, attempts)
            if not delivery.retryable:
                return delivery
            last = delivery.last
        except httpx.HTTPError as exc:
            last = exc.__class__.__name__
        # Full jitter keeps many replicas from retrying in step against a recovering platform.
        pause = min(delay, max_delay) * (0.5 + random.random() / 2)
        if time.monotonic() + pause >= deadline:
            return Delivery(False, attempts, last, retryable=True)
        await asyncio.sleep(pause)
        delay *= 2
