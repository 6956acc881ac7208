"""`planlint approve DIGEST`: a human signs a single-use approval record with their SSH key."""

from __future__ import annotations

import argparse
import os
import re
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

from planlint.errors import ConfigError

HELP = (
    "Sign an approval of one destructive digest (printed by `planlint guard` when it refuses) for one "
    "scope and one requester, valid once and until it expires. Uses `ssh-keygen -Y sign` with your SSH key "
    "(FIDO keys ask for a touch); verification uses the allowed-signers file of the trusted policy."
)
_DURATION = re.compile(r"^(\d+)([mhd])$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "digest", help="the digest to approve (pl1:… for a plan, cmd1:… for an exact command)"
    )
    parser.add_argument(
        "--scope", required=True, help="the scope printed by guard (tool, dir, workspace/stack, repo)"
    )
    parser.add_argument("--requester", required=True, help="who asked (printed by guard); must not be you")
    parser.add_argument(
        "--approver",
        help="your principal in the allowed-signers file (default: $PLANLINT_APPROVER, else your "
        "`git config user.email`, the principal git's own SSH signing uses)",
    )
    parser.add_argument(
        "--key", default=str(Path.home() / ".ssh" / "id_ed25519"), help="SSH private key to sign with"
    )
    parser.add_argument("--expires", default="1h", help="validity: 30m, 2h, 1d (default 1h)")
    parser.add_argument("--plan-sha256", help="strict mode: bind the exact plan file guard printed")
    parser.add_argument("-o", "--output", help="where to write the record (default approval-<digest>.json)")


def default_approver() -> str | None:
    """$PLANLINT_APPROVER, else `git config user.email` (allowed_signers principals are e-mail addresses
    in git's SSH signing), else None. So the command guard prints runs as shown."""
    import subprocess

    if os.environ.get("PLANLINT_APPROVER"):
        return os.environ["PLANLINT_APPROVER"]
    try:
        done = subprocess.run(
            ["git", "config", "--get", "user.email"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise ConfigError(f"--expires {text!r}: use a number and m, h or d (30m, 2h, 1d)")
    amount, unit = int(match.group(1)), match.group(2)
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]


def run(args: argparse.Namespace) -> int:
    from planlint.approvals import sshsig
    from planlint.approvals.record import ApprovalRecord, canonical_bytes, iso, write_approval

    args.approver = args.approver or default_approver()
    if not args.approver:
        raise ConfigError(
            "--approver is required (or set PLANLINT_APPROVER, or `git config user.email`): "
            "your principal in allowed_signers"
        )
    if args.approver == args.requester:
        raise ConfigError(f"{args.approver!r} cannot approve their own request; ask a peer")
    if not re.match(r"^(pl1|cmd1):[0-9a-f]{64}$", args.digest):
        raise ConfigError(f"{args.digest!r} is not a planlint digest (pl1:<sha256> or cmd1:<sha256>)")
    now = datetime.now(timezone.utc)
    record = ApprovalRecord(
        digest=args.digest,
        scope=args.scope,
        approver=args.approver,
        requester=args.requester,
        issued_at=iso(now),
        expires_at=iso(now + _duration(args.expires)),
        nonce=secrets.token_hex(16),
        plan_sha256=args.plan_sha256,
    )
    signature = sshsig.sign(canonical_bytes(record), Path(args.key).expanduser())
    output = Path(args.output or f"approval-{args.digest.split(':', 1)[1][:12]}.json")
    write_approval(output, record, signature)
    print(f"approval written to {output} (single use, expires {record.expires_at})")
    return 0
