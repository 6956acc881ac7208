"""The urllib GitHub client against recorded octokit responses served on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from planlint.errors import GateError
from planlint.github.client import GitHubClient, parse_link_header


def _fixture(corpus: Path, name: str) -> list[dict]:
    path = corpus / "github-api" / "octokit-fixtures" / f"{name}.normalized-fixture.json"
    return json.loads(path.read_text())


def _replay(httpserver: HTTPServer, records: list[dict]) -> None:
    """Serve recorded responses; Link URLs point at the local server instead of api.github.com."""
    base = httpserver.url_for("/").rstrip("/")

    def handler(request: Request) -> Response:
        for record in records:
            if record["method"].upper() == request.method and record["path"] == request.full_path.rstrip("?"):
                headers = {
                    k: str(v)
                    for k, v in record["headers"].items()
                    if k not in ("content-length", "connection")
                }
                if "link" in headers:
                    headers["link"] = headers["link"].replace("https://api.github.com", base)
                return Response(json.dumps(record["response"]), status=record["status"], headers=headers)
        return Response(json.dumps({"message": "Not Found"}), status=404)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)


def test_pagination_follows_recorded_link_headers_exactly(corpus: Path, httpserver: HTTPServer):
    records = _fixture(corpus, "paginate-issues")
    _replay(httpserver, records)
    client = GitHubClient(httpserver.url_for("/"), "t0ken")
    issues = client.paginate("repos/octokit-fixture-org/paginate-issues/issues", {"per_page": 3})
    expected = [issue["number"] for record in records for issue in record["response"]]
    assert [i["number"] for i in issues] == expected
    # The follow-up pages are /repositories/1000/..., exactly as the Link header says.
    assert [r.full_path for r, _ in httpserver.log][1:] == [
        f"/repositories/1000/issues?per_page=3&page={n}" for n in range(2, 6)
    ]
    assert all(r.headers["Authorization"] == "Bearer t0ken" for r, _ in httpserver.log)
    assert all(r.headers["X-GitHub-Api-Version"] == "2022-11-28" for r, _ in httpserver.log)


def test_page_cap_fails_closed(corpus: Path, httpserver: HTTPServer):
    _replay(httpserver, _fixture(corpus, "paginate-issues"))
    client = GitHubClient(httpserver.url_for("/"), "t", max_pages=3)
    with pytest.raises(GateError, match="more than 3 pages"):
        client.paginate("repos/octokit-fixture-org/paginate-issues/issues", {"per_page": 3})


def test_recorded_422_becomes_a_gate_error_with_githubs_message(corpus: Path, httpserver: HTTPServer):
    _replay(httpserver, _fixture(corpus, "errors"))
    client = GitHubClient(httpserver.url_for("/"), "t")
    with pytest.raises(GateError) as info:
        client.request(
            "POST", "repos/octokit-fixture-org/errors/labels", body={"name": "x", "color": "?"}, ok=(201,)
        )
    assert str(info.value) == (
        "GitHub API POST /repos/octokit-fixture-org/errors/labels: HTTP 422: Validation Failed"
    )


def test_recorded_status_creation_round_trips(corpus: Path, httpserver: HTTPServer):
    records = _fixture(corpus, "create-status")
    _replay(httpserver, records)
    client = GitHubClient(httpserver.url_for("/"), "t")
    response = client.request(
        "POST",
        "repos/octokit-fixture-org/create-status/statuses/0000000000000000000000000000000000000001",
        body={"state": "failure", "context": "example/1"},
        ok=(201,),
    )
    assert response.body["state"] == "failure"
    sent = json.loads(httpserver.log[0][0].get_data())
    assert sent == {"state": "failure", "context": "example/1"}


def test_link_to_another_host_is_refused(httpserver: HTTPServer):
    httpserver.expect_request("/items").respond_with_json(
        [1], headers={"link": '<https://evil.example/items?page=2>; rel="next"'}
    )
    client = GitHubClient(httpserver.url_for("/"), "secret")
    with pytest.raises(GateError, match="refusing to follow a URL outside"):
        client.paginate("items")
    assert len(httpserver.log) == 1  # the token never left for evil.example


def test_rate_limit_beyond_the_time_budget_fails_closed(corpus: Path, httpserver: HTTPServer):
    headers = {
        k: str(v)
        for k, v in _fixture(corpus, "create-status")[0]["headers"].items()
        if k.startswith("x-ratelimit")
    }
    headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999"})
    httpserver.expect_request("/slow").respond_with_json(
        {"message": "API rate limit exceeded"}, status=403, headers=headers
    )
    slept: list[float] = []
    client = GitHubClient(httpserver.url_for("/"), "t", time_budget=60, sleep=slept.append)
    with pytest.raises(GateError, match="exceed the time budget"):
        client.get("slow")
    assert slept == []


def test_forbidden_without_rate_limit_is_final(httpserver: HTTPServer):
    httpserver.expect_request("/nope").respond_with_json(
        {"message": "Resource not accessible by integration"},
        status=403,
        headers={"x-ratelimit-remaining": "4000"},
    )
    client = GitHubClient(httpserver.url_for("/"), "t")
    with pytest.raises(GateError, match="HTTP 403: Resource not accessible by integration"):
        client.get("nope")
    assert len(httpserver.log) == 1


def test_non_json_body_is_an_error(httpserver: HTTPServer):
    httpserver.expect_request("/html").respond_with_data("<html>proxy login</html>", content_type="text/html")
    with pytest.raises(GateError, match="response is not JSON"):
        GitHubClient(httpserver.url_for("/"), "t").get("html")


def test_connection_refused_is_retried_then_fails(unused_port: int):
    slept: list[float] = []
    client = GitHubClient(f"http://127.0.0.1:{unused_port}", "t", time_budget=10, sleep=slept.append)
    with pytest.raises(GateError, match="network error"):
        client.get("anything")
    assert slept[:3] == [1.0, 2.0, 4.0]


def test_parse_link_header():
    value = '<https://a/x?page=2>; rel="next", <https://a/x?page=5>; rel="last"'
    assert parse_link_header(value) == {"next": "https://a/x?page=2", "last": "https://a/x?page=5"}
    assert parse_link_header(None) == {}


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
