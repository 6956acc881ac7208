"""`json.loads` and `json.dumps` for the hook's path, without importing the `json` package (issue 13).

An agent runs `planlint hook AGENT` before every tool call. Importing `json` costs such a call ~4 ms of
CPU: four modules and the six regular expressions they compile at import (`json.decoder`,
`json.scanner`, `json.encoder`), none of which decoding needs. `json.loads` itself decodes with the C
scanner of the `_json` accelerator (CPython `Lib/json/scanner.py` `c_make_scanner`), built from a
`JSONDecoder()`'s settings; `loads` here builds the same scanner from the same settings and skips the
same whitespace (`[ \\t\\n\\r]*`, `Lib/json/decoder.py` `WHITESPACE`) around the value, so a document
decodes to the same objects. Anything it does not decode (invalid JSON, a BOM, extra data, a missing
accelerator) goes to `json.loads` itself, which raises its own error with its own message: the hook's
refusals read the same either way (tests/test_json_lean.py compares both, in this process and in a fresh
interpreter that has not imported `json`).

`dumps` is `json.dumps`, imported on first use: only a refusal writes JSON.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_WHITESPACE = " \t\n\r"  # json.decoder.WHITESPACE


class _DecoderSettings:
    """What `_json.make_scanner` reads from `json.JSONDecoder()` (Modules/_json.c `scanner_new`)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    # json.decoder._CONSTANTS: the non-standard NaN and Infinity literals json accepts by default
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def _scanner() -> Callable[[str, int], tuple[Any, int]] | None:
    try:
        from _json import make_scanner
    except ImportError:  # an interpreter without the accelerator: json.loads decodes
        return None
    # typeshed types the argument as a scanner; Modules/_json.c reads the six attributes above from any object
    scan: Callable[[str, int], tuple[Any, int]] = make_scanner(_DecoderSettings())  # type: ignore[arg-type]
    return scan


_scan = _scanner()


def loads(text: str) -> Any:
    """`json.loads(text)` for a str: the same value, or the same `json.JSONDecodeError` (a ValueError)."""
    if _scan is not None and not text.startswith("\ufeff"):
        start = len(text) - len(text.lstrip(_WHITESPACE))
        try:
            value, end = _scan(text, start)
        # json.loads words the error. The scanner raises json.decoder.JSONDecodeError only when that module
        # is loaded (CPython 3.11 Modules/_json.c `raise_errmsg` looks it up in sys.modules, and without it
        # returns NULL with no exception set: SystemError); with it unloaded, the hook's path, that is
        # how an invalid document ends here.
        except (StopIteration, ValueError, SystemError):
            pass
        else:
            if not text[end:].strip(_WHITESPACE):
                return value
    import json

    return json.loads(text)


def dumps(value: Any) -> str:
    """`json.dumps(value)` with its defaults; `json` is imported on first use."""
    import json

    return json.dumps(value)
