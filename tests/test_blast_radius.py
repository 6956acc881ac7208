"""Plan-wide counts behind the teardown rules, and the tag/address/module patterns of the policy.

Synthetic changes built in memory from the change model.
"""

from __future__ import annotations

from planlint.blast_radius import PlanCondition, condition_holds, outermost_module, plan_stats
from planlint.config import Patterns
from planlint.model import Plan, PlanFacts, ResourceChange, Values
from planlint.patterns import resource_matches, resource_tags


def _change(address: str, actions: tuple[str, ...], **kwargs: object) -> ResourceChange:
    return ResourceChange(
        address=address, type="aws_iam_role", platform="terraform", actions=actions, **kwargs
    )  # type: ignore[arg-type]


def _plan(*changes: ResourceChange, destroy_mode: bool = False) -> Plan:
    return Plan(
        origin="synthetic.json",
        format="terraform",
        tool="terraform",
        tool_version=None,
        format_version="1.2",
        changes=changes,
        facts=PlanFacts(destroy_mode=destroy_mode),
    )


def test_counts_leave_out_data_sources_deposed_objects_replacements_and_forgets() -> None:
    stats = plan_stats(
        _plan(
            _change("aws_iam_role.a", ("delete",)),
            _change("aws_iam_role.b", ("delete",), deposed="00000001"),
            _change("data.aws_iam_policy.c", ("read",), mode="data"),
            _change("aws_iam_role.d", ("replace",)),
            _change("aws_iam_role.e", ("forget",)),
            _change("aws_iam_role.f", ("no-op",)),
        )
    )
    assert (stats.deletes, stats.managed) == (1, 4)
    assert stats.share == 0.25


def test_removed_module_counts_are_per_outermost_instance() -> None:
    def gone(address: str, module: str) -> ResourceChange:
        return _change(address, ("delete",), reason="delete_because_no_module", module=module)

    stats = plan_stats(
        _plan(
            gone('module.t["a"].aws_iam_role.x', 'module.t["a"]'),
            gone('module.t["a"].module.db.aws_iam_role.y', 'module.t["a"].module.db'),
            gone('module.t["b"].aws_iam_role.x', 'module.t["b"]'),
        )
    )
    assert stats.removed_modules == {'module.t["a"]': 2, 'module.t["b"]': 1}
    inner = gone('module.t["a"].module.db.aws_iam_role.y', 'module.t["a"].module.db')
    assert condition_holds(PlanCondition(module_min_deletes=2), stats, inner)
    assert not condition_holds(PlanCondition(module_min_deletes=3), stats, inner)
    assert condition_holds(PlanCondition(module_min_deletes=3), stats, inner, {"module_min_deletes": 2})


def test_outermost_module() -> None:
    assert outermost_module('module.t["acme.io"].module.x') == 'module.t["acme.io"]'
    assert outermost_module("module.c[0].module.d[1]") == "module.c[0]"
    assert outermost_module("") == ""


def test_thresholds_and_policy_overrides() -> None:
    deletes = [_change(f"aws_iam_role.r{i}", ("delete",)) for i in range(4)]
    stats = plan_stats(_plan(*deletes, _change("aws_iam_role.keep", ("no-op",))))
    rule = PlanCondition(destroy_mode=False, min_deletes=5, delete_share=0.5)
    assert not condition_holds(rule, stats, deletes[0])
    assert condition_holds(rule, stats, deletes[0], {"min_deletes": 4})
    assert not condition_holds(rule, stats, deletes[0], {"min_deletes": 4, "delete_share": 0.9})
    # A policy cannot add a condition the rule does not use.
    assert condition_holds(PlanCondition(destroy_mode=False), stats, deletes[0], {"min_deletes": 99})
    destroy = plan_stats(_plan(*deletes, destroy_mode=True))
    assert condition_holds(PlanCondition(destroy_min_deletes=2), destroy, deletes[0])
    assert not condition_holds(PlanCondition(destroy_min_deletes=2), stats, deletes[0])
    assert not condition_holds(PlanCondition(destroy_mode=False, min_deletes=1), destroy, deletes[0])


def _tagged(before: object, address: str = "x.y", module: str | None = None) -> ResourceChange:
    return ResourceChange(
        address=address,
        type="x",
        platform="terraform",
        actions=("delete",),
        module=module,
        values=Values.of(before, None),
    )


def test_tags_from_every_shape() -> None:
    assert resource_tags(_tagged({"tags_all": {"env": "prod", "team": "db"}}))["env"] == "prod"
    assert resource_tags(_tagged({"labels": {"env": "prod"}}))["env"] == "prod"
    assert resource_tags(_tagged({"metadata": [{"labels": {"env": "prod"}}]}))["env"] == "prod"
    cfn = {"Properties": {"Tags": [{"Key": "env", "Value": "prod"}, {"Key": "x"}]}}
    assert resource_tags(_tagged(cfn)) == {"env": "prod"}
    assert resource_tags(_tagged(None)) == {}


def test_patterns_match_address_module_or_tag() -> None:
    protect = Patterns(addresses=("aws_db_*.prod",), modules=("module.core*",), tags={"env": "prod*"})
    assert resource_matches(protect, _tagged({}, address="aws_db_instance.prod"))
    assert resource_matches(protect, _tagged({}, address="module.core.x.y", module="module.core"))
    assert resource_matches(protect, _tagged({"tags": {"env": "production"}}))
    assert not resource_matches(protect, _tagged({"tags": {"env": "dev"}}, address="aws_db_instance.dev"))
    assert not resource_matches(Patterns(), _tagged({"tags": {"env": "prod"}}))
