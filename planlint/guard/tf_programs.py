"""The programs a Terraform configuration runs under the account that plans or applies it.

Read before guard runs anything, from the root module, every local module it calls and every module
`terraform init` installed (`<data dir>/modules/modules.json`, whose `Dir` the agent can also edit, so each
listed directory is read). What runs (developer.hashicorp.com/terraform/language, provider docs):

- `data "external"` `program` (registry.terraform.io/providers/hashicorp/external/latest/docs/data-sources/
  external): runs at every plan;
- a provider's `exec` credential plugin (kubernetes, helm, kubectl providers: `exec { command, args, env }`,
  or helm 3's `kubernetes = { exec = { … } }`): runs when the provider is configured, at every plan;
- `provisioner "local-exec"` (…/language/resources/provisioners/local-exec): `interpreter` (default
  `/bin/sh -c`) + `command`, run at apply, also in `removed` blocks (`when = destroy`);
- a file a provider or backend reads whose entries run programs (`config_path(s)`: a kubeconfig's
  `users[].user.exec`; `shared_config_files`/`shared_credentials_files`: AWS `credential_process`).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from planlint.errors import InputError
from planlint.guard.hcl_blocks import Block, parse_blocks
from planlint.guard.programs import ProgramUse, env_problem, literal, literal_vector

SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
# Provider/backend settings naming files whose entries run programs (kubernetes provider `config_path(s)`;
# AWS provider and s3 backend `shared_config_files`/`shared_credentials_files`, read for `credential_process`).
SETTINGS_FILES = ("config_path", "config_paths", "shared_config_files", "shared_credentials_files")
LOCAL_EXEC_SHELL = ("/bin/sh", "-c")  # Terraform's local-exec interpreter on Linux and macOS


def configuration_files(directory: Path) -> list[Path]:
    """The files Terraform (and OpenTofu) read as one module's configuration, in name order."""
    try:
        return sorted(p for p in directory.iterdir() if p.name.endswith(SUFFIXES) and p.is_file())
    except OSError as exc:
        raise InputError(
            f"cannot list the module directory: {exc.strerror or exc}", origin=str(directory)
        ) from exc


def terraform_programs(root: Path, data_dir: Path, shown_from: Path) -> list[ProgramUse]:
    """Every program the configuration rooted at `root` runs (InputError: a file guard cannot read)."""
    return [
        use
        for directory, blocks in module_blocks(root, data_dir, shown_from).items()
        for block in blocks
        for use in block_programs(block, root, directory)
    ]


def module_blocks(root: Path, data_dir: Path, shown_from: Path) -> dict[Path, list[Block]]:
    """The blocks that can run programs or call modules, by module directory: the root module, every local
    module called (transitively), and every installed module directory."""
    found: dict[Path, list[Block]] = {}
    queue = [root, *_installed(root, data_dir, shown_from)]
    while queue:
        directory = queue.pop(0).resolve()
        if directory in found or not directory.is_dir():
            continue
        blocks = [b for path in configuration_files(directory) for b in _relevant_blocks(path, shown_from)]
        found[directory] = blocks
        for block in blocks:
            source = literal(block.attributes.get("source")) if block.type == "module" else None
            if source and source.startswith(("./", "../")):
                queue.append(directory / source)
    return found


# A native-syntax file without any of these words has no block that runs a program or calls a module
# (block types and attribute names are identifiers, which have no escapes; a label could be written with a
# `\u` escape, so a backslash-u reads the file too). Skipping such files keeps python-hcl2 (seconds for a
# few hundred files) off the everyday path; Terraform itself still refuses a file it cannot parse.
_WORDS = ("external", "exec", "module", *SETTINGS_FILES, "\\u", "\\U")


def _relevant_blocks(path: Path, shown_from: Path) -> tuple[Block, ...]:
    shown = shown_path(path, shown_from)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read configuration: {exc}", origin=shown) from exc
    json_syntax = path.name.endswith(".json")
    if not json_syntax and not any(word in text for word in _WORDS):
        return ()
    return parse_blocks(text, shown, json_syntax=json_syntax)


def _installed(root: Path, data_dir: Path, shown_from: Path) -> list[Path]:
    manifest = (root / data_dir) / "modules" / "modules.json"
    if not manifest.exists():
        return []
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8")).get("Modules") or []
        return [root / str(entry["Dir"]) for entry in entries if entry.get("Dir")]
    except (OSError, ValueError, AttributeError, TypeError, KeyError) as exc:
        raise InputError(f"cannot read the installed modules list ({exc}); guard does not run what it cannot "
                         "read", origin=shown_path(manifest, shown_from)) from exc  # fmt: skip


def shown_path(path: Path, shown_from: Path) -> str:
    """`path` relative to `shown_from` when below it (how a refusal names a file)."""
    try:
        return str(path.resolve().relative_to(shown_from.resolve()))
    except ValueError:
        return str(path)


def block_programs(block: Block, root: Path, module: Path | None = None) -> Iterator[ProgramUse]:
    """The programs one top-level block of the module in `module` (default: `root`) runs; `${path.module}`,
    `${path.root}` and `${path.cwd}` in a command are filled in as Terraform fills them."""
    top = root.resolve()
    paths = {
        "${path.module}": os.path.relpath((module or root).resolve(), top),
        "${path.root}": ".",
        "${path.cwd}": str(top),
    }
    yield from (_filled(use, paths) for use in _block_programs(block, root))


def _filled(use: ProgramUse, paths: Mapping[str, str]) -> ProgramUse:
    if use.argv is not None or not use.raw:
        return use
    words = []
    for written in use.raw:
        word = written
        for name, value in paths.items():
            word = word.replace(name, value)
        words.append(word)
    return dataclasses.replace(use, argv=literal_vector(words), raw=())


def _block_programs(block: Block, root: Path) -> Iterator[ProgramUse]:
    name = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
    if block.type == "data" and block.labels[:1] == ("external",):
        base = _base(root, block.attributes.get("working_dir"))
        program = block.attributes.get("program")
        yield ProgramUse(block.where("program"), f"{name} program", literal_vector(program), base, "plan",
                         raw=_words(program))  # fmt: skip
    for provisioner in block.nested("provisioner"):
        if provisioner.labels[:1] == ("local-exec",):
            yield _local_exec(name, provisioner, root)
    if block.type == "provider":
        yield from _exec_plugins(name, block.where(), block.attributes, root)
        for nested in _all_nested(block):
            yield from _exec_plugins(name, nested.where(), {nested.type: nested.attributes}, root)
            if nested.type == "dynamic" and nested.labels[:1] == (
                "exec",
            ):  # `dynamic "exec" { content { … } }`
                for content in nested.nested("content"):
                    yield _exec(name, content.where(), content.attributes, root)
    if block.type in ("provider", "terraform"):
        for settings in (block, *_all_nested(block)):
            yield from _settings_files(name, settings, root)


def _all_nested(block: Block) -> Iterator[Block]:
    for child in block.blocks:
        yield child
        yield from _all_nested(child)


def _base(root: Path, working_dir: Any) -> Path:
    directory = literal(working_dir) if working_dir is not None else "."
    return root / directory if directory is not None else root


def _local_exec(name: str, provisioner: Block, root: Path) -> ProgramUse:
    attributes = provisioner.attributes
    command = literal(attributes.get("command"))
    interpreter = (
        literal_vector(attributes["interpreter"]) if "interpreter" in attributes else LOCAL_EXEC_SHELL
    )
    argv = (*interpreter, command) if command is not None and interpreter is not None else None
    base, problem = _base(root, attributes.get("working_dir")), env_problem(attributes.get("environment"))
    return ProgramUse(
        provisioner.where("command"), f'{name} provisioner "local-exec"', argv, base, "apply", problem
    )


def _exec_plugins(name: str, where: str, attributes: Mapping[str, Any], root: Path) -> Iterator[ProgramUse]:
    """`exec` credential plugins anywhere in a provider's settings (nested blocks and object attributes)."""
    for key, value in attributes.items():
        if key == "exec":
            for plugin in value if isinstance(value, list) else [value]:
                yield _exec(name, where, plugin, root)
        elif isinstance(value, Mapping):
            yield from _exec_plugins(name, where, value, root)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    yield from _exec_plugins(name, where, item, root)


def _exec(name: str, where: str, plugin: Any, root: Path) -> ProgramUse:
    plugin = plugin if isinstance(plugin, Mapping) else {}
    command = literal(plugin.get("command"))
    args = literal_vector(plugin["args"]) if plugin.get("args") else ()
    argv = (command, *args) if command is not None and args is not None else None
    raw = _words([plugin.get("command"), *(plugin.get("args") or [])])
    return ProgramUse(where, f"{name} exec credential plugin", argv, root, "plan", env_problem(plugin.get("env")),
                      raw=raw)  # fmt: skip


def _words(value: Any) -> tuple[str, ...]:
    """A command's words as written (expressions kept), for filling in `${path.*}`."""
    if not isinstance(value, list) or not all(isinstance(w, (str, int, float)) for w in value):
        return ()
    return tuple(str(w) for w in value)


def _settings_files(name: str, block: Block, root: Path) -> Iterator[ProgramUse]:
    for key in SETTINGS_FILES:
        if key not in block.attributes:
            continue
        value = block.attributes[key]
        paths = [literal(v) for v in value] if isinstance(value, list) else [literal(value)]
        for path in paths:
            shown = path if path is not None else "a path the configuration computes"
            yield ProgramUse(block.where(key), f"{name} `{key}` names a file whose entries run programs",
                             None, root, "plan", settings_file=shown)  # fmt: skip
