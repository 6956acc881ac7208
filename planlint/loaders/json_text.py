"""Strict JSON text for the loaders that use the standard library's parser (change sets, their contexts).

`json.loads` on bytes decodes with `surrogatepass`, and any JSON text may spell a lone surrogate as an
escape (`"\\ud800"`); either way a string that no output can encode would reach the reporters and crash
them. RFC 8259 §8.2 leaves such strings' behaviour unpredictable; planlint refuses them, as the msgspec
decoder (Terraform plans) already does.
"""

from __future__ import annotations

import json
import re
from typing import Any

from planlint.errors import InputError

# A \uD800-\uDFFF escape: the only way a lone surrogate gets into valid UTF-8 JSON text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads_strict(data: bytes | str, origin: str, what: str = "") -> Any:
    """Parse JSON text (bytes must be UTF-8); InputError naming `origin` for bad UTF-8, bad JSON or a lone
    surrogate. `what` prefixes the message (e.g. "Stack/Bucket: BeforeContext")."""
    prefix = f"{what} " if what else ""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{prefix}not valid UTF-8 at byte {exc.start}", origin) from None
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{prefix}not valid JSON ({exc})", origin) from None
    if _SURROGATE_ESCAPE.search(data):
        try:  # only when an escape could have made one: a whole re-encode is cheap next to the parse
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(
                f"{prefix}holds a lone UTF-16 surrogate (\\u{ord(exc.object[exc.start]):04x})", origin
            ) from None
    return parsed
