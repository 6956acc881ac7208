"""The one change model every loader produces and every rule, reporter and gate reads.

Records here and on the rest of `check`'s path (config, rules, catalogue, loaders) are frozen msgspec
structs, copied with `msgspec.structs.replace`: msgspec is imported to decode plans anyway, and a struct
class is built ~30x faster than a dataclass, whose module also pulls `inspect`, `ast` and `dis` into
start-up (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import msgspec

Platform = Literal["terraform", "cloudformation", "pulumi"]

# Normalised actions. A replacement is one action ("replace") with an order, never a delete plus a create,
# so a rule written once matches both tools.
Action = Literal["create", "update", "delete", "replace", "forget", "import", "move", "read", "no-op"]
ACTIONS: frozenset[str] = frozenset(
    ("create", "update", "delete", "replace", "forget", "import", "move", "read", "no-op")
)
DESTRUCTIVE_ACTIONS: frozenset[str] = frozenset(("delete", "replace"))

# "ephemeral": OpenTofu lists ephemeral resources (opened during a run, never stored) in resource_changes.
ResourceMode = Literal["managed", "data", "ephemeral"]
ReplaceOrder = Literal["delete_first", "create_first", "unknown"]
Enforcement = Literal["info", "warn", "approve", "deny"]
ENFORCEMENTS: tuple[Enforcement, ...] = ("info", "warn", "approve", "deny")
GATED_ENFORCEMENTS: frozenset[str] = frozenset(("approve", "deny"))
Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
Decision = Literal["pass", "approval_required", "denied", "approved", "error"]

REDACTED = "(sensitive value)"

# May a rule match a managed Terraform no-op with this type, address, module and action_reason?
# (planlint.shapes.no_op_reader; a loader counts the no-ops it says no to instead of recording them)
NoOpTest = Callable[[str, str, str | None, str | None], bool]


class Values:
    """Before/after attribute values of one change, decoded on first use with sensitive leaves redacted.

    Loaders of big inputs subclass it and override `_decode`, so a 100k-resource plan never builds object
    trees for the 99k changes no rule looks at. A subclass must apply the sensitivity mask in `_decode`.
    """

    __slots__ = ("_after", "_before")

    _UNSET: Any = object()

    def __init__(self) -> None:
        self._before: Any = Values._UNSET
        self._after: Any = Values._UNSET

    @classmethod
    def of(cls, before: Any, after: Any) -> Values:
        """Values already decoded and redacted."""
        values = cls()
        values._before, values._after = before, after
        return values

    def before(self) -> Any:
        if self._before is Values._UNSET:
            self._before = self._decode("before")
        return self._before

    def after(self) -> Any:
        if self._after is Values._UNSET:
            self._after = self._decode("after")
        return self._after

    def _decode(self, side: Literal["before", "after"]) -> Any:
        return None

    def fields(self, side: Literal["before", "after"], keys: tuple[str, ...]) -> dict[str, Any]:
        """Some top-level attributes of one side (redacted; None when absent).

        Subclasses may decode only these keys instead of the whole object.
        """
        value = self.before() if side == "before" else self.after()
        return {k: value.get(k) if isinstance(value, dict) else None for k in keys}


NO_VALUES = Values()


class SourceLocation(msgspec.Struct, frozen=True):
    """Where a change is declared: a .tf block or a template resource."""

    path: str
    line: int
    end_line: int | None = None


class ResourceChange(msgspec.Struct, frozen=True, gc=False):
    """One planned change to one resource instance (Terraform) or logical resource (CloudFormation).

    A msgspec struct, not a dataclass: a 100k-change plan builds 100k of them, and a struct is built ~4x
    faster and is smaller (`gc=False`: it holds no reference cycles). Copy with `msgspec.structs.replace`.
    Equality compares `values` by identity.
    """

    address: str  # Terraform address with module and index; CloudFormation "Nested/Child/LogicalId"
    type: str  # aws_db_instance, AWS::RDS::DBInstance
    platform: Platform
    actions: tuple[Action, ...]  # normalised, sorted, e.g. ("replace",), ("import", "update")
    replace_order: ReplaceOrder | None = None
    # Why the tool plans this: Terraform's action_reason verbatim; CloudFormation reasons are
    # "cfn_replacement_true", "cfn_replacement_conditional", "cfn_remove", "cfn_deletion_policy_removed";
    # template diffs add "cfn_condition_false" and "cfn_template_unresolved" (planlint/templates/fate.py).
    reason: str | None = None
    replace_paths: tuple[str, ...] = ()  # attribute/property paths that force the replacement
    module: str | None = None  # module.a.module.b, or the nested stack path
    name: str = ""
    index: int | str | None = None
    mode: ResourceMode = "managed"
    provider: str | None = None
    previous_address: str | None = None  # moved from here (a move is not a destroy)
    deposed: str | None = None  # deposed object key
    deferred: str | None = None  # deferral reason when it came from deferred_changes
    # CloudFormation PolicyAction (Delete, Retain, ReplaceAndSnapshot, ...); Pulumi "retainOnDelete"
    policy_action: str | None = None
    physical_id: str | None = None
    details: tuple[str, ...] = ()  # loader notes a reviewer should read (e.g. "RequiresRecreation: Always")
    source: SourceLocation | None = None
    values: Values = NO_VALUES
    # (last: loaders that build records positionally, the Terraform loader, pass the fields above)
    # what the change's fate depends on that the loader could not resolve ("condition IsProd"): the
    # action is then the worst case, and the finding names these for the reviewer to resolve
    unresolved: tuple[str, ...] = ()

    @property
    def is_destructive(self) -> bool:
        return not DESTRUCTIVE_ACTIONS.isdisjoint(self.actions)


class PlanFacts(msgspec.Struct, frozen=True):
    """Plan-level facts a rule or reviewer needs besides the changes."""

    complete: bool = True
    applyable: bool | None = None
    errored: bool = False
    destroy_mode: bool = False  # `plan -destroy`: the loader tells it from planned_values and reasons
    # module calls (no instance keys) gone from the configuration while their resources are deleted
    removed_module_calls: tuple[str, ...] = ()
    drift_count: int = 0
    deferred_count: int = 0
    outputs_deleted: tuple[str, ...] = ()
    nested_change_sets: tuple[str, ...] = ()
    status: str | None = None  # CloudFormation change set Status
    # one unit of a many-stack run (a Terragrunt unit, a stack directory): a destroy-mode plan of it
    # removes the whole unit, however few resources that is
    stack_unit: bool = False


class Plan(msgspec.Struct, frozen=True):
    """One loaded input: a Terraform/OpenTofu plan, a CloudFormation change set (with its children), a Pulumi preview."""

    origin: str  # path as given, or "-" for stdin
    format: Literal["terraform", "cloudformation", "cloudformation-template", "pulumi"]
    tool: str  # terraform, opentofu, cloudformation
    tool_version: str | None
    format_version: str | None
    changes: tuple[ResourceChange, ...]
    facts: PlanFacts = msgspec.field(default_factory=PlanFacts)
    # stack name for CloudFormation, "project/stack" for Pulumi; "" for Terraform (the plan JSON names no
    # workspace). Many stacks in one run prefix it with the stack's path: "live/prod/db" or "live/prod/db:app/prod".
    scope: str = ""
    input_sha256: str = ""
    notes: tuple[str, ...] = ()  # what the loader dropped or inferred, said out loud
    # Managed no-op changes (nothing to do: no move, no import, not deposed) that no rule of the run can
    # match, counted instead of listed in `changes`: two thirds of a big plan's changes, which would
    # otherwise each cost a record. Every count of a plan's changes adds them (`change_count`).
    counted_no_ops: int = 0

    @property
    def change_count(self) -> int:
        """How many resource changes the input lists: the records plus the counted no-ops."""
        return len(self.changes) + self.counted_no_ops


class Finding(msgspec.Struct, frozen=True):
    """A rule matched a change (or a plan): what, why, and what it takes to proceed."""

    rule_id: str
    rule_name: str
    title: str
    severity: Severity
    enforcement: Enforcement
    message: str
    origin: str  # which input file
    scope: str
    address: str
    type: str
    actions: tuple[Action, ...]
    reason: str | None = None
    replace_order: ReplaceOrder | None = None
    replace_paths: tuple[str, ...] = ()
    mitigation: str | None = None  # what softens it and what it does not cover
    waived_by: str | None = None
    location: SourceLocation | None = None

    @property
    def gated(self) -> bool:
        return self.enforcement in GATED_ENFORCEMENTS


class UngatedDestroy(msgspec.Struct, frozen=True):
    """A delete or replacement that no gated finding covers, and why: every destroy stays visible."""

    origin: str
    scope: str
    address: str
    type: str
    actions: tuple[Action, ...]
    replace_order: ReplaceOrder | None
    reason: str | None
    why_not_gated: str


class Verdict(msgspec.Struct, frozen=True):
    """Everything a reporter formats and the exit code is computed from."""

    plans: tuple[Plan, ...]
    findings: tuple[Finding, ...]
    destructive_digest: str
    decision: Decision
    approval_note: str | None = None  # set by the gate/guard when evidence was weighed
    ungated_destroys: tuple[UngatedDestroy, ...] = ()  # destroys that need no approval, with why
