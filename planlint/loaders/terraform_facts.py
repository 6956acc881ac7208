"""Plan-level facts of a Terraform plan, told from its changes and its `planned_values` / `configuration`.

Which tool wrote it (OpenTofu's providers come from its own registry), whether it is a destroy-mode plan,
and which module calls the configuration no longer declares. Only the parts of `planned_values` and
`configuration` these need are decoded, and only when the changes leave the question open.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from planlint.blast_radius import module_call_path
from planlint.errors import InputError
from planlint.model import ResourceChange


class PlannedResource(msgspec.Struct, gc=False):
    mode: str = "managed"


class PlannedModule(msgspec.Struct, gc=False):
    resources: list[PlannedResource] = []
    child_modules: list[PlannedModule] = []


class PlannedValues(msgspec.Struct, gc=False):
    """`planned_values`: the state after apply. Only which modes its resources have is decoded."""

    root_module: PlannedModule | None = None


class ConfigModule(msgspec.Struct, gc=False):
    module_calls: dict[str, ModuleCall] = {}


class ModuleCall(msgspec.Struct, gc=False):
    module: ConfigModule | None = None


class Configuration(msgspec.Struct, gc=False):
    """`configuration`: only the tree of module call names is decoded."""

    root_module: ConfigModule | None = None


def tool_of(changes: Sequence[ResourceChange]) -> str:
    return "opentofu" if any(is_opentofu(c.provider) for c in changes) else "terraform"


def is_opentofu(provider: str | None) -> bool:
    return provider is not None and provider.startswith("registry.opentofu.org/")


def is_destroy_mode(changes: Sequence[ResourceChange], planned_values: msgspec.Raw, origin: str) -> bool:
    """`plan -destroy` (`terraform destroy`, `tofu destroy`), told from what the plan JSON records.

    The JSON has no mode field. A destroy-mode plan (checked on Terraform 1.11 output; OpenTofu builds
    `planned_values` the same way) plans a state with no managed resource left in `planned_values`,
    while its deletes carry no `action_reason`: a normal plan that deletes things because the
    configuration dropped them says why (delete_because_no_resource_config, ..._no_module,
    ..._count_index). Forgets (`removed` with `destroy = false`), reads, imports and no-ops in the same
    plan do not change that. Plans without `planned_values` (hand-made, or cut down) fall back to: every
    managed change that does something deletes, for no reason of its own.
    """
    deletes = [c for c in changes if c.mode == "managed" and c.actions == ("delete",) and c.deposed is None]
    if not any(c.reason is None for c in deletes):
        # Every delete says why (or there is none): not destroy mode, whatever planned_values holds, so
        # its megabytes (a quarter of a big plan) are not read again; but it must still be an object.
        if planned_values and bytes(memoryview(planned_values)[:1]) != b"{":
            raise InputError("planned_values is not an object of modules and resources", origin)
        return False
    if not planned_values:
        acting = [c for c in changes if c.mode == "managed" and not _KEEPS_OBJECTS.issuperset(c.actions)]
        return all(c.actions == ("delete",) and c.reason is None for c in acting)
    try:
        planned = msgspec.json.decode(planned_values, type=PlannedValues)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise InputError("planned_values is not an object of modules and resources", origin) from None
    return planned.root_module is None or not _keeps_managed(planned.root_module)


def removed_module_calls(
    changes: Sequence[ResourceChange], configuration: msgspec.Raw, origin: str
) -> tuple[str, ...]:
    """Module calls (`module.a.module.b`, no instance keys) that the configuration no longer declares.

    Terraform 1.11 gives the resources of a removed module call `delete_because_no_resource_config`, not
    `delete_because_no_module` (that one is for a module instance whose count/for_each key went away), so a
    removed module is told from the configuration's module calls. Empty when the plan has no configuration.
    """
    candidates = {
        module_call_path(c.module)
        for c in changes
        if c.module and c.reason == "delete_because_no_resource_config" and "delete" in c.actions
    }
    if not candidates or not configuration:
        return ()
    try:
        config = msgspec.json.decode(configuration, type=Configuration)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise InputError("configuration is not an object of modules and module calls", origin) from None
    declared: set[str] = set()
    pending = [("", config.root_module)]
    while pending:
        prefix, module = pending.pop()
        for name, call in (module.module_calls if module else {}).items():
            path = f"{prefix}module.{name}"
            declared.add(path)
            pending.append((f"{path}.", call.module))
    return tuple(sorted(c for c in candidates if c not in declared))


# Actions that leave every real object as it is: they neither make nor stop a teardown.
_KEEPS_OBJECTS = frozenset(("no-op", "read", "forget", "import", "move"))


def _keeps_managed(module: PlannedModule) -> bool:
    return any(r.mode == "managed" for r in module.resources) or any(
        _keeps_managed(m) for m in module.child_modules
    )
