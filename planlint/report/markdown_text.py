"""Plan-controlled text made inert for GitHub-flavoured markdown (PR comments, step summaries).

Everything a plan can say (addresses, types, paths, notes, messages) goes through `inline`, `cell` or
`code`: no formatting, links, autolinks, HTML or @-mentions can come out of it.
"""

from __future__ import annotations

import re

from planlint.report.wording import escape_bidi

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~|#!])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# GFM's autolink extension links `www.`, `http://`-style schemes and e-mail addresses in plain text;
# a zero-width space inside the trigger keeps the text readable and unlinked.
_AUTOLINK = re.compile(r"(?i)(www)(\.)|([a-z][a-z0-9+.-]*)(:)(//)")
ZWSP = "\u200b"


def inline(text: str) -> str:
    """Plan-controlled text made inert for markdown: no formatting, links, HTML or mentions."""
    escaped = "".join(_HTML.get(ch, ch) for ch in escape_bidi(text))
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    escaped = _AUTOLINK.sub(lambda m: f"{m[1]}{ZWSP}{m[2]}" if m[1] else f"{m[3]}{ZWSP}{m[4]}{m[5]}", escaped)
    # "@name" in a comment notifies that user or team; a zero-width space stops the mention (and e-mail links).
    escaped = escaped.replace("@", f"@{ZWSP}")
    return " ".join(escaped.split())  # newlines would end the table row


def code(text: str, *, in_table: bool = False) -> str:
    """Plan text as an inline code span; use instead of wrapping `inline()` output in backticks.

    Backslash escapes are not processed inside code spans, so the fence is made longer than any
    backtick run in the text. In a table GFM splits cells before it sees code spans, so pipes are
    escaped there (and only there: elsewhere the backslash would be shown).
    """
    text = " ".join(escape_bidi(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if in_table:
        text = text.replace("|", "\\|")
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell(text: str) -> str:
    """Like `inline`, and never empty (an empty cell reads as a rendering bug)."""
    return inline(text) if text.strip() else "–"


def link(label: str, url: str) -> str:
    """A link whose label is plan text (escaped) and whose URL planlint built itself."""
    return f"[{inline(label)}]({url.replace(' ', '%20').replace(')', '%29')})"
