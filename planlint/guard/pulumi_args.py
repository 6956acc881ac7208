"""Pulumi's command line, read the way its flag parser (cobra + pflag) reads it.

The flags that take a value, and the short names, are those the Pulumi CLI registers (pulumi/pulumi
`pkg/cmd/pulumi/pulumi.go` for the global ones; `pkg/cmd/pulumi/operations/{up,preview,destroy,refresh}.go`
and `pkg/cmd/pulumi/deployment/remote.go` for the command ones). pflag reads `-abc` as three short flags
unless one of them takes a value (then the rest of the word, or the next word, is that value), and a flag
with an optional value (`--refresh`, `-r`) never takes the next word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SHORT = {
    "s": "stack", "c": "config", "m": "message", "t": "target", "x": "exclude", "p": "parallel",
    "C": "cwd", "v": "verbose", "y": "yes", "f": "skip-preview", "j": "json", "d": "debug", "r": "refresh",
    "e": "emoji", "h": "help",
}  # fmt: skip
VALUE = frozenset(
    ("stack", "config", "config-file", "secrets-provider", "client", "message", "target", "exclude", "replace",
     "target-replace", "policy-pack", "policy-pack-config", "parallel", "plan", "save-plan", "import-file",
     "event-log", "exec-kind", "exec-agent", "output", "override-env", "cwd", "color", "tracing",
     "otel-traces", "profiling", "memprofilerate", "verbose", "tracing-header", "remote-agent-pool-id",
     "remote-env", "remote-env-secret", "remote-executor-image", "remote-executor-image-password",
     "remote-executor-image-username", "remote-git-auth-access-token", "remote-git-auth-password",
     "remote-git-auth-ssh-private-key", "remote-git-auth-ssh-private-key-path", "remote-git-auth-username",
     "remote-git-branch", "remote-git-commit", "remote-git-repo-dir", "remote-pre-run-command")
)  # fmt: skip
# Flags a command registers with a meaning of its own (`pkg/cmd/pulumi/operations/import.go`): in `import`,
# `-f` is `--file` and `-o` is `--out`, and these take a value. A value flag missing here would let its
# value (`--out --preview-only`) be read as a flag of its own.
COMMAND_SHORT = {"import": {"f": "file", "o": "out"}}
COMMAND_VALUE = {"import": frozenset(("file", "out", "parent", "provider", "properties", "from"))}
OPTIONAL_VALUE = frozenset(("refresh", "suppress-permalink", "attach-debugger"))  # NoOptDefVal flags
# Root (persistent) flags that take no value: the only flags cobra skips without a value when it looks
# for the subcommand; any other flag before the subcommand takes the next word (cobra `stripFlags`).
ROOT_BOOL = frozenset(
    ("emoji", "logflow", "logtostderr", "non-interactive", "disable-integrity-checking",
     "fully-qualify-stack-names", "help")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    """One flag (with its value) or one positional word, and the words it was written as."""

    name: str | None  # long flag name; None for a positional word
    words: tuple[str, ...]
    value: str | None = None  # the flag's value, or the positional word

    @property
    def on(self) -> bool:
        """A boolean flag given as true (`--yes`, `-y`, `--yes=true`), not `--yes=false`."""
        return self.name is not None and (self.value or "true").lower() not in ("false", "0")


class ArgumentError(ValueError):
    """A command line planlint will not guess the meaning of."""


def tokens(args: Sequence[str], command: str = "") -> list[Token]:
    """Split Pulumi arguments (without the program name) into flags with their values and positionals;
    `command` (`import`, …) adds the flags only that command registers (COMMAND_SHORT, COMMAND_VALUE)."""
    short_names = {**SHORT, **COMMAND_SHORT.get(command, {})}
    with_value = VALUE | COMMAND_VALUE.get(command, frozenset())
    found: list[Token] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            found += [Token(None, (w,), w) for w in args[i + 1 :]]
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            if eq or name not in with_value:
                found.append(Token(name, (word,), value if eq else None))
                i += 1
                continue
            if i + 1 >= len(args):
                raise ArgumentError(f"flag {word} needs a value")
            found.append(Token(name, (word, args[i + 1]), args[i + 1]))
            i += 2
            continue
        if word.startswith("-") and len(word) > 1:
            following = args[i + 1] if i + 1 < len(args) else None
            short, consumed = _shorts(word, following, short_names, with_value)
            found += short
            i += 1 + consumed
            continue
        found.append(Token(None, (word,), word))
        i += 1
    return found


def _shorts(
    word: str, following: str | None, short_names: Mapping[str, str], with_value: frozenset[str]
) -> tuple[list[Token], int]:
    """`-yf`, `-sprod`, `-s prod`, `-r=false`: the flags, and how many following words were consumed."""
    found: list[Token] = []
    letters = word[1:]
    j = 0
    while j < len(letters):
        letter = letters[j]
        name = short_names.get(letter)
        if name is None:
            raise ArgumentError(f"unknown short flag -{letter} in {word!r}")
        rest = letters[j + 1 :]
        if rest.startswith("="):
            found.append(Token(name, (word,), rest[1:]))
            return found, 0
        if name in with_value:
            if rest:
                found.append(Token(name, (word,), rest))
                return found, 0
            if following is None:
                raise ArgumentError(f"flag -{letter} needs a value")
            found.append(Token(name, (f"-{letter}", following), following))
            return found, 1
        found.append(Token(name, (f"-{letter}",), None))
        j += 1
    return found, 0


def command_words(found: Sequence[Token]) -> list[str]:
    """The positional words (subcommand path and arguments), in order."""
    return [t.value or "" for t in found if t.name is None]


def flag_values(found: Iterable[Token], name: str) -> list[str]:
    return [t.value for t in found if t.name == name and t.value is not None]


def is_on(found: Iterable[Token], name: str) -> bool:
    return any(t.name == name and t.on for t in found)


def words_of(found: Iterable[Token], drop: frozenset[str] = frozenset()) -> list[str]:
    """The command line again, without the flags named in `drop` (each as written: `-s prod` stays two)."""
    return [w for t in found if t.name is None or t.name not in drop for w in _written(t)]


def _written(token: Token) -> tuple[str, ...]:
    """A short flag that shared its word with others (`-yf`) is written on its own."""
    if token.name is not None and len(token.words) == 1 and not token.words[0].startswith("--"):
        letter = next(k for k, v in SHORT.items() if v == token.name)
        return (f"-{letter}={token.value}",) if token.value is not None else (f"-{letter}",)
    return token.words


def cobra_words(args: Sequence[str]) -> list[str]:
    """The command words as cobra finds the subcommand (`Command.Find`, `stripFlags`): a flag without `=`
    that is not one of the root's boolean flags takes the next word with it, wherever it stands."""
    words: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            break
        if word.startswith("--") and "=" not in word:
            i += 1 if word[2:] in ROOT_BOOL else 2
            continue
        if word.startswith("-") and len(word) == 2:
            i += 1 if SHORT.get(word[1]) in ROOT_BOOL else 2
            continue
        if not word.startswith("-"):
            words.append(word)
        i += 1
    return words
