"""git settings whose value runs a program, judged wherever they are set (rules/commands/git.yaml).

One table (`settings`, schema `planlint/schemas/git.schema.json`, each entry with the git documentation it
comes from) serves every place a setting can come from: `git -c KEY=VALUE` and `git config KEY VALUE` on the
line (planlint/guard/git_line.py), GIT_CONFIG_PARAMETERS / GIT_CONFIG_KEY_n (planlint/guard/envvars.py), and
the settings real git reports for the repository the line runs git in (planlint/guard/git_repo.py). The same
file lists the hooks each subcommand runs (githooks(5)).

A runnable value is judged as what it runs: shell text as a nested line, a program given by path by its
text. Settings that name a directory or file (core.hooksPath, init.templateDir, include.path) are returned to
the caller, which knows whether git itself will resolve them.
"""

from __future__ import annotations

from functools import cache

from planlint.records import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from planlint.guard.shell import Reader

PATH_KINDS = frozenset(("hooks", "template", "include", "location"))
# git's boolean spellings (git-config(1) "Values: boolean"): a pager.<cmd> or core.fsmonitor set to one of
# these runs no program of its own.
_BOOLEANS = frozenset(("true", "false", "yes", "no", "on", "off", "1", "0", ""))


class Subcommand(NamedTuple):
    """One subcommand entry of the table's `subcommands`."""

    hooks: frozenset[str]
    options: frozenset[str] = frozenset()
    command_after: str = ""
    text_after: str = ""


class GitTable(NamedTuple):
    settings: tuple[tuple[tuple[str, ...], str], ...]  # (key pattern split at dots, value kind)
    subcommands: dict[str, Subcommand]
    hook_scripts: dict[str, tuple[str, ...]]  # hooks directory name → scripts relative to it ({hook})


@cache
def git_table() -> GitTable:
    """rules/commands/git.yaml, loaded (from the generated index) on the first git setting or line."""
    from planlint.guard.tables import load_table

    table = load_table("git")
    settings = tuple((tuple(k.lower().split(".")), e["value"]) for e in table["settings"] for k in e["keys"])
    subcommands = {}
    for e in table["subcommands"]:
        entry = Subcommand(frozenset(e["hooks"]), frozenset(e.get("options", ())), e.get("command_after", ""),
                           e.get("text_after", ""))  # fmt: skip
        subcommands.update(dict.fromkeys(e["names"], entry))
    scripts: dict[str, tuple[str, ...]] = {}
    for e in table["hook_scripts"]:
        scripts[e["hooks_dir"]] = (*scripts.get(e["hooks_dir"], ()), e["script"])
    return GitTable(settings, subcommands, scripts)


def setting_kind(key: str) -> str | None:
    """The table's value kind for the git setting `key` (`Diff.tf.textconv` → shell), or None."""
    parts = key.lower().split(".")
    if len(parts) < 2:
        return None
    section, name, middle = parts[0], parts[-1], len(parts) > 2  # a subsection may itself hold dots
    for pattern, kind in git_table().settings:
        if (len(pattern) == 3) != middle or pattern[0] != section:
            continue
        if pattern[-1] in ("*", name):
            return kind
    return None


def judge_setting(key: str, value: str, acc: Reader, depth: int, via: tuple[str, ...], *,
                  as_file: bool = False) -> str | None:  # fmt: skip
    """Judge the runnable value of git's `key`; return its kind (None when the table does not know `key`).

    `as_file`: the value comes from a settings file, and is read like a script (a computed program name in
    text that names no infrastructure tool is not refused by itself, as in planlint/guard/shell.py files).
    A path kind (PATH_KINDS) is only returned: the caller decides what it points at.
    """
    kind = setting_kind(key)
    if kind is None or kind in PATH_KINDS:
        return kind
    if kind == "shell-or-bool" and value.strip().lower() in _BOOLEANS:
        return kind
    if kind in ("shell", "shell-or-bool"):
        run_text(value, acc, depth, via, as_file=as_file)
    elif value.startswith("!"):  # bang, helper
        run_text(value[1:], acc, depth, via, as_file=as_file)
    elif kind == "helper" and "/" in value.split(" ", 1)[0]:
        acc.peel(value.split(), depth, via, ())
    return kind


def run_text(text: str, acc: Reader, depth: int, via: tuple[str, ...], *, as_file: bool = False) -> None:
    """Judge shell text a program runs with `sh -c`; plain words (`less -R`, `cat`) without the grammar."""
    from planlint.guard.shell import plain_words

    words = plain_words(text)
    if words:
        acc.peel(words, depth, via, ())
    elif as_file:
        acc.parse_file(text, depth, via)
    else:
        acc.parse_into(text, depth, via)


def named(acc: Reader, before: int, label: str) -> None:
    """Prefix the refusals added since `before` with where they come from (`the git hook …: …`)."""
    acc.unverifiable[before:] = [f"{label}: {reason}" for reason in acc.unverifiable[before:]]


def git_docs() -> list[str]:
    """The docs/commands.md section for rules/commands/git.yaml."""
    from planlint.guard.tables import load_table

    table = load_table("git")
    lines = [
        "",
        "## git settings and hooks",
        "",
        "Wherever a git setting is set (`git -c`, `git config KEY VALUE`, `GIT_CONFIG_PARAMETERS`,",
        "`GIT_CONFIG_KEY_n`, or the settings real git reports for the repository a git line runs in), these",
        "keys are judged by what their value runs; a directory of hooks is judged by the hooks in it.",
        "",
        "| keys | value | source |",
        "|---|---|---|",
    ]
    for s in table["settings"]:
        lines.append(f"| {', '.join(f'`{k}`' for k in s['keys'])} | {s['value']} | {s['source']} |")
    lines += ["", "Scripts of hook frameworks judged with the hook that runs them:", "",
              "| framework | hooks directory | script | source |", "|---|---|---|---|"]  # fmt: skip
    for h in table["hook_scripts"]:
        lines.append(f"| {h['framework']} | `{h['hooks_dir']}` | `{h['script']}` | {h['source']} |")
    lines += ["", "Hooks a subcommand runs (a subcommand not listed, and not an alias, has every hook judged):",
              "", "| subcommands | hooks | shell-text options | source |", "|---|---|---|---|"]  # fmt: skip
    for c in table["subcommands"]:
        runs = [*c.get("options", ()), *(f"`{c[k]} …`" for k in ("command_after", "text_after") if k in c)]
        lines.append(f"| {', '.join(c['names'])} | {', '.join(c['hooks']) or '—'} | {' '.join(runs)} "
                     f"| {c['source']} |")  # fmt: skip
    return lines
