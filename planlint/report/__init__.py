"""Output formats: one module per format behind one interface, `(verdict) -> str`.

Each wrapper imports its module only when called, so `planlint check --format json` never imports rich.
Reporters format a Verdict; they never analyse it and never read before/after values.
"""

from __future__ import annotations

from collections.abc import Callable

from planlint.errors import ConfigError
from planlint.model import Verdict
from planlint.report.wording import RunContext


def _text(verdict: Verdict) -> str:
    from planlint.report import text

    return text.render(verdict, color=False)


def _json(verdict: Verdict) -> str:
    from planlint.report import json_report

    return json_report.render(verdict)


def _markdown(verdict: Verdict) -> str:
    from planlint.report import markdown

    # inside GitHub Actions: link the CI run and the PR head's files
    return markdown.render(verdict, links=markdown.links_from_environment())


def _sarif(verdict: Verdict) -> str:
    from planlint.report import sarif

    return sarif.render(verdict)


def _github(verdict: Verdict) -> str:
    from planlint.report import github

    return github.render(verdict)


REPORTERS: dict[str, Callable[[Verdict], str]] = {
    "text": _text,
    "json": _json,
    "markdown": _markdown,
    "sarif": _sarif,
    "github": _github,
}


def render(
    fmt: str,
    verdict: Verdict,
    *,
    color: bool = False,
    width: int | None = None,
    context: RunContext = "local",
) -> str:
    """Format `verdict` as `fmt`. `color` and `width` (the terminal's columns; None when stdout is not
    a terminal) and `context` (where planlint runs, for the "Next" steps) apply to the text format only."""
    if fmt == "text":
        from planlint.report import text

        return text.render(verdict, color=color, width=width, context=context)
    reporter = REPORTERS.get(fmt)
    if reporter is None:
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(REPORTERS)}")
    return reporter(verdict)
