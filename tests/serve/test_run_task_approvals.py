"""Signed approval records (`planlint approve`, real ssh-keygen ed25519 keys) unblock exactly one digest in
exactly one workspace, for a requester who is not the approver."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from planlint.approvals import sshsig
from planlint.approvals.record import ApprovalRecord, canonical_bytes, iso, write_approval
from planlint.pipeline import run_check
from planlint.serve.settings import RecordApprovals
from serve.conftest import Server
from serve.fake_platform import Callback, FakePlatform, run_task

DESTROY = "snyk-cli/tf-plan-destroy.json"


@pytest.fixture
def signers(tmp_path: Path) -> dict[str, Path]:
    keys = tmp_path / "keys"
    keys.mkdir()
    found: dict[str, Path] = {}
    lines = []
    for name in ("alice", "bob"):
        key = keys / f"id_{name}"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
        )
        lines.append(f'{name} namespaces="planlint-approval" {key.with_suffix(".pub").read_text().strip()}')
        found[name] = key
    (tmp_path / "allowed_signers").write_text("\n".join(lines) + "\n")
    (tmp_path / "approvals").mkdir()
    return found


def _approve(
    tmp_path: Path, key: Path, digest: str, scope: str, approver: str, requester: str = "bob"
) -> None:
    now = datetime.now(timezone.utc)
    record = ApprovalRecord(
        digest=digest,
        scope=scope,
        approver=approver,
        requester=requester,
        issued_at=iso(now),
        expires_at=iso(now + timedelta(hours=1)),
        nonce=f"{abs(hash((digest, scope, approver))):032x}"[-32:],
    )
    write_approval(
        tmp_path / "approvals" / f"{approver}-{scope[-4:]}.json",
        record,
        sshsig.sign(canonical_bytes(record), key),
    )


def _judged(platform: FakePlatform, serve: Callable[..., Server], tmp_path: Path, plan: Path) -> Callback:
    server = serve(records=RecordApprovals(tmp_path / "allowed_signers", tmp_path / "approvals"))
    return run_task(platform, server.url + "/run-task", plan.read_bytes())


def test_signed_record_for_this_digest_and_workspace_passes(
    platform: FakePlatform,
    serve: Callable[..., Server],
    signers: dict[str, Path],
    tmp_path: Path,
    corpus: Path,
) -> None:
    plan = corpus / "terraform" / DESTROY
    digest = run_check([str(plan)]).destructive_digest
    _approve(tmp_path, signers["alice"], digest, "hcp-terraform:acme/prod", "alice")
    final = _judged(platform, serve, tmp_path, plan)
    assert final.status == "passed", final.attributes["message"]
    assert "approved by alice" in final.attributes["message"]
    assert all(o["tags"]["Status"] == [{"label": "Approved", "level": "info"}] for o in final.outcomes)
    assert final.outcomes  # the approved changes are still listed


@pytest.mark.parametrize(
    ("scope", "approver", "why"),
    [
        ("hcp-terraform:acme/staging", "alice", "it is for scope 'hcp-terraform:acme/staging'"),
        ("hcp-terraform:acme/prod", "bob", "cannot approve their own request"),
    ],
)
def test_signed_record_elsewhere_or_by_the_requester_fails(
    platform: FakePlatform,
    serve: Callable[..., Server],
    signers: dict[str, Path],
    tmp_path: Path,
    corpus: Path,
    scope: str,
    approver: str,
    why: str,
) -> None:
    plan = corpus / "terraform" / DESTROY
    digest = run_check([str(plan)]).destructive_digest
    _approve(tmp_path, signers[approver], digest, scope, approver)
    final = _judged(platform, serve, tmp_path, plan)
    assert final.status == "failed"
    assert why in final.outcomes[0]["body"]


def test_record_for_another_digest_does_not_count(
    platform: FakePlatform,
    serve: Callable[..., Server],
    signers: dict[str, Path],
    tmp_path: Path,
    corpus: Path,
) -> None:
    _approve(tmp_path, signers["alice"], "pl1:" + "ab" * 32, "hcp-terraform:acme/prod", "alice")
    final = _judged(platform, serve, tmp_path, corpus / "terraform" / DESTROY)
    assert final.status == "failed"
    assert "none for digest pl1:" in final.outcomes[0]["body"]
