"""Read a shell command line the way bash does: every simple command it would start, wrappers peeled off.

The line is parsed with tree-sitter's bash grammar (a real bash parser, imported only when a line is
read). Every `command` node anywhere in the tree is a program bash may start: in lists and pipelines,
subshells, `{ …; }` groups, `if`/`while`/`for`/`case` bodies, function bodies (judged whether or not
the function is called), command and process substitutions, and substitutions inside heredocs. Words
are decoded as bash decodes them (quotes, `$'…'`, backslash-newline); a word bash computes at run time
keeps its source text and counts as dynamic.

What cannot be known without running the line is reported as *unverifiable*: a program name that is not
a literal, a line the parser cannot read, `eval` of computed text, a shell or interpreter reading its
program from computed input. Launchers (`sudo`, `env -S`, `bash -c`, `trap`, `coproc`, …) are unwrapped
by planlint/guard/wrappers.py and read recursively.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from planlint.guard.shellwords import is_dynamic, mentions_iac, tool_basename, word_value

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

MAX_DEPTH = 8
_SUBSTITUTIONS = frozenset(("command_substitution", "process_substitution"))
_DECLARATIONS = frozenset(("declaration_command", "unset_command"))
_PRODUCERS = frozenset(("echo", "printf", "cat"))


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One program invocation: its argv after wrappers, and the variables set in front of it.

    A word bash computes at run time keeps its source text (see `shellwords.is_dynamic`).
    """

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    stdin_args: bool = False  # run by xargs: more arguments arrive from a pipe at run time
    via: tuple[str, ...] = ()  # wrappers that were peeled off, outermost first
    writes_file: bool = False  # its standard output goes to a file (`cat … > x`)
    stdin: str | None = None  # literal text piped or redirected into it (STDIN_COMPUTED when not literal)


@dataclass(frozen=True, slots=True)
class ShellLine:
    """What a command line runs, and what about it cannot be known without running it."""

    commands: tuple[SimpleCommand, ...] = ()
    unverifiable: tuple[str, ...] = ()
    mentions_iac: bool = False


# What a command's standard input is: no redirection (the agent's terminal), a literal text, or unknown.
STDIN_NONE = None
STDIN_COMPUTED = "\0computed"


@dataclass(slots=True)
class Reader:
    """What one parse has found so far; wrappers (planlint/guard/wrappers.py) call back into it."""

    commands: list[SimpleCommand] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    mentions: bool = False
    stdin: str | None = STDIN_NONE  # of the command being peeled
    writes_file: bool = False  # of the command being peeled

    def parse_into(self, text: str, depth: int, via: tuple[str, ...]) -> None:
        """Read `text` as a nested shell program (`bash -c TEXT`, `trap TEXT EXIT`, …)."""
        saved = (self.stdin, self.writes_file)
        _parse_into(text, self, depth, via)
        self.stdin, self.writes_file = saved

    def peel(self, words: list[str], depth: int, via: tuple[str, ...], env: Env) -> None:
        """Judge `words` as a simple command (after a wrapper removed its own words)."""
        if words:
            _peel(list(words), self, depth, via, env)


Env = tuple[tuple[str, str], ...]


def parse(text: str) -> ShellLine:
    """Every simple command `text` would start, wrappers peeled, plus what cannot be verified."""
    acc = Reader(mentions=mentions_iac(text))
    _parse_into(text, acc, depth=0, via=())
    unique = tuple(dict.fromkeys(acc.unverifiable))
    return ShellLine(tuple(acc.commands), unique, acc.mentions)


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter

    return tree_sitter.Parser(tree_sitter.Language(_bash_language()))


def _bash_language() -> object:
    """tree-sitter-bash's grammar, loaded from its extension module directly.

    The package's `__init__` imports importlib.resources (tempfile, random, …: ~10 ms of a hook's run)
    only to read highlight queries planlint never uses. Any surprise in the layout falls back to it.
    """
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("tree_sitter_bash")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"_binding{suffix}"
            if path.is_file():
                loader = importlib.machinery.ExtensionFileLoader("tree_sitter_bash._binding", str(path))
                binding_spec = importlib.util.spec_from_loader(loader.name, loader)
                if binding_spec is None:
                    break
                binding = importlib.util.module_from_spec(binding_spec)
                loader.exec_module(binding)
                return binding.language()
    import tree_sitter_bash

    return tree_sitter_bash.language()


def _parse_into(text: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    if depth > MAX_DEPTH:
        acc.unverifiable.append("shell nesting too deep to follow")
        return
    source = text.encode("utf-8", errors="surrogateescape")
    root = _parser().parse(source).root_node
    if root.has_error:
        where = _first_error(root)
        acc.unverifiable.append(f"bash syntax planlint cannot read with certainty (near {where!r})")
    _walk(root, acc, depth, via, stdin=STDIN_NONE)


def _first_error(node: Node) -> str:
    if node.is_error or node.is_missing:
        return _text(node)[:40] or node.type
    for child in node.children:
        if child.has_error:
            return _first_error(child)
    return _text(node)[:40]


def _walk(node: Node, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None) -> None:
    kind = node.type
    if kind == "command":
        _command(node, acc, depth, via, stdin, writes_file=False)
    elif kind in _DECLARATIONS:
        words = [_text(c) if word_value(c) is None else (word_value(c) or "") for c in node.children]
        acc.commands.append(SimpleCommand(tuple(words), via=via))
        _walk_children(node, acc, depth, via)
    elif kind == "redirected_statement":
        _redirected(node, acc, depth, via, stdin)
    elif kind == "pipeline":
        _pipeline([c for c in node.children if c.type not in ("|", "|&")], acc, depth, via, stdin)
    elif kind == "heredoc_body":
        _walk_children(node, acc, depth, via)  # only substitutions in it run
    else:
        for child in node.children:
            _walk(child, acc, depth, via, stdin)


def _walk_children(node: Node, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Commands inside the substitutions of a word, an assignment or a heredoc (the node itself included)."""
    if node.type in _SUBSTITUTIONS:
        for child in node.children:
            _walk(child, acc, depth, via, STDIN_NONE)
        return
    for child in node.children:
        _walk_children(child, acc, depth, via)


def _pipeline(stages: list[Node], acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None) -> None:
    for i, stage in enumerate(stages):
        _walk(stage, acc, depth, via, stdin if i == 0 else _output_of(stages[i - 1]))


def _redirected(node: Node, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None) -> None:
    body = node.child_by_field_name("body") or node.children[0]
    writes_file = False
    own_stdin = stdin
    for redirect in node.children:
        if redirect is body:
            continue
        if redirect.type == "file_redirect":
            op = next((_text(c) for c in redirect.children if not c.is_named), "")
            if op.startswith(("<", "0<")) and "&" not in op:
                own_stdin = STDIN_COMPUTED  # a file planlint cannot see
            elif ">" in op and not op.endswith("&"):
                writes_file = True
        elif redirect.type in ("heredoc_redirect", "herestring_redirect"):
            own_stdin = _here_text(redirect)
        _walk_children(redirect, acc, depth, via)
    if body.type == "command":
        _command(body, acc, depth, via, own_stdin, writes_file=writes_file)
    else:
        _walk(body, acc, depth, via, own_stdin)
    # tree-sitter puts a pipeline that follows a heredoc (`cat <<EOF | sh`) inside the heredoc redirect
    for redirect in node.children:
        for child in redirect.children if redirect.type == "heredoc_redirect" else ():
            if child.type in ("pipeline", "command", "list", "redirected_statement"):
                stages = [c for c in child.children if c.type not in ("|", "|&")]
                if child.type != "pipeline":
                    stages = [child]
                _pipeline(stages, acc, depth, via, _output_of(node))


def _here_text(redirect: Node) -> str | None:
    """The literal text of a heredoc or here-string, or STDIN_COMPUTED when bash expands part of it."""
    if redirect.type == "herestring_redirect":
        value = word_value(redirect.children[-1])
        return STDIN_COMPUTED if value is None else value + "\n"
    body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
    if body is None:
        return ""
    start = next((_text(c) for c in redirect.children if c.type == "heredoc_start"), "")
    quoted = any(q in start for q in "'\"\\")
    if not quoted and any(c.type != "heredoc_content" for c in body.children):
        return STDIN_COMPUTED
    return _text(body)


def _output_of(stage: Node) -> str | None:
    """What a pipeline stage writes to standard output when it is a literal (`echo`, `printf`, `cat <<EOF`)."""
    command = stage
    here: str | None = ""
    if stage.type == "redirected_statement":
        command = stage.child_by_field_name("body") or stage.children[0]
        heres = [c for c in stage.children if c.type in ("heredoc_redirect", "herestring_redirect")]
        here = _here_text(heres[-1]) if heres else ""
    if command.type != "command":
        return STDIN_COMPUTED
    values = [value for value, _ in _words(command)]
    if not values or any(v is None for v in values):
        return STDIN_COMPUTED
    name = tool_basename(values[0] or "")
    args = [v or "" for v in values[1:]]
    if name not in _PRODUCERS:
        return STDIN_COMPUTED
    if name == "cat":
        return here if not args and here is not None else STDIN_COMPUTED
    if name == "echo" and not any(a.startswith("-") for a in args[:1]):
        return " ".join(args) + "\n"
    if name == "printf" and args and "%" not in args[0] and "\\" not in args[0]:
        return args[0]
    return STDIN_COMPUTED


def _words(command: Node) -> list[tuple[str | None, str]]:
    """The command's name and arguments: (value or None when computed, source text), joined as bash joins
    words split by a backslash-newline."""
    words: list[tuple[str | None, str]] = []
    previous: Node | None = None
    for child in command.children:
        if child.type == "variable_assignment" or "redirect" in child.type:
            previous = None
            continue
        target = child.children[0] if child.type == "command_name" and child.children else child
        value, text = word_value(target), _text(target)
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


def _command(
    node: Node, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None, *, writes_file: bool
) -> None:
    env: list[tuple[str, str]] = []
    for child in node.children:
        if child.type == "variable_assignment":
            name = _text(child.children[0])
            value_node = child.children[-1] if len(child.children) > 2 else None
            value = "" if value_node is None else word_value(value_node)
            env.append((name, _text(value_node) if value is None and value_node else value or ""))
        _walk_children(child, acc, depth, via)
        if child.type == "herestring_redirect":
            stdin = _here_text(child)
    words = [text if value is None else value for value, text in _words(node)]
    if not words:
        return
    acc.stdin, acc.writes_file = stdin, writes_file
    _peel(words, acc, depth, via, tuple(env))
    acc.stdin, acc.writes_file = STDIN_NONE, False


def _peel(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """Judge one simple command: a computed program name is unverifiable; a launcher is unwrapped."""
    from planlint.guard.wrappers import ASSIGNMENT, unwrap

    env_list = list(env)
    while words and ASSIGNMENT.match(words[0]):  # `sudo FOO=1 terraform …`
        name, _, value = words.pop(0).partition("=")
        env_list.append((name, value))
    env = tuple(env_list)
    if not words:
        return
    head = words[0]
    if is_dynamic(head):
        acc.unverifiable.append(f"the program name {head!r} is computed at run time")
        return
    if unwrap(words, acc, depth, via, env):
        return
    acc.commands.append(
        SimpleCommand(tuple(words), env, via=via, writes_file=acc.writes_file, stdin=acc.stdin)
    )


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")
