"""Signed approvals with real `ssh-keygen` ed25519 keys generated here; every refusal has its reason."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from planlint.approvals import sshsig
from planlint.approvals.ledger import consume
from planlint.approvals.policy import load_policy
from planlint.approvals.record import ApprovalRecord, canonical_bytes, iso, write_approval
from planlint.approvals.verify import ApprovalRefused, Expected, check_approval
from planlint.cli import main
from planlint.errors import ConfigError, GateError

DIGEST = "pl1:" + "ab" * 32
OTHER_DIGEST = "pl1:" + "cd" * 32
SCOPE = "terraform:dir=envs/prod;workspace=default"


def _keygen(directory: Path, name: str) -> Path:
    key = directory / f"id_{name}"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a directory of its own: a trust directory inside the current tree is (rightly) refused."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


@pytest.fixture()
def trust(tmp_path: Path) -> dict[str, Path]:
    keys = tmp_path / "keys"
    keys.mkdir()
    alice, bob, mallory = (_keygen(keys, n) for n in ("alice", "bob", "mallory"))
    trust_dir = tmp_path / "trust"
    trust_dir.mkdir(mode=0o700)
    lines = [
        f'{name} namespaces="planlint-approval" {key.with_suffix(".pub").read_text().strip()}'
        for name, key in (("alice", alice), ("bob", bob))
    ]
    (trust_dir / "allowed_signers").write_text("\n".join(lines) + "\n")
    return {"dir": trust_dir, "alice": alice, "bob": bob, "mallory": mallory, "tmp": tmp_path}


def _record(**overrides: object) -> ApprovalRecord:
    now = datetime.now(timezone.utc)
    base = ApprovalRecord(
        digest=DIGEST,
        scope=SCOPE,
        approver="alice",
        requester="bob",
        issued_at=iso(now),
        expires_at=iso(now + timedelta(hours=1)),
        nonce="0123456789abcdef0123456789abcdef",
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def _signed(trust: dict[str, Path], record: ApprovalRecord, key: str = "alice", name: str = "a.json") -> Path:
    path = trust["tmp"] / name
    write_approval(path, record, sshsig.sign(canonical_bytes(record), trust[key]))
    return path


def _expected(**overrides: str) -> Expected:
    return dataclasses.replace(Expected(DIGEST, SCOPE, "bob"), **overrides)  # type: ignore[arg-type]


def _refusal(trust: dict[str, Path], path: Path, expected: Expected | None = None) -> str:
    policy = load_policy(str(trust["dir"]))
    with pytest.raises(ApprovalRefused) as info:
        check_approval(path, expected or _expected(), policy)
    return str(info.value)


def test_valid_approval_verifies_once_then_is_refused_as_reused(trust: dict[str, Path]) -> None:
    policy = load_policy(str(trust["dir"]))
    path = _signed(trust, _record())
    record = check_approval(path, _expected(), policy)
    consume(policy.ledger, record.nonce, "terraform apply")
    assert "already used" in _refusal(trust, path)
    with pytest.raises(GateError, match="already used"):
        consume(policy.ledger, record.nonce, "again")


def test_approve_command_writes_a_record_that_verifies(
    trust: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = trust["tmp"] / "cli.json"
    argv = ["approve", DIGEST, "--scope", SCOPE, "--requester", "bob", "--approver", "alice"]
    assert main([*argv, "--key", str(trust["alice"]), "--expires", "30m", "-o", str(out)]) == 0
    printed, err = capsys.readouterr()  # the success on stdout, one line; stderr stays for errors
    assert re.fullmatch(rf"approval written to {re.escape(str(out))} \(single use, expires \S+\)\n", printed)
    assert err == ""
    document = json.loads(out.read_text())
    assert document["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    record = check_approval(out, _expected(), load_policy(str(trust["dir"])))
    assert record.approver == "alice" and record.requester == "bob"


def test_expired(trust: dict[str, Path]) -> None:
    past = datetime.now(timezone.utc) - timedelta(hours=3)
    path = _signed(trust, _record(issued_at=iso(past), expires_at=iso(past + timedelta(hours=1))))
    assert "expired at" in _refusal(trust, path)


def test_longer_than_policy_allows(trust: dict[str, Path]) -> None:
    now = datetime.now(timezone.utc)
    path = _signed(trust, _record(expires_at=iso(now + timedelta(days=30))))
    assert "longer than the policy allows" in _refusal(trust, path)


def test_other_digest(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record(digest=OTHER_DIGEST))
    assert f"approves digest {OTHER_DIGEST}" in _refusal(trust, path)


def test_other_scope(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record(scope="terraform:dir=envs/staging;workspace=default"))
    assert "it is for scope" in _refusal(trust, path)


def test_self_approval(trust: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = _signed(trust, _record(approver="bob", requester="bob"), key="bob")
    assert "cannot approve their own request" in _refusal(trust, path)
    assert main(["approve", DIGEST, "--scope", SCOPE, "--requester", "bob", "--approver", "bob"]) == 2
    assert "cannot approve their own request" in capsys.readouterr().err


def test_wrong_requester(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record(requester="carol"))
    assert "issued for requester 'carol'" in _refusal(trust, path)


def test_unknown_signer(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record(approver="mallory"), key="mallory")
    assert "unknown signer" in _refusal(trust, path)


def test_signed_by_someone_else_than_named(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record(approver="alice", requester="carol"), key="bob")
    assert "names approver 'alice' but was signed by bob" in _refusal(
        trust, path, _expected(requester="carol")
    )


def test_tampered_record(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record(scope="terraform:dir=envs/staging;workspace=default"))
    document = json.loads(path.read_text())
    document["planlint_approval"]["scope"] = SCOPE  # re-point a staging approval at prod
    path.write_text(json.dumps(document))
    assert "changed after signing" in _refusal(trust, path)


def test_unsigned(trust: dict[str, Path]) -> None:
    path = _signed(trust, _record())
    document = json.loads(path.read_text())
    del document["signature"]
    path.write_text(json.dumps(document))
    assert "unsigned" in _refusal(trust, path)


def test_strict_mode_binds_the_plan_file(trust: dict[str, Path]) -> None:
    (trust["dir"] / "policy.yml").write_text("strict: true\n")
    unbound = _signed(trust, _record(), name="unbound.json")
    assert "does not bind a plan file" in _refusal(trust, unbound, _expected(plan_sha256="11" * 32))
    bound = _signed(trust, _record(plan_sha256="22" * 32), name="bound.json")
    assert "approves plan file sha256" in _refusal(trust, bound, _expected(plan_sha256="11" * 32))
    assert check_approval(bound, _expected(plan_sha256="22" * 32), load_policy(str(trust["dir"])))


def test_ledger_is_consumed_exactly_once_under_concurrency(trust: dict[str, Path]) -> None:
    policy = load_policy(str(trust["dir"]))
    record = _record(nonce="f" * 32)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            consume(policy.ledger, record.nonce, "race")
            outcomes.append("ok")
        except GateError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7


def test_policy_inside_the_working_tree_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    inside = repo / ".planlint-trust"
    inside.mkdir()
    (inside / "allowed_signers").write_text("")
    with pytest.raises(ConfigError, match="inside the working tree"):
        load_policy(str(inside), cwd=repo / "envs")


def test_policy_group_writable_is_refused(trust: dict[str, Path]) -> None:
    (trust["dir"] / "allowed_signers").chmod(0o666)
    with pytest.raises(ConfigError, match="writable"):
        load_policy(str(trust["dir"]))


def test_approve_refuses_bad_input_with_exit_2(
    trust: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["approve", "--scope", SCOPE, "--requester", "bob", "--approver", "alice"]
    assert main([*base[:1], "not-a-digest", *base[1:]]) == 2
    assert "is not a planlint digest" in capsys.readouterr().err
    missing_key = str(trust["tmp"] / "no-such-key")
    assert main([*base[:1], DIGEST, *base[1:], "--key", missing_key, "-o", str(trust["tmp"] / "x.json")]) == 2
    assert "could not sign" in capsys.readouterr().err
    assert not (trust["tmp"] / "x.json").exists()
    assert main([*base[:1], DIGEST, *base[1:], "--expires", "forever"]) == 2
