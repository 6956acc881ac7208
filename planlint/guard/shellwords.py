"""Shell words: tokenising a command line with shlex, splitting it into simple commands, naming programs."""

from __future__ import annotations

import re
import shlex
from pathlib import PurePosixPath

# An IaC tool named anywhere in the text (used to decide whether an opaque construct matters).
IAC_MENTION = re.compile(
    r"(?<![\w.-])(?:terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|cloudformation|aws)(?![a-zA-Z])",
    re.IGNORECASE,
)
_PUNCTUATION = "();<>|&\n"


def mentions_iac(text: str) -> bool:
    return bool(IAC_MENTION.search(text))


def is_dynamic(word: str) -> bool:
    """A word whose value is computed when the shell runs it (`$x`, `${x}`, `$(…)`, backticks)."""
    return "$" in word or "`" in word


def tokenize(text: str) -> list[str]:
    """shlex in POSIX mode with shell punctuation split out; raises ValueError on unbalanced quotes."""
    lexer = shlex.shlex(text.replace("\\\n", " "), posix=True, punctuation_chars=_PUNCTUATION)
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def _is_separator(token: str) -> bool:
    return bool(token) and all(c in _PUNCTUATION for c in token) and not _is_redirect(token)


def _is_redirect(token: str) -> bool:
    return bool(token) and all(c in "<>&" for c in token) and ("<" in token or ">" in token)


def segments(tokens: list[str]) -> list[list[str]]:
    """Split tokens into simple-command word lists, dropping redirections.

    `#` is kept as a word: shlex cannot tell `# comment` from a quoted `"#"`, and treating a quoted `#`
    as a comment would hide the commands after it (`"#"; terraform destroy`). Reading a real comment as
    arguments can only make the hooks stricter.
    """
    segments: list[list[str]] = []
    current: list[str] = []
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        if _is_redirect(token):
            if current and current[-1].isdigit():
                current.pop()  # the fd number in `2>&1`
            skip_next = True
            continue
        if _is_separator(token):
            if current:
                segments.append(current)
            current = []
            continue
        current.append(token)
    if current:
        segments.append(current)
    return segments


def tool_basename(word: str) -> str:
    """`/usr/local/bin/terraform_1.9.8` → `terraform_1.9.8`; image refs lose registry and tag."""
    base = PurePosixPath(word.rstrip("/")).name or word
    if ":" in base:
        base = base.split(":", 1)[0]
    if "@" in base[1:]:
        base = base[: base.index("@", 1)]
    return base
