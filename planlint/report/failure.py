"""Every output format's error form: what a program reading the report gets when nothing was judged.

The stderr line (`planlint: error: ...`) and exit 2 come from the CLI; these documents go where the
report would have gone (stdout or --output), so a workflow that uploads SARIF, posts the markdown or
parses the JSON sees a failure instead of an empty file or a pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from planlint import __version__
from planlint.errors import ConfigError, GateError, InputError, PlanlintError, RuleError
from planlint.model import ENFORCEMENTS
from planlint.report.next_steps import next_steps
from planlint.report.wording import DECISION_TEXT

ERROR_KINDS: tuple[tuple[type[PlanlintError], str], ...] = (
    (InputError, "input"),
    (ConfigError, "config"),
    (RuleError, "rule"),
    (GateError, "gate"),
)


def error_kind(error: PlanlintError) -> str:
    """'input', 'config', 'rule', 'gate', or 'usage' for anything else (argparse, commands)."""
    return next((kind for cls, kind in ERROR_KINDS if isinstance(error, cls)), "usage")


def error_line(error: PlanlintError) -> str:
    """The one line a person reads: `FILE: problem` (stdin named `<stdin>`)."""
    return str(error)


def json_error(error: PlanlintError) -> dict[str, Any]:
    """The JSON report (planlint/schemas/report.schema.json) for a run that judged nothing."""
    from planlint.decision import exit_code
    from planlint.report.json_report import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "planlint", "version": __version__},
        "decision": "error",
        "exit_code": exit_code("error"),
        "destructive_digest": "",
        "approval_note": None,
        "error": {"kind": error_kind(error), "message": error.message, "origin": error.origin},
        "inputs": [],
        "findings": [],
        "ungated_destroys": [],
        "summary": {
            "findings": 0,
            "gated": 0,
            "waived": 0,
            "by_enforcement": dict.fromkeys(ENFORCEMENTS, 0),
            "destroys": 0,
            "ungated_destroys": 0,
        },
    }


def _json(error: PlanlintError) -> str:
    return json.dumps(json_error(error), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _markdown(error: PlanlintError) -> str:
    from planlint.report.markdown import inline

    return (
        f"## ❌ planlint: {DECISION_TEXT['error']}\n\n"
        f"**Error:** {inline(error_line(error))}\n\n"
        "### What to do next\n\n"
        f"- {_next_step()}\n"
    )


def _sarif(error: PlanlintError) -> str:
    """A SARIF 2.1.0 run with no results whose invocation failed (executionSuccessful: false), so code
    scanning does not read "no results" as "no problems"."""
    from urllib.parse import quote

    from planlint.report.sarif import (
        INFORMATION_URI,
        SARIF_SCHEMA,
        SARIF_VERSION,
        SRCROOT,
        repository_path,
        repository_root,
    )

    notification: dict[str, Any] = {"level": "error", "message": {"text": error_line(error)}}
    path = repository_path(error.origin, repository_root()) if error.origin else None
    if path is not None:
        artifact = {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}
        notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact}}]
    run = {
        "tool": {"driver": {"name": "planlint", "version": __version__, "informationUri": INFORMATION_URI}},
        "invocations": [
            {"executionSuccessful": False, "exitCode": 2, "toolExecutionNotifications": [notification]}
        ],
        "results": [],
        "properties": {"decision": "error", "error_kind": error_kind(error)},
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _github(error: PlanlintError) -> str:
    from planlint.report.github import command

    file = error.origin if error.origin not in (None, "", "-") else None
    return command("error", f"{error_line(error)}\n{_next_step()}", title="planlint: error", file=file) + "\n"


def _next_step() -> str:
    from planlint.model import Verdict

    return next_steps(Verdict(plans=(), findings=(), destructive_digest="", decision="error"))[0]


ERROR_REPORTERS: dict[str, Callable[[PlanlintError], str]] = {
    "json": _json,
    "markdown": _markdown,
    "sarif": _sarif,
    "github": _github,
}


def render_error(fmt: str, error: PlanlintError) -> str:
    """`error` in format `fmt`; text (and any unknown format) has none: the stderr line is the report."""
    reporter = ERROR_REPORTERS.get(fmt)
    return reporter(error) if reporter is not None else ""
