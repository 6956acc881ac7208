"""The whole judgement in one call: load inputs, load rules and policy, evaluate. Used by every front door."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from planlint.config import DEFAULT_POLICY, Policy, load_policy
from planlint.model import Plan, Verdict

if TYPE_CHECKING:
    from pathlib import Path

    from planlint.inputs import ReadAhead
    from planlint.ruleset import RuleSet


def run_check(
    paths: Sequence[str],
    input_format: str | None = None,
    config_path: str | Path | None = None,
    rule_dirs: Sequence[str | Path] = (),
    policy: Policy | None = None,
    *,
    source: str | None = None,
    base_source: str | None = None,
    base_ref: str | None = None,
    templates: Sequence[str] = (),
    run_report: str | None = None,
) -> Verdict:
    """Judge the given plans/change sets. Raises PlanlintError subclasses on anything untrustworthy.

    `source`/`base_source` (Terraform source directories; or `base_ref`, the source at a git revision)
    locate changes in .tf files and add the protections the source change removes; with them `paths`
    may be empty (pre-commit). `templates` locate change-set findings at their logical ids' lines.
    A directory in `paths` is a set of stacks (Terragrunt `--json-out-dir`, or one plan per stack),
    checked against Terragrunt's `run_report` when given (see planlint.stacks).
    """
    stacks = run_report is not None or any(p != "-" and os.path.isdir(p) for p in paths)
    # A big first plan file is read on a second thread while the rules load (the kernel copies it with
    # the GIL released): what reading it raises is raised where it is loaded, after the rules' errors.
    ahead = _read_ahead(paths[0]) if paths and not stacks and paths[0] != "-" else None
    if policy is None:
        policy = load_policy(config_path) if config_path is not None else DEFAULT_POLICY
    # The rules are known before the plans are read, so each plan keeps only the attribute values a rule
    # can read and lets the rest of its file go as soon as it is loaded, and only counts the no-ops no
    # rule can match. Building the rule set and the catalogue makes no garbage cycles either.
    with _no_cyclic_gc():
        from planlint.loaders import load_inputs
        from planlint.ruleset import load_ruleset
        from planlint.shapes import no_op_reader, values_reader

        ruleset = load_ruleset(_rule_dirs(policy, rule_dirs))
        needs_values = values_reader(ruleset, policy)
        no_op_matters = no_op_reader(ruleset, policy)
        if stacks:
            from planlint.stacks import load_stacks

            plans = load_stacks(paths, input_format, run_report, needs_values, no_op_matters)
        else:
            plans = load_inputs(paths, input_format, needs_values, no_op_matters, ahead) if paths else []
    if source is not None or base_source is not None or base_ref is not None:
        from planlint.source.attach import with_source

        plans = with_source(plans, source, base_source, base_ref)
    if templates:
        from planlint.templates import read_template
        from planlint.templates.locate import locate_change_sets

        plans = locate_change_sets(plans, [read_template(t) for t in templates])
    with _no_cyclic_gc():
        return judge(plans, policy, rule_dirs, ruleset=ruleset)


def _read_ahead(origin: str) -> ReadAhead | None:
    from planlint.inputs import read_ahead

    return read_ahead(origin)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading a big plan allocates millions of objects and no reference cycles; the cyclic collector
    would rescan them again and again (15% of a 10k-change check). Afterwards they are frozen out of
    its way, and collection resumes for whatever comes next."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def judge(
    plans: Sequence[Plan],
    policy: Policy = DEFAULT_POLICY,
    rule_dirs: Sequence[str | Path] = (),
    *,
    ruleset: RuleSet | None = None,
) -> Verdict:
    """Evaluate already-loaded plans under a policy (the gate loads its policy from the PR's base commit).

    `ruleset`: the rules already loaded from the policy's and `rule_dirs`' directories, if the caller has them.
    """
    from planlint.engine import evaluate
    from planlint.ruleset import load_ruleset

    if ruleset is None:
        ruleset = load_ruleset(_rule_dirs(policy, rule_dirs))
    return evaluate(plans, ruleset, policy)


def _rule_dirs(policy: Policy, rule_dirs: Sequence[str | Path]) -> list[str | Path]:
    return [*policy.rule_dirs, *rule_dirs]
