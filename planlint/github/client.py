"""GitHub REST over urllib: Link-header pagination with caps, bounded retries, errors as GateError.

Why urllib and not an HTTP library: the gate makes a few dozen sequential JSON requests per run; the
standard library does that, and one less dependency is one less thing to pin in the action's venv.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

from planlint import __version__
from planlint.errors import GateError

API_VERSION = "2022-11-28"
RETRY_STATUSES = frozenset((500, 502, 503, 504))
MAX_ATTEMPTS = 6
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response; `body` is decoded JSON (None for an empty body)."""

    status: int
    headers: Mapping[str, str]  # lower-cased names
    body: Any
    url: str


def parse_link_header(value: str | None) -> dict[str, str]:
    """`<url>; rel="next", <url>; rel="last"` -> {"next": url, "last": url}."""
    if not value:
        return {}
    return {rel: url for url, rel in _LINK.findall(value)}


class GitHubClient:
    """Authenticated JSON requests against one API root (GITHUB_API_URL)."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        time_budget: float = 120.0,
        max_pages: int = 30,
        timeout: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._origin = _origin_of(self.api_url)
        self._token = token
        self._timeout = timeout
        self._sleep = sleep
        # Seconds this client may spend waiting between retries, over all requests: deterministic,
        # unlike wall time, so a slow machine does not change how often the gate retries.
        self._retry_budget = time_budget
        self.max_pages = max_pages
        self.requests: list[tuple[str, str, int]] = []  # (method, url, status) for the record

    def url_for(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        url = path if path.startswith(("http://", "https://")) else f"{self.api_url}/{path.lstrip('/')}"
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        return url

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        ok: tuple[int, ...] = (200,),
        allow: tuple[int, ...] = (),
    ) -> Response:
        """Send one request, retrying rate limits and 5xx within the time budget.

        A status in `ok` or `allow` is returned; anything else raises GateError naming the endpoint.
        """
        url = self.url_for(path, params)
        if _origin_of(url) != self._origin:
            # The token must never be sent to a host other than the API root, even if a Link says so.
            raise GateError(f"refusing to follow a URL outside {self._origin}: {url}", origin="GitHub API")
        where = f"GitHub API {method} {_display(url)}"
        data = json.dumps(body).encode() if body is not None else None
        last = ""
        for attempt in range(MAX_ATTEMPTS):
            try:
                status, headers, raw = self._send(method, url, data)
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                status, headers, raw, last = 0, {}, b"", f"network error: {reason}"
            self.requests.append((method, url, status))
            if status in ok or status in allow:
                return Response(status, headers, _decode(raw, where), url)
            wait = _retry_wait(status, headers, attempt, time.time())
            if status:
                last = f"HTTP {status}: {_message(raw)}"
            if wait is None:
                raise GateError(last, origin=where)
            if wait > self._retry_budget:
                raise GateError(f"{last}; retrying would exceed the time budget", origin=where)
            self._retry_budget -= wait
            self._sleep(wait)
        raise GateError(f"{last} (gave up after {MAX_ATTEMPTS} attempts)", origin=where)

    def get(
        self, path: str, params: Mapping[str, str | int] | None = None, allow: tuple[int, ...] = ()
    ) -> Response:
        return self.request("GET", path, params=params, allow=allow)

    def paginate(
        self, path: str, params: Mapping[str, str | int] | None = None, *, key: str | None = None
    ) -> list[Any]:
        """Every item of a list endpoint, following `rel="next"` links exactly; fails closed past the page cap.

        `key` names the array inside an object response (e.g. `workflow_runs`).
        """
        url: str | None = self.url_for(path, {"per_page": 100, **(params or {})})
        items: list[Any] = []
        pages = 0
        while url is not None:
            if pages == self.max_pages:
                raise GateError(
                    f"more than {self.max_pages} pages; refusing to decide on a partial list",
                    origin=f"GitHub API GET {_display(self.url_for(path))}",
                )
            response = self.get(url)
            pages += 1
            page = response.body.get(key) if key and isinstance(response.body, dict) else response.body
            if not isinstance(page, list):
                raise GateError("expected a list in the response", origin=f"GitHub API GET {_display(url)}")
            items.extend(page)
            url = parse_link_header(response.headers.get("link")).get("next")
        return items

    def _send(self, method: str, url: str, data: bytes | None) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self._token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"planlint/{__version__}",
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as resp:
                return resp.status, _lower(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, _lower(exc.headers), exc.read()


def _retry_wait(status: int, headers: Mapping[str, str], attempt: int, now: float) -> float | None:
    """Seconds to wait before retrying, or None when the response is final."""
    backoff = float(min(2**attempt, 30))
    if status == 0 or status in RETRY_STATUSES:
        return backoff
    rate_limited = status == 429 or (
        status == 403 and (headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers)
    )
    if not rate_limited:
        return None
    if "retry-after" in headers:
        try:
            return max(0.0, float(headers["retry-after"]))
        except ValueError:
            return backoff
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        try:
            return max(0.0, float(headers["x-ratelimit-reset"]) - now) + 1.0
        except ValueError:
            return backoff
    return max(backoff, 60.0)  # secondary rate limit without a hint: GitHub asks for at least a minute


def _decode(raw: bytes, where: str) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise GateError("response is not JSON", origin=where) from None


def _message(raw: bytes) -> str:
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw[:200].decode("utf-8", "replace").strip() or "(empty body)"
    if isinstance(doc, dict) and isinstance(doc.get("message"), str):
        return str(doc["message"])
    return "(unexpected body)"


def _lower(headers: Message) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _origin_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _display(url: str) -> str:
    return urllib.parse.urlsplit(url).path
