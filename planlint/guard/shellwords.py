"""Shell words as bash reads them: the literal value of a word node, or None when bash computes it.

Word nodes come from tree-sitter's bash grammar (https://github.com/tree-sitter/tree-sitter-bash,
`grammar.js`: `word`, `string`, `raw_string`, `ansi_c_string`, `translated_string`, `concatenation`, ...).
Quoting follows the bash reference manual, section 3.1.2 "Quoting" (escape character, single and double
quotes, ANSI-C quoting) and 3.5 "Shell Expansions" (brace expansion, filename expansion).
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from tree_sitter import Node

# An IaC, cloud, cluster or database tool named anywhere in the text (decides whether an opaque construct
# matters, and whether unreadable hook input fails closed).
# (Compiled on first use, re caches it: a line of plain words is judged without asking.)
_IAC_MENTION = (
    r"(?i)(?<![\w.-])(?:terraform|tofu|opentofu|terragrunt|pulumi|cdk|cdktf|sam|cloudformation|aws|gcloud|gsutil"
    r"|bq|az|kubectl|helm|oc|eksctl|psql|mysql|mariadb|mongosh|mongo|sqlcmd|redis-cli|cqlsh|planlint)"
    r"(?![a-zA-Z])"
)
GLOB_CHARS = frozenset("*?[")
_BRACE = r"\{[^{}]*(?:,|\.\.)[^{}]*\}"  # compiled on first use (re caches it): only words with a `{` need it
_ANSI_SIMPLE = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
    "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip
_ANSI_NUMERIC = (  # compiled on first use by re.match (the hook rarely meets $'…')
    r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|c(.))"
)
_DQ_ESCAPE = r"\\([$`\"\\\n])"  # compiled on first use (re caches it)


def mentions_iac(text: str) -> bool:
    """True when `text` names an infrastructure, cloud, cluster or database tool anywhere."""
    return re.search(_IAC_MENTION, text) is not None


def is_dynamic(word: str) -> bool:
    """A word whose value bash computes when it runs the line (expansions, substitutions, globs, braces).

    Words planlint could not resolve keep their source text, so this looks for what makes them dynamic.
    A literal that merely contains such a character counts too: stricter, never laxer.
    """
    return "$" in word or "`" in word or bool(GLOB_CHARS & set(word)) or _braces(word)


def _braces(text: str) -> bool:
    """A `{a,b}` or `{1..3}` in `text` (bash manual 3.5.1, Brace Expansion)."""
    return "{" in text and re.search(_BRACE, text) is not None


def unreadable_args(text: str) -> bool:
    """True when arguments given as one string (TF_CLI_ARGS*) are computed at run time or cannot be split
    into words (an unclosed quote: Terraform refuses them, and guard cannot tell what would run)."""
    import shlex

    try:
        shlex.split(text)
    except ValueError:
        return True
    return is_dynamic(text)


def tool_basename(word: str) -> str:
    """`/usr/local/bin/terraform_1.9.8` → `terraform_1.9.8`; image refs lose registry and tag."""
    # The last component as PurePosixPath(...).name gives it (empty and `.` components dropped), without
    # importing pathlib on the hook's path.
    parts = [part for part in word.rstrip("/").split("/") if part and part != "."]
    base = (parts[-1] if parts else "") or word
    if ":" in base:
        base = base.split(":", 1)[0]
    if "@" in base[1:]:
        base = base[: base.index("@", 1)]
    return base


def word_value(node: Node) -> str | None:
    """The single word bash makes of `node`, or None when expansion decides it at run time."""
    kind = node.type
    text = _text(node)
    if kind == "word":
        return _unquoted(text)
    if kind == "number":
        return text
    if kind == "raw_string":
        return text[1:-1]
    if kind == "ansi_c_string":
        return decode_ansi_c(text[2:-1])
    if kind in ("string", "translated_string"):
        inner = [c for c in node.children if c.type not in ('"', "$")]
        if any(c.type != "string_content" for c in inner):
            return None
        body = text[text.index('"') + 1 : -1]
        return re.sub(_DQ_ESCAPE, lambda m: "" if m.group(1) == "\n" else m.group(1), body)
    if kind == "concatenation":
        if _braces(text) and _unquoted_braces(node):
            return None
        parts = [word_value(c) for c in node.children]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    return None


def _unquoted_braces(node: Node) -> bool:
    """A `{a,b}` or `{1..3}` made of unquoted pieces: bash expands it into several words."""
    unquoted = "".join(_text(c) if c.type == "word" else "\0" for c in node.children)
    return _braces(unquoted)


def _unquoted(text: str) -> str | None:
    if _braces(text):
        return None
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            if text[i + 1] != "\n":  # backslash-newline is a line continuation: removed
                out.append(text[i + 1])
            i += 2
            continue
        if char in GLOB_CHARS or char in "$`":
            return None
        out.append(char)
        i += 1
    return "".join(out)


def decode_ansi_c(body: str) -> str:
    """The value of `$'…'` (bash manual 3.1.2.4, ANSI-C Quoting)."""
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] != "\\" or i + 1 >= len(body):
            out.append(body[i])
            i += 1
            continue
        simple = _ANSI_SIMPLE.get(body[i + 1])
        if simple is not None:
            out.append(simple)
            i += 2
            continue
        match = re.compile(_ANSI_NUMERIC).match(body, i)  # re caches the compiled pattern
        if match is None:
            out.append(body[i : i + 2])
            i += 2
            continue
        octal, hexa, short, long, control = match.groups()
        if control is not None:
            out.append(chr(ord(control.upper()) ^ 0x40) if control != "?" else "\x7f")
        else:
            value = int(octal, 8) if octal else int(hexa or short or long, 16)
            out.append(chr(value & 0xFF if octal or hexa else min(value, 0x10FFFF)))
        i = match.end()
    return "".join(out)


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")
