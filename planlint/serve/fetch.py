"""Fetch a run's plan JSON: `GET plan_json_api_url` with the run's Bearer token, follow the redirect.

Source: HCP Terraform "Plans API" > "Retrieve the JSON execution plan": 307 to a temporary URL valid
for a minute, 204 while the plan has not finished, 422 for Terraform older than 0.12. The redirect
goes to another host (the object store); httpx drops the Authorization header on a cross-origin
redirect, so the run's token is never sent there. Size and time are bounded; the body is never logged.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from planlint.errors import InputError

if TYPE_CHECKING:
    import httpx

ORIGIN = "plan JSON"
_STATUS_WORDS = {
    204: "the plan has not finished yet (HTTP 204)",
    401: "the platform refused the run's access token (HTTP 401)",
    403: "the run's access token may not read this plan (HTTP 403)",
    404: "the plan was not found (HTTP 404)",
    422: "the platform has no JSON for this plan: Terraform older than 0.12 (HTTP 422)",
}


def fetch_plan(client: httpx.Client, url: str, token: str, *, max_bytes: int, timeout: float) -> bytes:
    """The plan JSON's bytes; InputError with the reason on any status but 200, a body over
    `max_bytes`, a body shorter than its Content-Length, or more than `timeout` seconds in all."""
    import httpx

    deadline = time.monotonic() + timeout
    try:
        with client.stream(
            "GET",
            url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "Accept-Encoding": "identity",
            },
            follow_redirects=True,
            timeout=httpx.Timeout(timeout),
        ) as response:
            if response.status_code != 200:
                words = _STATUS_WORDS.get(response.status_code, f"HTTP {response.status_code}")
                raise InputError(f"cannot fetch the plan: {words}", ORIGIN)
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(f"the plan is {declared} bytes, over the limit of {max_bytes}", ORIGIN)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():  # decoded: the bound is on what is parsed
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"the plan is over the limit of {max_bytes} bytes", ORIGIN)
                if time.monotonic() > deadline:
                    raise InputError(f"fetching the plan took over {timeout:g} s", ORIGIN)
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise InputError(f"fetching the plan timed out after {timeout:g} s", ORIGIN) from None
    except httpx.TooManyRedirects:
        raise InputError("cannot fetch the plan: too many redirects", ORIGIN) from None
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise InputError(f"the plan download broke off ({_kind(exc)}): truncated body", ORIGIN) from None
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch the plan ({_kind(exc)})", ORIGIN) from None
    received = response.num_bytes_downloaded
    if declared is not None and declared.isdigit() and received != int(declared):
        raise InputError(f"truncated body: {received} of {declared} bytes", ORIGIN)
    return b"".join(chunks)


def _kind(exc: Exception) -> str:
    """The error's class and first line, never a URL (the temporary one carries a credential)."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return exc.__class__.__name__ if "://" in text or not text else f"{exc.__class__.__name__}: {text}"
