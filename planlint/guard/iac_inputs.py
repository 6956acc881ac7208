"""What an infrastructure tool's approval-bound command reads besides its words, bound like a direct delete's.

`terraform state push new.tfstate`, `terraform import -var-file=prod.tfvars …`, `terraform init
-migrate-state -backend-config=backend.hcl`, `aws cloudformation update-stack --template-body file://t.yaml`,
`pulumi stack import --file s.json` (or its standard input) run whatever the file holds when they run. An
approval of the words alone lets the agent edit the file after a human read it. So guard binds those
bytes the way it binds a database client's (planlint/guard/bound_inputs.py): read once, sha256 in the
`cmd1:` digest and on the refusal, the command run from guard's private copy; what it cannot bind is
refused (exit 13). Which words name files is data: rules/commands/bound_files.yaml.

Flows that already bind their content another way are not routed here: a Terraform apply/destroy applies
the saved plan guard judged (variables and backend are inside it), `pulumi up` runs with the judged
update plan, and CloudFormation deploys execute the judged, immutable change set.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from planlint.guard.bound_inputs import BoundInputs, FileWords, UnboundInput, bind
from planlint.guard.classify import Classification

_TERRAFORM = ("terraform", "tofu", "terragrunt")


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict[str, Any]]:
    return {tool: entry for entry in load_table_entries() for tool in entry["tools"]}


def binds_files(c: Classification) -> bool:
    """True for an approval-bound command of a tool whose file words the table lists (not a direct delete)."""
    return c.kind == "approval" and not c.direct and c.tool in _entries()


def bind_command(c: Classification, env: Mapping[str, str], cwd: Path, stdin: BinaryIO) -> BoundInputs:
    """The files and standard input `c` reads, bound (see the module docstring); the command gets /dev/null
    when it reads no standard input.

    Raises UnboundInput for what cannot be bound: a refused option, a default file the tool would read
    unnamed, a file named in TF_CLI_ARGS*, and everything bound_inputs.bind refuses.
    """
    entry = _entries()[c.tool]
    argv = c.argv
    spellings = _spellings(entry)
    _refuse_options(argv, entry, spellings)
    base = _directory(c, cwd)
    _refuse_default_files(argv, entry, base, spellings)
    words = _file_words(entry, argv, spellings)
    for name, value in sorted(env.items()):
        if name.startswith("TF_CLI_ARGS") and c.tool in _TERRAFORM:
            _refuse_env_files(name, value, words, base, stdin)
    return bind(argv, base, stdin, None, statements=False, words=words)


def _spellings(entry: Mapping[str, Any]) -> dict[str, str]:
    """Every spelling the tool accepts of the table's options → the option as listed (Go: `-x`, `--x`)."""
    listed = [
        *entry.get("file_options", ()), *entry.get("setting_options", ()), *entry.get("config_options", ()),
        *entry.get("output_options", ()), *entry.get("options_with_value", ()),
        *(r["option"] for r in entry.get("refused_options", ())),
    ]  # fmt: skip
    found = {option: option for option in listed}
    if entry["syntax"] == "go-flag":
        found.update({"-" + option: option for option in listed if not option.startswith("--")})
    return found


def _options(entry: Mapping[str, Any], key: str, spellings: Mapping[str, str]) -> frozenset[str]:
    wanted = set(entry.get(key, ()))
    return frozenset(s for s, option in spellings.items() if option in wanted)


def _file_words(entry: Mapping[str, Any], argv: Sequence[str], spellings: Mapping[str, str]) -> FileWords:
    options = _options(entry, "file_options", spellings)
    valued = _options(entry, "options_with_value", spellings)
    settings = _options(entry, "setting_options", spellings)
    skipped = _options(entry, "config_options", spellings) | _options(entry, "output_options", spellings)
    takes_value = options | valued | settings | skipped
    positional = set()
    for item in entry.get("positional_files", ()):
        found = _first_positional(argv, item["words"], takes_value)
        if found is not None:
            positional.add(found)
    stdin = any(
        _after(argv, item["words"]) is not None and not _given(argv, item["unless"])
        for item in entry.get("stdin_commands", ())
    )
    return FileWords(options, valued, settings, skipped, frozenset(positional), entry["syntax"] == "getopt",
                     stdin)  # fmt: skip


def _after(argv: Sequence[str], words: Sequence[str]) -> int | None:
    """The argv index just after the command words `words` (consecutive), or None when they are not there."""
    n = len(words)
    for i in range(1, len(argv) - n + 1):
        if list(argv[i : i + n]) == list(words):
            return i + n
    return None


def _first_positional(argv: Sequence[str], words: Sequence[str], takes_value: frozenset[str]) -> int | None:
    """The index of the first positional word after the command words (a flag's separate value skipped)."""
    i = _after(argv, words)
    while i is not None and i < len(argv):
        word = argv[i]
        if word == "--":
            return i + 1 if i + 1 < len(argv) else None
        if word == "-" or not word.startswith("-"):
            return i
        i += 2 if word in takes_value else 1
    return None


def _given(argv: Sequence[str], options: Sequence[str]) -> bool:
    return any(word.partition("=")[0] in options for word in argv[1:])


def _refuse_options(argv: Sequence[str], entry: Mapping[str, Any], spellings: Mapping[str, str]) -> None:
    refused = {r["option"]: r["why"] for r in entry.get("refused_options", ())}
    for word in argv[1:]:
        option = spellings.get(word.partition("=")[0], "")
        if option in refused:
            raise UnboundInput(refused[option])


def _refuse_default_files(
    argv: Sequence[str], entry: Mapping[str, Any], base: Path, spellings: Mapping[str, str]
) -> None:
    for item in entry.get("default_files", ()):
        if _given(argv, [s for s, o in spellings.items() if o in item["unless"]] + item["unless"]):
            continue
        for name in item["files"]:
            if (base / name).exists():
                raise UnboundInput(f"{name}: {item['why']}")


def _refuse_env_files(name: str, value: str, words: FileWords, base: Path, stdin: BinaryIO) -> None:
    """TF_CLI_ARGS* words reach Terraform from the environment, where guard cannot point them at a copy."""
    try:
        added = shlex.split(value)
    except ValueError:
        raise UnboundInput(f"{name} cannot be read as words") from None
    only = FileWords(words.options, words.valued, words.settings, words.skipped, getopt=False)
    try:
        found = bind(["terraform", *added], base, stdin, None, statements=False, words=only)
    except UnboundInput as exc:
        raise UnboundInput(f"{name}: {exc}") from None
    if found.files or found.stdin is not None:
        raise UnboundInput(f"{name} names {found.files[0].path if found.files else 'the standard input'}, "
                           "which guard cannot bind there: put it on the command line")  # fmt: skip


def _directory(c: Classification, cwd: Path) -> Path:
    """Where the tool opens relative file names: Terraform's -chdir, Pulumi's --cwd/-C, else `cwd`."""
    if c.chdir:
        return cwd / c.chdir
    if c.tool == "pulumi":
        for i, word in enumerate(c.argv[1:-1], start=1):
            if word in ("--cwd", "-C"):
                return cwd / c.argv[i + 1]
        for word in c.argv[1:]:
            if word.startswith("--cwd="):
                return cwd / word.partition("=")[2]
    return cwd


def bound_files_docs() -> list[str]:
    """The docs/commands.md section for rules/commands/bound_files.yaml."""
    lines = [
        "",
        "## Files that approval-bound infrastructure commands read",
        "",
        "`planlint guard` binds these files' bytes (and the standard input the commands read) into the exact",
        "command's approval and runs the command from its private copy; any other word that names an existing",
        "file is refused, and so are the refused options (exit 13). Configuration options are not bound.",
        "",
        "| tools | syntax | files read | file or key=value | configuration | refused | file arguments, stdin | sources |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for e in load_table_entries():
        positional = [" ".join(p["words"]) + " FILE" for p in e.get("positional_files", ())]
        positional += [" ".join(p["words"]) + " < stdin" for p in e.get("stdin_commands", ())]
        positional += [f"{', '.join(d['files'])} (refused)" for d in e.get("default_files", ())]
        cells = [", ".join(f"`{t}`" for t in e["tools"]), e["syntax"], " ".join(e.get("file_options", ())),
                 " ".join(e.get("setting_options", ())), " ".join(e.get("config_options", ())),
                 " ".join(r["option"] for r in e.get("refused_options", ())), "; ".join(positional),
                 " ".join(e["sources"])]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def load_table_entries() -> list[dict[str, Any]]:
    """The table's tool entries, in file order."""
    from planlint.guard.tables import load_table

    return list(load_table("bound_files")["tools"])
