"""planlint.sha256 gives hashlib's SHA-256 on both sides of its size threshold (issue 13: start-up)."""

from __future__ import annotations

import hashlib

import pytest

from planlint import sha256


@pytest.mark.parametrize(
    "size",
    [
        0,
        1,
        55,
        56,
        64,
        2047,
        2048,
        65_537,
        sha256.SMALL_BYTES - 1,
        sha256.SMALL_BYTES,
        sha256.SMALL_BYTES + 3,
    ],
)
def test_same_digest_as_hashlib(size: int) -> None:
    data = bytes((i * 131 + size) % 256 for i in range(size))
    assert sha256.sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_small_buffers_use_the_interpreter_s_own_sha256() -> None:
    # CPython builds this module by default; a build without it falls back to hashlib (tested above)
    assert sha256._BUILTIN is not None
    assert sha256._BUILTIN(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_without_the_builtin_module_hashlib_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sha256, "_BUILTIN", None)
    assert sha256.sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
