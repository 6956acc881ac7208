"""What a bash syntax node stands for as text: a command's words, and the literal text that reaches a
command's standard input (a heredoc, a here-string, a file redirected in, or what `echo`/`printf`/`cat`
write into a pipe). Split out of shell.py; tree-sitter-bash's node types
(github.com/tree-sitter/tree-sitter-bash, src/node-types.json).
"""

from __future__ import annotations

from planlint.guard.shellwords import tool_basename, word_value

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from tree_sitter import Node

# What a command's standard input is: no redirection (the agent's terminal), a literal text, or unknown.
STDIN_NONE = None
STDIN_COMPUTED = "\0computed"
_PRODUCERS = frozenset(("echo", "printf", "cat"))


def file_input(redirect: Node, cwd: str) -> str:
    """The text of a file redirected into standard input (`< drop.sql`), or STDIN_COMPUTED when unreadable."""
    target = redirect.child_by_field_name("destination") or redirect.children[-1]
    path = word_value(target)
    from planlint.guard.files import read_text

    found = read_text(path, cwd) if path else None
    return found.text if found is not None and found.text is not None else STDIN_COMPUTED


def here_text(redirect: Node) -> str | None:
    """The literal text of a heredoc or here-string, or STDIN_COMPUTED when bash expands part of it."""
    if redirect.type == "herestring_redirect":
        value = word_value(redirect.children[-1])
        return STDIN_COMPUTED if value is None else value + "\n"
    body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
    if body is None:
        return ""
    start = next((node_text(c) for c in redirect.children if c.type == "heredoc_start"), "")
    quoted = any(q in start for q in "'\"\\")
    if not quoted and any(c.type != "heredoc_content" for c in body.children):
        return STDIN_COMPUTED
    return node_text(body)


def output_of(stage: Node, cwd: str = ".") -> str | None:
    """What a pipeline stage writes to standard output when it is a literal (`echo`, `printf`, `cat <<EOF`)."""
    command = stage
    here: str | None = ""
    if stage.type == "redirected_statement":
        command = stage.child_by_field_name("body") or stage.children[0]
        heres = [c for c in stage.children if c.type in ("heredoc_redirect", "herestring_redirect")]
        here = here_text(heres[-1]) if heres else ""
    if command.type != "command":
        return STDIN_COMPUTED
    values = [value for value, _ in words_of(command)]
    if not values or any(v is None for v in values):
        return STDIN_COMPUTED
    name = tool_basename(values[0] or "")
    args = [v or "" for v in values[1:]]
    if name not in _PRODUCERS:
        return STDIN_COMPUTED
    if name == "cat" and not args:
        return here if here is not None else STDIN_COMPUTED
    if name == "cat":  # `cat drop.sql | psql`: the files' text, when every one is readable
        from planlint.guard.files import read_text

        texts = [None if a.startswith("-") else read_text(a, cwd).text for a in args]
        return STDIN_COMPUTED if None in texts else "".join(t or "" for t in texts)
    if name == "echo" and not any(a.startswith("-") for a in args[:1]):
        return " ".join(args) + "\n"
    if name == "printf" and args and "%" not in args[0] and "\\" not in args[0]:
        return args[0]
    return STDIN_COMPUTED


def words_of(command: Node) -> list[tuple[str | None, str]]:
    """The command's name and arguments: (value or None when computed, source text), joined as bash joins
    words split by a backslash-newline."""
    words: list[tuple[str | None, str]] = []
    previous: Node | None = None
    for child in command.children:
        if child.type == "variable_assignment" or "redirect" in child.type:
            previous = None
            continue
        target = child.children[0] if child.type == "command_name" and child.children else child
        value, text = word_value(target), node_text(target)
        if previous is not None and words and _gap(previous, child) == b"\\\n":
            last, last_text = words.pop()
            value = None if last is None or value is None else last + value
            text = last_text + text
        words.append((value, text))
        previous = child
    return words


def _gap(left: Node, right: Node) -> bytes:
    source = _root_text(left)
    return source[left.end_byte : right.start_byte]


def _root_text(node: Node) -> bytes:
    root = node
    while root.parent is not None:
        root = root.parent
    return root.text or b""


def node_text(node: Node) -> str:
    """The node's source text (invalid UTF-8 replaced)."""
    return (node.text or b"").decode("utf-8", errors="replace")
