"""Read one input (file or stdin) into UTF-8 bytes, whatever encoding or container it arrived in."""

from __future__ import annotations

import codecs
import os
import re
import sys
from typing import TYPE_CHECKING

import msgspec

from planlint.errors import InputError
from planlint.sha256 import sha256_hex

if TYPE_CHECKING:
    import threading

ZIP_MAGIC = b"PK\x03\x04"
# What hashicorp/setup-terraform's wrapper prints around the real output when terraform_wrapper is on.
WRAPPER_MARKERS = (b"[command]", b"terraform-bin", b"::debug::", b"stdout: ")
RENDER_TIMEOUT_S = 300
# Inputs from this size on are hashed on a second thread while the loader decodes them: hashlib releases
# the GIL for buffers over 2 KiB, so on a machine with two cores the digest costs no wall time.
HASH_IN_BACKGROUND_BYTES = 1 << 22
_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")


class RawInput(msgspec.Struct, frozen=True):
    """An input's bytes as UTF-8 JSON/YAML text, and the sha256 of exactly what was read."""

    origin: str
    data: bytes
    digest: Digest
    rendered_by: str | None = None  # "terraform show -json" when a binary plan was rendered

    @property
    def sha256(self) -> str:
        """Hex sha256 of the bytes as read (before any re-encoding or rendering); waits for the hash."""
        return self.digest.hexdigest()


class Digest:
    """The sha256 of a buffer: computed at once, or for big buffers on a second thread until first asked for."""

    __slots__ = ("_hex", "_thread")

    def __init__(self, data: bytes) -> None:
        self._hex = ""
        self._thread: threading.Thread | None = None
        if len(data) < HASH_IN_BACKGROUND_BYTES:
            self._hex = sha256_hex(data)
            return
        import hashlib
        import threading

        def run() -> None:
            self._hex = hashlib.sha256(data).hexdigest()

        self._thread = threading.Thread(target=run, name="planlint-sha256", daemon=True)
        self._thread.start()

    def hexdigest(self) -> str:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._hex


class ReadAhead:
    """One input file read (and, when big, hashed) on a second thread while the caller does other work:
    `run_check` loads its rules meanwhile. The kernel copies a file into the buffer with the GIL released,
    so with a second core free the read costs no wall time. `read_input` takes the bytes; whatever reading
    raised is raised there, where reading without this would have raised it."""

    __slots__ = ("_error", "_read", "_thread", "origin")

    def __init__(self, origin: str) -> None:
        import threading

        self.origin = origin
        self._read: tuple[bytes, Digest] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="planlint-read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            data = _read_bytes(self.origin)
            self._read = (data, Digest(data))
        except BaseException as exc:  # handed to the thread that asks for the bytes
            self._error = exc

    def result(self) -> tuple[bytes, Digest]:
        """The file's bytes and their digest, once read; raises what reading raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        read, self._read = self._read, None  # taken once: this object does not keep the buffer alive
        if read is None:
            raise RuntimeError(f"{self.origin}: its bytes were already taken")  # a bug, not an input
        return read


def read_ahead(origin: str) -> ReadAhead | None:
    """`origin` being read on a second thread, when it is a file big enough for that to pay (from
    `HASH_IN_BACKGROUND_BYTES` on: copying it takes milliseconds); else None, and it is read when loaded.
    A path that cannot be looked at now is read (and its problem reported) when it is loaded."""
    try:
        big = os.stat(origin).st_size >= HASH_IN_BACKGROUND_BYTES
    except (OSError, ValueError):
        return None
    return ReadAhead(origin) if big else None


def read_input(origin: str, ahead: ReadAhead | None = None) -> RawInput:
    """Read `origin` ("-" = stdin): decode UTF-16/UTF-8 BOMs, render binary plans, refuse the rest.

    The sha256 of a big input is computed on a second thread while the caller decodes `data`. `ahead`:
    this origin's bytes, already being read on a second thread (`ReadAhead(origin)`).
    """
    if ahead is not None and ahead.origin == origin:
        raw, digest = ahead.result()
    else:
        raw = _read_bytes(origin)
        digest = Digest(raw)
    if raw.startswith(ZIP_MAGIC):
        return RawInput(origin, _render_binary_plan(origin), digest, rendered_by="show -json")
    return RawInput(origin, _to_utf8(raw, origin), digest)


def _read_bytes(origin: str) -> bytes:
    if origin == "-":
        if sys.stdin.isatty():
            raise InputError("no input on stdin (pipe `terraform show -json tfplan` into it)", origin="-")
        data = sys.stdin.buffer.read()
    else:
        try:  # not pathlib: see planlint.rules_index
            with open(origin, "rb") as file:
                data = file.read()
        except IsADirectoryError:
            raise InputError("is a directory, expected a plan or change set file", origin) from None
        except FileNotFoundError:
            raise InputError("no such file", origin) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", origin) from None
    if not head(data, 1):
        raise InputError("empty input: expected the JSON of `terraform show -json` or a change set", origin)
    return data


def _to_utf8(raw: bytes, origin: str) -> bytes:
    """UTF-16 with a BOM (PowerShell's `>`) and UTF-8 with a BOM become plain UTF-8."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"starts with a {codec} byte-order mark but is not valid {codec}", origin
                ) from None
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :]
    return raw


def _render_binary_plan(origin: str) -> bytes:
    """A saved plan file (a zip) is rendered by the tool that wrote it, or we say what to run."""
    import shutil
    import subprocess

    if origin == "-":
        raise InputError("stdin holds a binary plan file; pipe `terraform show -json PLANFILE` instead", "-")
    tool = next((t for t in ("terraform", "tofu") if shutil.which(t)), None)
    if tool is None:
        raise InputError(
            f"is a binary plan file and neither terraform nor tofu is on PATH; render it where the "
            f"workspace is initialised: `terraform show -json {origin} > plan.json`, then run planlint on plan.json",
            origin,
        )
    env = dict(os.environ, TF_IN_AUTOMATION="1")
    try:
        done = subprocess.run(
            [tool, "show", "-json", origin],
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"`{tool} show -json` failed to run: {exc}", origin) from None
    if done.returncode != 0:
        raise InputError(f"`{tool} show -json` exited {done.returncode}: {_tool_error(done.stderr)}", origin)
    return done.stdout


def _tool_error(stderr: bytes) -> str:
    """The line that says what went wrong in Terraform's/OpenTofu's diagnostics (`Error: …`), without
    their colour codes and box drawing (`╷ │ ╵`); else the last line with text."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", stderr.decode(errors="replace"))
    lines = [line.strip().lstrip("╷│╵").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    return next((line for line in lines if line.startswith("Error:")), lines[-1] if lines else "no message")


def looks_like_wrapper_output(data: bytes) -> bool:
    """The wrapper's text comes before the JSON; a marker inside a JSON string value does not count."""
    start = head(data, 256)
    return not start.startswith(b"{") and any(marker in start for marker in WRAPPER_MARKERS)


def head(data: bytes, size: int) -> bytes:
    """The first `size` bytes after leading whitespace, without copying a plan that may be 500 MB."""
    match = _LEADING_SPACE.match(data)
    start = match.end() if match else 0
    return data[start : start + size]
