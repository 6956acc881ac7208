"""Terraform resource addresses in the places Terraform takes one, so their instance keys are not globs.

`aws_s3_bucket.logs[0]` and `module.x.aws_db_instance.db["a"]` are ordinary addresses
(developer.hashicorp.com/terraform/cli/state/resource-addressing): `[N]` is a `count` index, `["key"]` a
`for_each` key. Terraform reads them literally, and guard runs its argv without a shell, so such a word is
not computed at run time although it holds `[`. Only a word that is a whole address, in an argument
Terraform reads as one, is let through; a `*`, `?`, a bracket outside an instance key, `$`, a brace or a
word anywhere else still counts as computed (`shellwords.is_dynamic`), and the command is refused.
(The hook reads quoting itself: a bracket bash would expand is probed there, planlint/guard/probe.py.)
"""

from __future__ import annotations

import re
import shlex

from planlint.guard.shellwords import is_dynamic, unreadable_args

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence

# Names are HCL identifiers; a key is a count index or a quoted for_each key without escapes, quotes or
# shell pattern characters (stricter than Terraform: such a key is refused, never guessed at).
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_KEY = r"\[(?:[0-9]+|\"[^\"\\$`*?\[\]{}]*\")\]"
_MODULE_STEP = rf"module\.{_NAME}(?:{_KEY})?"
_ADDRESS = rf"(?:{_MODULE_STEP}\.)*(?:(?:data\.)?{_NAME}\.{_NAME}(?:{_KEY})?|{_MODULE_STEP})"  # re caches it

# The options that take an address (`-target=ADDR`, `-target ADDR`; Go's flag package reads `--target`
# the same): terraform plan/apply/destroy/refresh `-target`, plan/apply `-replace`.
_ADDRESS_OPTIONS = frozenset(("target", "replace"))
# Flags Terraform also accepts with their value as the next argument (`-var x=1`, `-state path`).
VALUE_FLAGS = frozenset(
    ("var", "var-file", "target", "replace", "parallelism", "lock-timeout", "state", "state-out", "backup")
)
# Subcommand → how many of its leading positional arguments are addresses (None: all of them), from the
# Terraform CLI reference (developer.hashicorp.com/terraform/cli/commands/…): `import ADDR ID`,
# `taint ADDR`, `untaint ADDR`, `state rm ADDR…`, `state mv SOURCE DESTINATION`, `state show ADDR`,
# `state list [ADDR…]`. OpenTofu's are the same (opentofu.org/docs/cli/commands/).
_ADDRESS_ARGUMENTS: dict[str, int | None] = {
    "import": 1,
    "taint": 1,
    "untaint": 1,
    "state rm": None,
    "state mv": 2,
    "state show": 1,
    "state list": None,
}


def is_address(word: str) -> bool:
    """True when `word` is one whole Terraform resource, data or module address, instance keys allowed."""
    return re.fullmatch(_ADDRESS, word) is not None


def computed_words(args: Sequence[str], env: Sequence[tuple[str, str]]) -> list[str]:
    """The words of a Terraform-family command (`args`: argv after the program) and of its TF_CLI_ARGS*
    values that are computed at run time, not counting addresses where Terraform takes one."""
    addresses = address_positions(args)
    words = [a for i, a in enumerate(args) if i not in addresses and is_dynamic(a)]
    return words + [v for k, v in env if k.startswith("TF_CLI_ARGS") and _env_args_computed(v)]


def address_positions(args: Sequence[str]) -> frozenset[int]:
    """Indexes into `args` (argv after the program) of the addresses Terraform reads as addresses."""
    found = set(_option_addresses(args))
    start = args.index("--") + 1 if "--" in args else 0  # terragrunt run -- state rm ADDR
    words = [(i, a) for i, a in enumerate(args) if i >= start and not a.startswith("-")]
    if not words:
        return frozenset(found)
    sub = words[0][1]
    if sub == "state" and len(words) > 1:
        sub, first = f"state {words[1][1]}", words[1][0] + 1
    else:
        first = words[0][0] + 1
    if sub not in _ADDRESS_ARGUMENTS:
        return frozenset(found)
    limit = _ADDRESS_ARGUMENTS[sub]
    positions = _positionals(args, first)
    found.update(i for i in positions[:limit] if is_address(args[i]))
    return frozenset(found)


def _positionals(args: Sequence[str], start: int) -> list[int]:
    """Indexes of the positional arguments from `start` on, skipping flags and their separate values."""
    found: list[int] = []
    i = start
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-"):
            found.append(i)
        elif "=" not in arg and arg.lstrip("-") in VALUE_FLAGS:
            i += 1
        i += 1
    return found


def _option_addresses(words: Sequence[str]) -> list[int]:
    """Indexes of the words that are the address value of a `-target`/`-replace` option."""
    found: list[int] = []
    for i, word in enumerate(words):
        if not word.startswith("-") or word.startswith("---"):
            continue
        name, eq, value = word.lstrip("-").partition("=")
        if name not in _ADDRESS_OPTIONS:
            continue
        if eq and is_address(value):
            found.append(i)
        elif not eq and i + 1 < len(words) and is_address(words[i + 1]):
            found.append(i + 1)
    return found


def _env_args_computed(text: str) -> bool:
    """`shellwords.unreadable_args`, with `-target`/`-replace` addresses read as the literals they are."""
    if not unreadable_args(text):
        return False
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote: Terraform refuses it, and nothing here is read as an address
        return True
    options = _option_addresses(words)
    return is_dynamic(" ".join(w for i, w in enumerate(words) if i not in options))
