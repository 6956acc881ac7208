"""SSH signatures through `ssh-keygen -Y` (OpenSSH ≥ 8.2), the same mechanism git uses to sign commits."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from planlint.approvals.record import NAMESPACE
from planlint.errors import GateError


def _ssh_keygen() -> str:
    path = shutil.which("ssh-keygen")
    if path is None:
        raise GateError("ssh-keygen (OpenSSH 8.2 or newer) is not on PATH; signed approvals need it")
    return path


def sign(data: bytes, key_path: Path) -> str:
    """Sign `data` with the private key at `key_path` (a FIDO key asks for a touch); armored signature."""
    with tempfile.TemporaryDirectory(prefix="planlint-sign-") as tmp:
        message = Path(tmp) / "approval"
        message.write_bytes(data)
        # stderr stays on the terminal: a FIDO key's "Confirm user presence" prompt must be seen.
        proc = subprocess.run(
            [_ssh_keygen(), "-Y", "sign", "-f", str(key_path), "-n", NAMESPACE, str(message)],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        signature = message.with_name("approval.sig")
        if proc.returncode != 0 or not signature.exists():
            raise GateError(
                f"ssh-keygen could not sign (exit {proc.returncode}; its message is above)",
                origin=str(key_path),
            )
        return signature.read_text(encoding="ascii")


def verify(data: bytes, signature: str, allowed_signers: Path, principal: str) -> bool:
    """True when `signature` over `data` was made by `principal`'s key in `allowed_signers`."""
    with tempfile.TemporaryDirectory(prefix="planlint-verify-") as tmp:
        sig = Path(tmp) / "approval.sig"
        sig.write_text(signature, encoding="ascii")
        proc = subprocess.run(
            [
                _ssh_keygen(),
                "-Y",
                "verify",
                "-f",
                str(allowed_signers),
                "-I",
                principal,
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            input=data,
            capture_output=True,
            check=False,
        )
        return proc.returncode == 0


def signers(signature: str, allowed_signers: Path) -> list[str]:
    """Principals in `allowed_signers` whose key made `signature` (empty: an unknown key)."""
    with tempfile.TemporaryDirectory(prefix="planlint-verify-") as tmp:
        sig = Path(tmp) / "approval.sig"
        sig.write_text(signature, encoding="ascii")
        proc = subprocess.run(
            [_ssh_keygen(), "-Y", "find-principals", "-f", str(allowed_signers), "-s", str(sig)],
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout.split() if proc.returncode == 0 else []
