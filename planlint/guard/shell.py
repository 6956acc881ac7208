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

Files the line runs are read too (planlint/guard/files.py): `./x.sh` and other programs given by path
(their `#!` line decides who reads them), `bash x.sh`, `source x.sh`, a file redirected into a command's
standard input (`psql < drop.sql`, `bash < x.sh`). A literal `cd DIR` moves where relative paths are
resolved. Inside a file that names no infrastructure tool, a computed program name or unreadable syntax is
not refused by itself (wrappers such as `gradlew` are full of them); what such a file runs literally is
still judged.
"""

from __future__ import annotations

from planlint.guard.shell_text import (
    STDIN_COMPUTED,
    STDIN_NONE,
    file_input,
    here_text,
    node_text,
    output_of,
    words_of,
)
from planlint.guard.shellwords import is_dynamic, mentions_iac, tool_basename, word_value
from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from tree_sitter import Node

MAX_DEPTH = 8
_SUBSTITUTIONS = frozenset(("command_substitution", "process_substitution"))
_DECLARATIONS = frozenset(("declaration_command", "unset_command"))
_VALUE_READERS = frozenset(("read", "printf", "mapfile", "readarray"))  # builtins that set variables


# Records on the hook's path are NamedTuples (frozen, typed; planlint/records.py builds them without `typing`):
# importing `dataclasses` (inspect, ast, dis) and building its classes would cost a hook call more than
# reading the line does.
class SimpleCommand(NamedTuple):
    """One program invocation: its argv after wrappers, and the variables set in front of it.

    A word bash computes at run time keeps its source text (see `shellwords.is_dynamic`).
    """

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    stdin_args: bool = False  # run by xargs: more arguments arrive from a pipe at run time
    via: tuple[str, ...] = ()  # wrappers that were peeled off, outermost first
    writes_file: bool = False  # its standard output goes to a file (`cat … > x`)
    stdin: str | None = None  # literal text piped or redirected into it (STDIN_COMPUTED when not literal)
    cwd: str = "."  # the directory it runs in, as far as literal `cd`s tell (UNKNOWN_DIR when computed)


class ShellLine(NamedTuple):
    """What a command line runs, and what about it cannot be known without running it."""

    commands: tuple[SimpleCommand, ...] = ()
    unverifiable: tuple[str, ...] = ()
    path_changed: bool = False  # PATH is set or changed somewhere in the line (`PATH=/tmp/x:$PATH; …`)
    functions: frozenset[str] = frozenset()  # names the line defines as functions or aliases


class Reader:
    """What one parse has found so far; wrappers (planlint/guard/wrappers.py) call back into it."""

    __slots__ = ("_line", "_mentions", "commands", "cwd", "env_judged", "exported", "functions", "in_file",
                 "path_changed", "stdin", "unverifiable", "writes_file")  # fmt: skip

    def __init__(self, *, mentions: bool = False, line: str = "") -> None:
        self.commands: list[SimpleCommand] = []
        self.unverifiable: list[str] = []
        self._mentions = mentions
        self._line = line  # looked at by `mentions` when first asked: a plain line never asks
        self.stdin: str | None = STDIN_NONE  # of the command being peeled
        self.writes_file = False  # of the command being peeled
        self.cwd = "."
        self.in_file = False  # reading a file that names no infrastructure tool (see the module docstring)
        self.path_changed = False
        self.functions: set[str] = set()
        self.exported: dict[
            str, str
        ] = {}  # variables of env_commands.yaml the line set (planlint/guard/envvars.py)
        self.env_judged: set[tuple[str, str, str]] = set()

    @property
    def mentions(self) -> bool:
        """The line, or a file it runs that is being read, names an infrastructure tool (`mentions_iac`)."""
        if self._line:
            self._mentions = self._mentions or mentions_iac(self._line)
            self._line = ""
        return self._mentions

    @mentions.setter
    def mentions(self, value: bool) -> None:
        self._mentions, self._line = value, ""

    def parse_into(self, text: str, depth: int, via: tuple[str, ...], stdin: str | None = None) -> None:
        """Read `text` as a nested shell program (`bash -c TEXT`, `ssh host TEXT`) reading `stdin`."""
        saved = (self.stdin, self.writes_file)
        _parse_into(text, self, depth, via, stdin)
        self.stdin, self.writes_file = saved

    def parse_file(self, text: str, depth: int, via: tuple[str, ...]) -> None:
        """Read a script file's `text` (`bash x.sh`, `./x.sh`, a Makefile recipe) as a nested shell program."""
        saved = (self.mentions, self.in_file)
        self.in_file = not (self.mentions or mentions_iac(text))
        self.mentions = self.mentions or not self.in_file
        self.parse_into(text, depth, via)
        self.mentions, self.in_file = saved

    def peel(self, words: list[str], depth: int, via: tuple[str, ...], env: Env) -> None:
        """Judge `words` as a simple command (after a wrapper removed its own words)."""
        if words:
            _peel(list(words), self, depth, via, env)


Env = tuple[tuple[str, str], ...]


# One simple command of plain words (`terraform plan -out tfplan`): bash splits it at the spaces and expands
# nothing, so the grammar (and its import) is not needed. Anything else (quotes, `$`, globs, braces,
# operators, comments, reserved words) goes to tree-sitter.
# (A set of characters rather than the regex `[\w./=:@%+,~-]+(?: +[\w./=:@%+,~-]+)*` with re.ASCII, whose
# compilation costs a hook call more than the rest of reading such a line.)
_PLAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:@%+,~- ")
_RESERVED = frozenset(("if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until",
                       "do", "done", "in", "function", "time", "coproc", "[[", "]]"))  # fmt: skip


def parse(text: str) -> ShellLine:
    """Every simple command `text` would start, wrappers peeled, plus what cannot be verified."""
    acc = Reader(line=text)
    words = plain_words(text)
    if words:
        _peel(words, acc, 0, (), ())
    else:
        _parse_into(text, acc, depth=0, via=())
    unique = tuple(dict.fromkeys(acc.unverifiable))
    return ShellLine(tuple(acc.commands), unique, acc.path_changed, frozenset(acc.functions))


def plain_words(text: str) -> list[str]:
    """The words of `text` when it is one simple command of plain words (bash splits it at the spaces and
    expands nothing), else []: such a line needs no grammar."""
    line = text.strip(" \t\n")
    words = line.split() if line and _PLAIN_CHARS.issuperset(line) else []
    return words if words and words[0] not in _RESERVED else []


def _parse_into(text: str, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None = None) -> None:
    if depth > MAX_DEPTH:
        acc.unverifiable.append("shell nesting too deep to follow")
        return
    source = _unglue_backslash_lines(text).encode("utf-8", errors="surrogateescape")
    from planlint.guard.bash_grammar import bash_parser  # plain lines never load the grammar

    root = bash_parser().parse(source).root_node
    if root.has_error and not acc.in_file:
        where = _first_error(root)
        acc.unverifiable.append(f"bash syntax planlint cannot read with certainty (near {where!r})")
    _walk(root, acc, depth, via, stdin=stdin)


def _unglue_backslash_lines(text: str) -> str:
    """`text` with a space before every backslash that starts a line (after a newline bash does not escape).

    tree-sitter-bash reads `ls` + newline + `\\terraform destroy` as one command, `ls` with the words
    `\nterraform destroy` (and a heredoc's first line that starts with a backslash as words of the line),
    where bash runs `ls`, then `terraform destroy`. A leading blank changes nothing for bash, and the
    grammar then reads the line as its own command.
    """
    if "\n\\" not in text:
        return text
    parts = text.split("\n")
    for i in range(1, len(parts)):
        before = parts[i - 1]
        escaped = (len(before) - len(before.rstrip("\\"))) % 2 == 1  # a backslash-newline joins the lines
        if parts[i].startswith("\\") and not escaped:
            parts[i] = " " + parts[i]
    return "\n".join(parts)


def _first_error(node: Node) -> str:
    if node.is_error or node.is_missing:
        return node_text(node)[:40] or node.type
    for child in node.children:
        if child.has_error:
            return _first_error(child)
    return node_text(node)[:40]


def _walk(node: Node, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None) -> None:
    kind = node.type
    if kind == "command":
        _command(node, acc, depth, via, stdin, writes_file=False)
    elif kind in _DECLARATIONS:
        words = [node_text(c) if word_value(c) is None else (word_value(c) or "") for c in node.children]
        acc.path_changed |= any(w.startswith("PATH=") or w == "PATH" for w in words[1:])
        acc.commands.append(SimpleCommand(tuple(words), via=via, cwd=acc.cwd))
        _walk_children(node, acc, depth, via)
        for child in node.children:  # `export GIT_PAGER=…`: what later commands run
            if child.type == "variable_assignment":
                _assigned(*_assignment(child), acc, depth, via)
    elif kind == "variable_assignment":  # `PATH=/tmp/x:$PATH; terraform …`: every later lookup is unknown
        name, value = _assignment(node)
        acc.path_changed |= name == "PATH"
        _walk_children(node, acc, depth, via)
        _assigned(name, value, acc, depth, via)
    elif kind == "function_definition":
        defined = node.child_by_field_name("name")
        if defined is not None:
            acc.functions.add(node_text(defined))
        for child in node.children:
            _walk(child, acc, depth, via, stdin)
    elif kind == "redirected_statement":
        _redirected(node, acc, depth, via, stdin)
    elif kind == "pipeline":
        _pipeline([c for c in node.children if c.type not in ("|", "|&")], acc, depth, via, stdin)
    elif kind == "heredoc_body":
        _walk_children(node, acc, depth, via)  # only substitutions in it run
    elif kind in _SUBSTITUTIONS:
        _walk_children(node, acc, depth, via)
    else:
        for child in node.children:
            _walk(child, acc, depth, via, stdin)


def _walk_children(node: Node, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """Commands inside the substitutions of a word, an assignment or a heredoc (the node itself included)."""
    if node.type in _SUBSTITUTIONS:
        stdin = _substitution_stdin(node)
        for child in node.children:
            _walk(child, acc, depth, via, stdin)
        return
    for child in node.children:
        _walk_children(child, acc, depth, via)


def _substitution_stdin(node: Node) -> str | None:
    """What a substitution's commands read: `>(bash)` reads whatever the line writes into it, which is
    computed at run time (`echo 'terraform destroy' > >(bash)`, `exec 3> >(sh)`); `$(…)` and `<(…)`
    read the line's own standard input."""
    return STDIN_COMPUTED if node_text(node).startswith(">(") else STDIN_NONE


def _pipeline(stages: list[Node], acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None) -> None:
    for i, stage in enumerate(stages):
        _walk(stage, acc, depth, via, stdin if i == 0 else output_of(stages[i - 1], acc.cwd))


def _redirected(node: Node, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None) -> None:
    body = node.child_by_field_name("body") or node.children[0]
    writes_file = False
    own_stdin = stdin
    for redirect in node.children:
        if redirect is body:
            continue
        if redirect.type == "file_redirect":
            op = next((node_text(c) for c in redirect.children if not c.is_named), "")
            if op.startswith(("<", "0<")) and "&" not in op:
                own_stdin = file_input(redirect, acc.cwd)
            elif ">" in op and not op.endswith("&"):
                writes_file = True
        elif redirect.type in ("heredoc_redirect", "herestring_redirect"):
            own_stdin = here_text(redirect)
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
                _pipeline(stages, acc, depth, via, output_of(node, acc.cwd))


def _command(
    node: Node, acc: Reader, depth: int, via: tuple[str, ...], stdin: str | None, *, writes_file: bool
) -> None:
    env: list[tuple[str, str]] = []
    for child in node.children:
        if child.type == "variable_assignment":
            name, value = _assignment(child)
            env.append((name, value))
            acc.path_changed |= name == "PATH"
        _walk_children(child, acc, depth, via)
        if child.type == "herestring_redirect":
            stdin = here_text(child)
    words = [text if value is None else value for value, text in words_of(node)]
    if not words:
        return
    acc.stdin, acc.writes_file = stdin, writes_file
    _peel(words, acc, depth, via, tuple(env))
    acc.stdin, acc.writes_file = STDIN_NONE, False


def _assignment(node: Node) -> tuple[str, str]:
    """(name, value) of a `NAME=value` node; a value bash computes keeps its source text."""
    name = node_text(node.children[0])
    value_node = node.children[-1] if len(node.children) > 2 else None
    value = "" if value_node is None else word_value(value_node)
    return name, (node_text(value_node) if value is None and value_node else value or "")


def _assigned(name: str, value: str, acc: Reader, depth: int, via: tuple[str, ...]) -> None:
    """A variable set for the rest of the line (`export X=…`, `X=…`): judged when its value runs."""
    if name.isupper():  # the table's variables are upper case; `x=1` loads nothing
        from planlint.guard.envvars import judge_assigned

        judge_assigned(name, value, acc, depth, via)


def _peel(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> None:
    """Judge one simple command: a computed program name is unverifiable; a launcher is unwrapped."""
    from planlint.guard.wrappers import is_assignment, unwrap

    env_list = list(env)
    while words and is_assignment(words[0]):  # `sudo FOO=1 terraform …`
        name, _, value = words.pop(0).partition("=")
        env_list.append((name, value))
    env = tuple(env_list)
    if not words:
        return
    if depth > MAX_DEPTH:
        acc.unverifiable.append("scripts nested too deep to follow")
        return
    if env or acc.exported:  # `GIT_PAGER=… git log`: what the program reads from its environment runs too
        from planlint.guard.envvars import judge_env

        judge_env(env, words[0], acc, depth, via)
    head = words[0]
    if is_dynamic(head):
        if not acc.in_file:
            acc.unverifiable.append(f"the program name {head!r} is computed at run time")
        return
    acc.path_changed |= any(k == "PATH" for k, _ in env)
    if unwrap(words, acc, depth, via, env):
        return
    if head in ("cd", "pushd"):
        _change_directory(words, acc)
    elif "/" in head and _program_file(words, acc, depth, via, env):
        return
    elif head in _VALUE_READERS and any(w.isupper() for w in words[1:]):  # `read GIT_PAGER`
        from planlint.guard.envvars import judge_read

        judge_read(words, acc)
    acc.commands.append(
        SimpleCommand(tuple(words), env, via=via, writes_file=acc.writes_file, stdin=acc.stdin, cwd=acc.cwd)
    )


def _change_directory(words: list[str], acc: Reader) -> None:
    """Follow a literal `cd DIR`; a computed one (or `cd -`) leaves the directory unknown."""
    args = [w for w in words[1:] if not w.startswith("-") or w == "-"]
    target = args[0] if args else "~"
    from planlint.guard.files import change_directory

    acc.cwd = change_directory(acc.cwd, target, computed=is_dynamic(target))


def _program_file(words: list[str], acc: Reader, depth: int, via: tuple[str, ...], env: Env) -> bool:
    """`./x.sh …`: a program given by path is judged by its text. True when that was done here.

    A `#!` line names who reads it (`#!/usr/bin/env python3` → `python3 ./x.py …`); a text file without
    one is run by bash itself; a binary runs as itself (False: the caller records the command). A program
    named like an infrastructure tool is left to classification.
    """
    from planlint.guard.files import read_text, shebang
    from planlint.guard.wrappers import names_tool

    head = words[0]
    if names_tool(head):
        return False
    found = read_text(head, acc.cwd)
    if found.problem == "binary":
        return False
    if found.text is None:
        acc.unverifiable.append(f"the program {found.shown} cannot be read, so what it runs is unknown")
        return True
    interpreter = shebang(found.text)
    if interpreter:
        acc.peel([*interpreter, head, *words[1:]], depth + 1, (*via, tool_basename(head)), env)
    else:
        acc.parse_file(found.text, depth + 1, (*via, tool_basename(head)))
    return True
