"""Parameter maps given as one option value: JSON (`{"commands": ["a"]}`), AWS CLI shorthand
(`commands=["a","b"],workingDirectory=/srv`, https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html)
and gcloud dictionaries (`startup-script=…,enable-oslogin=TRUE`, `^:^k=a,b:k2=v` with its own delimiter:
`gcloud topic escaping`). Read by planlint/guard/remote.py.
"""

from __future__ import annotations

_KEY = r"^[A-Za-z][\w.-]*="  # a parameter key (`commands=`, `startup-script=`); compiled on first use


def parameter_map(value: str) -> dict[str, list[str]] | None:
    """Key → its values in `value` (JSON, AWS shorthand or a gcloud dictionary); None when unreadable.

    Words before the first key are kept under the key "": they are judged too.
    """
    import re

    text = value.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]  # a computed word keeps its source text, quotes included
    if text.startswith("{"):
        import json

        try:
            loaded = json.loads(text)
        except ValueError:
            return None
        if not isinstance(loaded, dict):
            return None
        return {str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in loaded.items()}
    delimiter = ","
    custom = re.match(r"^\^(.+?)\^", text)
    if custom:
        delimiter, text = custom.group(1), text[custom.end() :]
    mapping: dict[str, list[str]] = {}
    key = ""
    for token in _split(text, delimiter):
        found = re.match(_KEY, token)
        if found:
            key = token[: found.end() - 1]
        value = token[found.end() :] if found else token
        items = _split(value[1:-1], ",") if value.startswith("[") and value.endswith("]") else [value]
        mapping.setdefault(key, []).extend(_unquote(i.strip()) for i in items)
    return mapping


def _split(text: str, delimiter: str) -> list[str]:
    """`text` split at `delimiter` outside quotes and brackets."""
    parts: list[str] = []
    depth, quote, start, i = 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(delimiter, i):
            parts.append(text[start:i])
            start = i + len(delimiter)
            i = start
            continue
        i += 1
    return [*parts, text[start:]]


def _unquote(item: str) -> str:
    if len(item) > 1 and item[0] == item[-1] and item[0] in "\"'":
        import json

        try:
            return str(json.loads(item)) if item[0] == '"' else item[1:-1]
        except ValueError:
            return item[1:-1]
    return item
