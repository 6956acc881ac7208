"""The `local-exec` provisioners of a saved plan, read from its JSON `configuration` (terraform show -json;
developer.hashicorp.com/terraform/internals/json-format#configuration-representation).

A saved plan carries its own copy of the configuration, and `terraform apply PLAN` runs the provisioners of
that copy, not of the working tree (checked with Terraform 1.11.4: a command edited in main.tf after the
plan is not the one that runs). So after planning, guard reads what the apply would run from the plan
itself: a `.tf` file rewritten between guard reading the working tree and Terraform reading it cannot slip a
provisioner into the apply. The JSON shows each provisioner's `command`, `interpreter`, `environment` and
`working_dir` as `constant_value` (or `references` when computed), for the root module and every module call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from planlint.errors import InputError
from planlint.guard.programs import ProgramUse, env_problem, literal, literal_vector
from planlint.guard.tf_programs import LOCAL_EXEC_SHELL


def planned_programs(plan_json: Path, root: Path) -> list[ProgramUse]:
    """Every `local-exec` provisioner in the plan's configuration (InputError when the JSON is unreadable)."""
    import msgspec

    class _Plan(msgspec.Struct):
        configuration: dict[str, Any] = {}

    try:
        plan = msgspec.json.decode(plan_json.read_bytes(), type=_Plan)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InputError(f"cannot read the plan's configuration: {exc}", origin=str(plan_json)) from exc
    module = plan.configuration.get("root_module")
    return list(_module(module if isinstance(module, Mapping) else {}, "", root))


def _module(module: Mapping[str, Any], prefix: str, root: Path) -> Iterator[ProgramUse]:
    for resource in module.get("resources") or ():
        address = f"{prefix}{resource.get('address', '?')}"
        for provisioner in resource.get("provisioners") or ():
            if provisioner.get("type") == "local-exec":
                yield _local_exec(address, provisioner.get("expressions") or {}, root)
    for name, call in (module.get("module_calls") or {}).items():
        inner = call.get("module") if isinstance(call, Mapping) else None
        if isinstance(inner, Mapping):
            yield from _module(inner, f"{prefix}module.{name}.", root)


def _constant(expressions: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    """(present, constant value or None when computed)."""
    value = expressions.get(key)
    if not isinstance(value, Mapping):
        return False, None
    return True, value.get("constant_value")


def _local_exec(address: str, expressions: Mapping[str, Any], root: Path) -> ProgramUse:
    _, command = _constant(expressions, "command")
    has_interpreter, interpreter = _constant(expressions, "interpreter")
    words = literal_vector(interpreter) if has_interpreter else LOCAL_EXEC_SHELL
    text = literal(command) if command is not None else None
    argv = (*words, text) if words is not None and text is not None else None
    has_env, env = _constant(expressions, "environment")
    problem = env_problem(env if env is not None else ["computed"]) if has_env else ""
    has_dir, directory = _constant(expressions, "working_dir")
    base = root / str(directory) if has_dir and literal(directory) is not None else root
    if has_dir and literal(directory) is None:
        problem = problem or "the configuration computes its working directory"
    return ProgramUse(f"the saved plan: {address}", 'provisioner "local-exec"', argv, base, "apply", problem)
