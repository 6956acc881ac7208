"""X-TFC-Task-Signature: hex HMAC-SHA512 of the raw request body under the run task's HMAC key.

Source: HCP Terraform docs, "Set up run task integrations" > "Securing your Run Task", and the run
tasks integration API, "Request Headers". Verified before the body is parsed.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "x-tfc-task-signature"


def sign(body: bytes, key: bytes) -> str:
    """The lowercase hex HMAC-SHA512 of `body` (what the platform sends)."""
    return hmac.new(key, body, hashlib.sha512).hexdigest()


def verify(body: bytes, header: str | None, key: bytes) -> bool:
    """Whether `header` is the signature of `body` under `key`, compared in constant time."""
    if not header:
        return False
    presented = header.strip().lower().encode("ascii", "replace")
    return hmac.compare_digest(presented, sign(body, key).encode("ascii"))
