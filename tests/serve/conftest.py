"""Fixtures: the fake platform and a real planlint run task server (uvicorn) on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from planlint.serve.app import create_app
from planlint.serve.settings import Limits, ServerSettings
from serve.fake_platform import KEY, FakePlatform, start


@dataclass
class Server:
    url: str
    settings: ServerSettings
    uvicorn: uvicorn.Server


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    world = FakePlatform()
    servers = start(world)
    yield world
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def serve(platform: FakePlatform) -> Iterator[Callable[..., Server]]:
    """Start planlint's server with settings; every server started is stopped at the end."""
    started: list[tuple[uvicorn.Server, threading.Thread]] = []

    def run(**overrides: object) -> Server:
        limits = overrides.pop("limits", Limits(fetch_seconds=2.0, judge_seconds=20.0, callback_seconds=20.0))
        settings = dataclasses.replace(
            ServerSettings(hmac_key=KEY, path="/run-task", platform_url=platform.url, limits=limits),  # type: ignore[arg-type]
            **overrides,
        )
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=0, log_config=None, access_log=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("planlint's server did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        started.append((server, thread))
        return Server(f"http://127.0.0.1:{port}", settings, server)

    yield run
    for server, thread in started:
        server.should_exit = True
        thread.join(timeout=40)


@pytest.fixture
def corpus_plan(corpus: Path) -> Callable[[str], bytes]:
    def read(relative: str) -> bytes:
        return (corpus / "terraform" / relative).read_bytes()

    return read
