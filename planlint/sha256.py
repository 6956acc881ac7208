"""SHA-256 hex digests of small buffers without loading OpenSSL (issue 13: a small `check`'s start-up).

`import hashlib` loads OpenSSL's libcrypto (`_hashlib`): ~5 ms of a small check, which hashes a few
kilobytes (its input, the destructive digest, the built-in rule files). CPython's own SHA-256 module
(`_sha256`; `_sha2` from 3.12) loads in a fraction of that and gives the same digest (FIPS 180-4); it is
slower per byte, so buffers from `SMALL_BYTES` on, and interpreters built without it, use hashlib.
"""

from __future__ import annotations

from collections.abc import Callable

SMALL_BYTES = 1 << 20


def _builtin() -> Callable[[bytes], str] | None:
    for name in ("_sha2", "_sha256"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        constructor = module.sha256
        return lambda data: str(constructor(data).hexdigest())
    return None


_BUILTIN = _builtin()


def sha256_hex(data: bytes) -> str:
    """The hex SHA-256 of `data`, as `hashlib.sha256(data).hexdigest()` gives it."""
    if _BUILTIN is not None and len(data) < SMALL_BYTES:
        return _BUILTIN(data)
    import hashlib

    return hashlib.sha256(data).hexdigest()
