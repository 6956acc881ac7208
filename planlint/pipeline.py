"""The whole judgement in one call: load inputs, load rules and policy, evaluate. Used by every front door."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planlint.config import DEFAULT_POLICY, Policy, load_policy
from planlint.model import Plan, Verdict


def run_check(
    paths: Sequence[str],
    input_format: str | None = None,
    config_path: str | Path | None = None,
    rule_dirs: Sequence[str | Path] = (),
    policy: Policy | None = None,
) -> Verdict:
    """Judge the given plans/change sets. Raises PlanlintError subclasses on anything untrustworthy."""
    from planlint.loaders import load_inputs

    if policy is None:
        policy = load_policy(config_path) if config_path is not None else DEFAULT_POLICY
    plans = load_inputs(paths, input_format)
    return judge(plans, policy, rule_dirs)


def judge(
    plans: Sequence[Plan], policy: Policy = DEFAULT_POLICY, rule_dirs: Sequence[str | Path] = ()
) -> Verdict:
    """Evaluate already-loaded plans under a policy (the gate loads its policy from the PR's base commit)."""
    from planlint.engine import evaluate
    from planlint.ruleset import load_ruleset

    ruleset = load_ruleset([*policy.rule_dirs, *(Path(d) for d in rule_dirs)])
    return evaluate(plans, ruleset, policy)
