"""Structured logs: one JSON object per line on stderr, fields named, values never from the plan.

What is logged: run ids, organization/workspace names, stage, status, digest, timings, HTTP status
codes and error classes. What never is: the access token, the plan body or its values, the
temporary plan URL, the HMAC key, the GitHub token.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

LOGGER = "planlint.serve"


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "event": ..., **fields}` per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup(level: str = "info") -> logging.Logger:
    """Route planlint's and uvicorn's loggers to stderr as JSON lines (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in (LOGGER, "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    return logging.getLogger(LOGGER)


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log event `name` with `fields` (plain values only)."""
    logging.getLogger(LOGGER).log(level, name, extra={"fields": fields})
