"""`planlint serve run-task` against a fake HCP Terraform over real HTTP: registration, signatures,
judgements by stage and enforcement level, approval by signed record, and failing closed on every fetch
problem. Plans are real ones from ../shared/corpus/terraform."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from planlint.serve.settings import Limits
from planlint.serve.signature import sign
from serve.conftest import KEY, Server
from serve.fake_platform import FakePlatform, run_task, send

DESTROY = "snyk-cli/tf-plan-destroy.json"  # 8 deletes, one of them an aws_s3_bucket: gated
NO_CHANGES = "snyk-cli/tf-plan-no-op.json"  # 8 no-ops: nothing to approve


def _run(
    platform: FakePlatform, server: Server, plan: bytes, mode: str = "ok", **fields: Any
) -> tuple[dict[str, Any], httpx.Response]:
    plan_id, token = platform.add_run(plan, mode)
    body = platform.payload(plan_id, token, **fields)
    response = send(server.url + "/run-task", body, KEY)
    return body, response


def test_registration_verification_answers_200_and_reports_nothing(
    platform: FakePlatform, serve: Callable[..., Server]
) -> None:
    server = serve()
    body = platform.payload(None, "test-token")
    response = send(server.url + "/run-task", body, KEY)
    assert response.status_code == 200
    health = httpx.get(server.url + "/healthz").json()
    assert health == {"status": "ok", "jobs": 0}
    assert platform.callbacks == []


@pytest.mark.parametrize(
    ("signature", "why"),
    [(None, "missing"), ("0" * 128, "wrong"), (sign(b"another body", KEY), "for another body")],
)
def test_bad_or_missing_signature_is_refused_before_parsing(
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus_plan: Callable[[str], bytes],
    signature: str | None,
    why: str,
) -> None:
    server = serve()
    plan_id, token = platform.add_run(corpus_plan(DESTROY))
    raw = json.dumps(platform.payload(plan_id, token)).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-TFC-Task-Signature"] = signature
    response = httpx.post(server.url + "/run-task", content=raw, headers=headers)
    assert response.status_code == 401, why
    assert "X-TFC-Task-Signature" in response.json()["error"]
    # A body that is not even JSON gets the same answer: nothing is parsed before the signature.
    garbage = httpx.post(server.url + "/run-task", content=b"{not json", headers=headers)
    assert garbage.status_code == 401
    assert platform.callbacks == []


def test_oversized_request_is_refused(platform: FakePlatform, serve: Callable[..., Server]) -> None:
    server = serve()
    body = platform.payload(None, "tok", run_message="x" * 70_000)
    response = send(server.url + "/run-task", body, KEY)
    assert response.status_code == 413


def test_post_plan_advisory_with_stateful_delete_fails_with_outcomes(
    platform: FakePlatform, serve: Callable[..., Server], corpus_plan: Callable[[str], bytes]
) -> None:
    server = serve()
    body, response = _run(
        platform, server, corpus_plan(DESTROY), stage="post_plan", task_result_enforcement_level="advisory"
    )
    assert response.status_code == 200
    final = platform.final(body["task_result_id"])
    assert final.status == "failed"
    assert "advisory" in final.attributes["message"]
    assert final.authorization == f"Bearer {body['access_token']}"
    assert final.content_type == "application/vnd.api+json"
    calls = platform.for_task(body["task_result_id"])
    assert calls[0].status == "running"  # progress first
    # The run's token went to the platform, never to the object store behind the redirect.
    assert platform.store_saw_authorization == []


def test_pre_apply_mandatory_stateful_delete_lists_outcomes(
    platform: FakePlatform, serve: Callable[..., Server], corpus_plan: Callable[[str], bytes]
) -> None:
    server = serve()
    final = run_task(platform, server.url + "/run-task", corpus_plan(DESTROY))
    assert final.status == "failed"
    assert final.document["data"]["type"] == "task-results"
    outcomes = final.outcomes
    ids = [o["outcome-id"] for o in outcomes]
    assert ids[0] == "planlint-approval"
    approval = outcomes[0]
    assert "planlint approve pl1:" in approval["body"]
    assert "--scope hcp-terraform:acme/prod" in approval["body"]
    assert "--requester bob" in approval["body"]
    gated = [o for o in outcomes if o["outcome-id"].startswith("PL")]
    assert gated, ids
    assert any("aws_s3_bucket" in o["outcome-id"] for o in gated)
    for o in gated:
        assert o["tags"]["Status"] == [{"label": "Approval required", "level": "error"}]
        assert o["tags"]["Severity"][0]["label"] in ("Low", "Medium", "High", "Critical")
        assert o["body"].startswith("### ")


def test_pre_apply_without_changes_passes(
    platform: FakePlatform, serve: Callable[..., Server], corpus_plan: Callable[[str], bytes]
) -> None:
    server = serve()
    final = run_task(platform, server.url + "/run-task", corpus_plan(NO_CHANGES))
    assert final.status == "passed"
    assert final.outcomes == []
    assert "no approval needed" in final.attributes["message"]
    assert final.attributes["url"].endswith("docs/run-task.md")


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("401", "refused the run's access token (HTTP 401)"),
        ("500", "HTTP 500"),
        ("204", "has not finished yet"),
        ("slow", "timed out"),
        ("truncated", "truncated"),
    ],
)
def test_plan_fetch_problems_fail_closed_with_the_reason(
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus_plan: Callable[[str], bytes],
    mode: str,
    reason: str,
) -> None:
    server = serve()
    final = run_task(platform, server.url + "/run-task", corpus_plan(DESTROY), mode)
    assert final.status == "failed"
    assert reason in final.attributes["message"], final.attributes["message"]
    assert final.outcomes[0]["outcome-id"] == "planlint-error"


def test_a_body_that_is_not_a_plan_fails_closed(platform: FakePlatform, serve: Callable[..., Server]) -> None:
    server = serve()
    final = run_task(
        platform, server.url + "/run-task", b'{"format_version": "1.0", "lineage": "x", "serial": 3}'
    )
    assert final.status == "failed"
    assert "state file" in final.attributes["message"]


def test_pre_plan_stage_has_no_plan_and_fails_closed(
    platform: FakePlatform, serve: Callable[..., Server]
) -> None:
    server = serve()
    body = platform.payload(None, "tok-pre-plan", stage="pre_plan")
    assert send(server.url + "/run-task", body, KEY).status_code == 200
    final = platform.final(body["task_result_id"])
    assert final.status == "failed"
    assert "attach planlint to post_plan or pre_apply" in final.attributes["message"]


def test_failing_callback_is_retried_until_accepted(
    platform: FakePlatform, serve: Callable[..., Server], corpus_plan: Callable[[str], bytes]
) -> None:
    server = serve()
    plan_id, token = platform.add_run(corpus_plan(NO_CHANGES))
    body = platform.payload(plan_id, token)
    # The running update (progress, sent once) takes the first 500; the result two more, then is accepted.
    platform.callback_failures[body["task_result_id"]] = 3
    send(server.url + "/run-task", body, KEY)
    final = platform.final(body["task_result_id"])
    assert final.status == "passed"
    answers = [(cb.status, cb.answered) for cb in platform.for_task(body["task_result_id"])]
    assert answers == [("running", 500), ("passed", 500), ("passed", 500), ("passed", 200)]


def test_callback_and_plan_urls_must_be_on_the_platform(
    platform: FakePlatform, serve: Callable[..., Server], corpus_plan: Callable[[str], bytes]
) -> None:
    server = serve()
    plan_id, token = platform.add_run(corpus_plan(DESTROY))
    body = platform.payload(plan_id, token, task_result_callback_url="http://127.0.0.2:9/steal")
    response = send(server.url + "/run-task", body, KEY)
    assert response.status_code == 400
    assert "platform_url" in response.json()["error"]


def test_logs_carry_the_run_but_never_the_token_or_the_plan(
    platform: FakePlatform,
    serve: Callable[..., Server],
    corpus_plan: Callable[[str], bytes],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="planlint.serve")
    server = serve()
    body, _ = _run(platform, server, corpus_plan(DESTROY))
    platform.final(body["task_result_id"])
    deadline = time.monotonic() + 10
    while not any(r.getMessage() == "reported" for r in caplog.records):
        assert time.monotonic() < deadline, "no 'reported' log line"
        time.sleep(0.05)
    logged = json.dumps([[r.getMessage(), getattr(r, "fields", {})] for r in caplog.records])
    assert body["run_id"] in logged and "pl1:" in logged
    assert body["access_token"] not in logged
    assert "json-output" not in logged and "objects/" not in logged
    assert "719261439472" not in logged  # the account id in every ARN of the plan's values
    # ... and neither do the callbacks: outcomes speak of addresses and types, not values.
    assert "719261439472" not in json.dumps([cb.document for cb in platform.callbacks])


def test_a_judgement_over_its_time_limit_fails_closed(
    platform: FakePlatform, serve: Callable[..., Server], corpus_plan: Callable[[str], bytes]
) -> None:
    server = serve(limits=Limits(judge_seconds=0.001, callback_seconds=20.0))
    final = run_task(platform, server.url + "/run-task", corpus_plan(NO_CHANGES))
    assert final.status == "failed"
    assert "judging the run took over 0.001 s" in final.attributes["message"]
