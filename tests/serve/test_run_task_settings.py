"""Settings come from a file and the environment, never the request; bad settings stop the start with one line.
The CLI starts a real server process that answers /healthz and logs JSON lines."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from planlint.cli import main
from planlint.errors import ConfigError
from planlint.serve.settings import GITHUB_TOKEN_ENV, HMAC_KEY_ENV, load_settings


def test_key_from_environment_and_file(tmp_path: Path) -> None:
    settings_file = tmp_path / "run-task.yml"
    settings_file.write_text("path: /hook\nlimits: {workers: 3}\n")
    settings = load_settings(settings_file, env={HMAC_KEY_ENV: "from-env"})
    assert settings.hmac_key == b"from-env"
    assert settings.path == "/hook"
    assert settings.limits.workers == 3
    (tmp_path / "key").write_text("from-file\n")
    settings_file.write_text("hmac_key_file: key\n")
    assert load_settings(settings_file, env={HMAC_KEY_ENV: "ignored"}).hmac_key == b"from-file"
    assert "from-file" not in repr(load_settings(settings_file, env={}))


def test_no_key_refuses_to_start_unless_unsigned_is_chosen(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=HMAC_KEY_ENV):
        load_settings(None, env={})
    settings_file = tmp_path / "run-task.yml"
    settings_file.write_text("allow_unsigned: true\n")
    assert load_settings(settings_file, env={}).hmac_key is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hmac_key: inline-secret\n", "Additional properties are not allowed"),
        ("limits: {plan_bytes: 10}\n", "limits/plan_bytes"),
        ("github: {gate_login: planlint-bot}\n", GITHUB_TOKEN_ENV),
        ("- a list\n", "expected a mapping"),
        ("policy: missing.yml\n", "missing.yml"),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    settings_file = tmp_path / "run-task.yml"
    settings_file.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(settings_file, env={HMAC_KEY_ENV: "k"})


def test_cli_refuses_to_start_without_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(HMAC_KEY_ENV, raising=False)
    monkeypatch.delenv("PLANLINT_RUN_TASK_CONFIG", raising=False)
    assert main(["serve", "run-task", "--port", "1"]) == 2
    assert HMAC_KEY_ENV in capsys.readouterr().err


def test_cli_serves_healthz_and_logs_json(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, HMAC_KEY_ENV: "synthetic-key"}
    process = subprocess.Popen(
        [sys.executable, "-m", "planlint", "serve", "run-task", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert response.json() == {"status": "ok", "jobs": 0}
        refused = httpx.post(f"http://127.0.0.1:{port}/", content=b"{}")
        assert refused.status_code == 401
    finally:
        process.terminate()
        _, err = process.communicate(timeout=40)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    events = [line["event"] for line in lines]
    assert "started" in events
    assert "refused" in events
    assert "synthetic-key" not in err


def test_the_example_settings_load(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "run-task" / "run-task.yml"
    (tmp_path / "hmac").write_text("k\n")
    (tmp_path / "gh").write_text("t\n")
    text = example.read_text().replace("/run/secrets/planlint_hmac_key", str(tmp_path / "hmac"))
    text = text.replace("/run/secrets/planlint_github_token", str(tmp_path / "gh"))
    (tmp_path / "run-task.yml").write_text(text)
    settings = load_settings(tmp_path / "run-task.yml", env={})
    assert settings.platform_url == "https://app.terraform.io"
    assert settings.github is not None and settings.github.token == "t"
    assert settings.limits.workers == 2
