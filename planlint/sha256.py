"""SHA-256 hex digests of small buffers without loading OpenSSL (issue 13: a small `check`'s start-up).

`import hashlib` loads OpenSSL's libcrypto (`_hashlib`): ~5 ms of a small check, which hashes a few
kilobytes (its input, the destructive digest, the built-in rule files). CPython's own SHA-256 module
(`_sha256`; `_sha2` from 3.12) loads in a fraction of that and gives the same digest (FIPS 180-4); it is
slower per byte, so buffers from `SMALL_BYTES` on, and interpreters built without it, use hashlib.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

SMALL_BYTES = 1 << 20


def _builtin() -> Callable[[bytes], str] | None:
    # Named by version: a failed import would search every sys.path entry first.
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256 as constructor
        else:
            from _sha256 import sha256 as constructor  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return lambda data: str(constructor(data).hexdigest())


_BUILTIN = _builtin()


def sha256_hex(data: bytes) -> str:
    """The hex SHA-256 of `data`, as `hashlib.sha256(data).hexdigest()` gives it."""
    if _BUILTIN is not None and len(data) < SMALL_BYTES:
        return _BUILTIN(data)
    import hashlib

    return hashlib.sha256(data).hexdigest()
