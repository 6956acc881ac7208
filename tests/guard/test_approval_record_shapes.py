"""A malformed approval record is refused with a reason naming the file, before anything trusts it (real
ssh-keygen keys; fixtures from test_guard_approvals). Each case starts from a record that verifies, so the
refusal is caused by the one field changed."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from guard.test_guard_approvals import DIGEST, _elsewhere, _expected, _record, _signed, trust
from planlint.approvals.policy import load_policy
from planlint.approvals.record import iso, write_approval
from planlint.approvals.verify import check_approval
from planlint.errors import GateError

__all__ = ["_elsewhere", "trust"]  # fixtures used by name below

Edit = Callable[[dict[str, Any]], object]


def _edited(trust: dict[str, Path], edit: Edit) -> Path:
    path = _signed(trust, _record())
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))
    return path


def _set(field: str, value: object) -> Edit:
    return lambda d: d["planlint_approval"].__setitem__(field, value)


def _drop(field: str) -> Edit:
    return lambda d: d["planlint_approval"].pop(field)


def test_the_unedited_record_verifies(trust: dict[str, Path]) -> None:
    # the control: every refusal below comes from its one edit
    path = _edited(trust, lambda d: None)
    assert check_approval(path, _expected(), load_policy(str(trust["dir"]))).approver == "alice"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (_set("extra", "x"), r"fields wrong: unknown \['extra'\], missing \[\]"),
        (_drop("nonce"), r"fields wrong: unknown \[\], missing \['nonce'\]"),
        (_set("version", 2), "approval record version 2 is not 1"),
        (_set("approver", 7), "fields must be strings"),
        (_set("plan_sha256", 7), "fields must be strings"),
        (_set("nonce", "0123456789ABCDEF0123456789ABCDEF"), "32 lowercase hex digits"),
        (_set("nonce", "0123456789abcdef"), "32 lowercase hex digits"),
        (lambda d: d.__setitem__("signature", 7), "signature must be a string"),
        (lambda d: d.__setitem__("signature", ""), "the record is unsigned"),
        (lambda d: d.__setitem__("planlint_approval", ["not", "an", "object"]), "no `planlint_approval`"),
    ],
)
def test_malformed_record_is_refused_with_its_reason(trust: dict[str, Path], edit: Edit, reason: str) -> None:
    path = _edited(trust, edit)
    with pytest.raises(GateError, match=reason) as info:
        check_approval(path, _expected(), load_policy(str(trust["dir"])))
    assert info.value.origin == str(path)


def test_record_without_plan_binding_field_is_accepted(trust: dict[str, Path]) -> None:
    # plan_sha256 is the one optional field; absent, it reads as None, which is what the signature covered
    path = _edited(trust, _drop("plan_sha256"))
    assert check_approval(path, _expected(), load_policy(str(trust["dir"]))).plan_sha256 is None


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("[1, 2]", "not a planlint approval record"),
        ('"text"', "not a planlint approval record"),
        ("{not json", "cannot read the approval record"),
    ],
)
def test_a_file_that_is_not_a_record_is_refused(trust: dict[str, Path], document: str, reason: str) -> None:
    path = trust["tmp"] / "bad.json"
    path.write_text(document)
    with pytest.raises(GateError, match=reason):
        check_approval(path, _expected(), load_policy(str(trust["dir"])))


@pytest.mark.parametrize(
    ("issued_at", "reason"),
    [("yesterday", "'yesterday' is not ISO 8601"), ("2026-11-30T12:00:00", "has no time zone")],
)
def test_signed_record_with_unreadable_times_is_refused(
    trust: dict[str, Path], issued_at: str, reason: str
) -> None:
    path = _signed(trust, _record(issued_at=issued_at))
    with pytest.raises(GateError, match=reason):
        check_approval(path, _expected(), load_policy(str(trust["dir"])))


def test_an_approval_signed_by_hand_over_the_documented_bytes_verifies(trust: dict[str, Path]) -> None:
    # docs/agents.md: the signature covers the record's sorted-key compact JSON (UTF-8). An approver signing
    # those bytes with plain `ssh-keygen -Y sign` (no planlint) must get a record guard accepts; the bytes are
    # written out here by hand, not by planlint's own encoder.
    now = datetime.now(timezone.utc)
    issued, expires = iso(now), iso(now + timedelta(minutes=30))
    scope = "terraform:dir=envs/prod-été;workspace=default"
    nonce = "0123456789abcdef0123456789abcdef"
    text = (
        f'{{"approver":"alice","digest":"{DIGEST}","expires_at":"{expires}","issued_at":"{issued}",'
        f'"nonce":"{nonce}","plan_sha256":null,"requester":"bob","scope":"{scope}","version":1}}'
    )
    message = trust["tmp"] / "message"
    message.write_bytes(text.encode("utf-8"))
    ssh_keygen = ["ssh-keygen", "-q", "-Y", "sign", "-f", str(trust["alice"]), "-n", "planlint-approval"]
    subprocess.run([*ssh_keygen, str(message)], check=True, capture_output=True)
    path = trust["tmp"] / "by-hand.json"
    document = {
        "planlint_approval": json.loads(text),
        "signature": (trust["tmp"] / "message.sig").read_text(),
    }
    path.write_text(json.dumps(document))
    policy = load_policy(str(trust["dir"]))
    assert check_approval(path, _expected(scope=scope), policy).scope == scope


def test_the_record_file_is_written_the_same_way_every_time(tmp_path: Path) -> None:
    # Records are read by people (pasted in a ticket, committed next to a change): keys sorted, two-space
    # indentation, a final newline, so two records differ in their lines only where their fields differ.
    record = _record(issued_at="2026-11-30T12:00:00Z", expires_at="2026-11-30T13:00:00Z")
    path = tmp_path / "r.json"
    write_approval(path, record, "SIG")
    assert path.read_text(encoding="utf-8") == (
        "{\n"
        '  "planlint_approval": {\n'
        '    "approver": "alice",\n'
        f'    "digest": "{DIGEST}",\n'
        '    "expires_at": "2026-11-30T13:00:00Z",\n'
        '    "issued_at": "2026-11-30T12:00:00Z",\n'
        '    "nonce": "0123456789abcdef0123456789abcdef",\n'
        '    "plan_sha256": null,\n'
        '    "requester": "bob",\n'
        '    "scope": "terraform:dir=envs/prod;workspace=default",\n'
        '    "version": 1\n'
        "  },\n"
        '  "signature": "SIG"\n'
        "}\n"
    )
