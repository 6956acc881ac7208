"""PATCH the task result to `task_result_callback_url`, retrying within the platform's window.

Source: HCP Terraform "Run tasks integration API", "Run Task Callback": `PATCH :callback_url` with
the run's `access_token` as Bearer token and a JSON:API body; 200 accepted, 401 not authorised,
422 invalid payload. 5xx, 429 and network errors are retried with exponential backoff (1 s, 2 s, 4 s
... at most 30 s apart) until `deadline_seconds`; 4xx answers other than 429 are final.
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

    body = json.dumps(document, ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": JSON_API, "Accept": JSON_API}
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
            last = f"HTTP {response.status_code}"
            if 200 <= response.status_code < 300:
                return Delivery(True, attempts, last)
            if response.status_code not in RETRY_STATUSES:
                return Delivery(False, attempts, last)
        except httpx.HTTPError as exc:
            last = exc.__class__.__name__
        # Full jitter keeps many replicas from retrying in step against a recovering platform.
        pause = min(delay, max_delay) * (0.5 + random.random() / 2)
        if time.monotonic() + pause >= deadline:
            return Delivery(False, attempts, last)
        await asyncio.sleep(pause)
        delay *= 2
