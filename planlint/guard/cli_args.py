"""How catalogued CLIs read their arguments: positional words, options with values, AWS CLI list values.

Shared by planlint/guard/destructive.py (the delete catalogue) and planlint/guard/remote.py (commands that
run shell text elsewhere). Options are read the way getopt_long reads them
(https://man7.org/linux/man-pages/man3/getopt.3.html); AWS CLI and Azure CLI list options take every word
up to the next option (argparse `nargs='+'`, https://docs.python.org/3/library/argparse.html#nargs).
"""

from __future__ import annotations

from planlint.guard.shellwords import is_dynamic

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence


def list_values(args: Sequence[str], options: frozenset[str]) -> list[str]:
    """The values of AWS CLI `options` in `args`: `--sql X`, `--sql=X`, and every word of a list `--sqls A B`."""
    values: list[str] = []
    taking = False
    for word in args:
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            taking = name in options
            values += [value] if taking and eq else []
        elif taking:
            values.append(word)
    return values


def given(group: frozenset[str], flags: frozenset[str]) -> bool:
    """One of `group` is among `flags`, also as a long prefix getopt_long would expand (`--clea`)."""
    return bool(group & flags) or any(
        f.startswith("--") and len(f) > 3 and any(g.startswith(f) for g in group) for f in flags
    )


def split(args: Sequence[str], with_value: frozenset[str]) -> tuple[list[str], frozenset[str]]:
    """(positional words, the options given) of `args`, read by `options`."""
    positional, found = options(args, with_value)
    return positional, frozenset(name for name, _ in found)


def options(
    args: Sequence[str], with_value: frozenset[str]
) -> tuple[list[str], list[tuple[str, str | None]]]:
    """(positional words, (option, value) pairs) read the way getopt_long reads them
    (https://man7.org/linux/man-pages/man3/getopt.3.html): a value attached (`-fFILE`, `-cDROP…`,
    `--file=F`) or in the next word, short options bundled (`-Xf FILE`), and a long option abbreviated to
    an unambiguous prefix (`--comm=…`). Tools built on Go's pflag (kubectl) take no abbreviations; reading
    them anyway can only find more, never less. `with_value` lists the options that take a value."""
    longs = sorted(o for o in with_value if o.startswith("--"))
    positional: list[str] = []
    found: list[tuple[str, str | None]] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            positional += args[i + 1 :]
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word.partition("=")
            matches = [o for o in longs if o.startswith(name)]
            full = name if name in with_value else matches[0] if len(matches) == 1 and len(name) > 3 else name
            if full not in with_value:
                found.append((name, value if eq else None))
            elif eq:
                found.append((full, value))
            else:
                found.append((full, args[i + 1] if i + 1 < len(args) else None))
                i += 1
        elif word.startswith("-") and len(word) > 1:
            for j in range(1, len(word)):
                option = "-" + word[j]
                if option in with_value:
                    rest = word[j + 1 :]
                    if rest:
                        found.append((option, rest))
                    else:
                        found.append((option, args[i + 1] if i + 1 < len(args) else None))
                        i += 1
                    break
                found.append((option, None))
        else:
            positional.append(word)
        i += 1
    return positional, found


def match_words(words: tuple[frozenset[str], ...], positional: list[str]) -> bool | None:
    """True: every word matches; False: a computed word stands where a listed word must; None: no match."""
    for expected, word in zip(words, positional + [""] * len(words), strict=False):
        if is_dynamic(word):
            return False
        if word.split("/", 1)[0] not in expected:
            return None
    return True
