"""`.planlint.yml`: schema errors with a did-you-mean, and what each setting does to a verdict.

Plans here are synthetic, built in memory from the change model (a handful of changes each).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.config import Policy, parse_policy
from planlint.errors import ConfigError
from planlint.model import Plan, ResourceChange, Values
from planlint.pipeline import judge

TODAY = datetime.date(2026, 6, 1)


def _policy(text: str) -> Policy:
    return parse_policy(text, ".planlint.yml", today=TODAY)


def _plan(*changes: ResourceChange) -> Plan:
    return Plan(
        origin="synthetic-plan.json",
        format="terraform",
        tool="terraform",
        tool_version="1.9.5",
        format_version="1.2",
        changes=changes,
    )


def _delete(
    address: str, type_: str, before: dict[str, object] | None = None, module: str | None = None
) -> ResourceChange:
    return ResourceChange(
        address=address,
        type=type_,
        platform="terraform",
        actions=("delete",),
        reason="delete_because_no_resource_config",
        module=module,
        values=Values.of(before or {}, None),
    )


BUCKET = _delete("aws_s3_bucket.scratch_1", "aws_s3_bucket", {"bucket": "scratch-1"})
WAIVER = """
waivers:
  - rule: PL001
    address: aws_s3_bucket.scratch*
    reason: scratch buckets are recreated by the nightly job
    expires: {expires}
"""


def test_full_policy_parses() -> None:
    policy = _policy(
        """
version: 1
rules:
  PL001: {severity: critical}
approval: {label: "destroy-ok", approvals: 2, teams: [acme/platform]}
protect: {addresses: ["aws_db_instance.prod_*"], modules: ["module.core*"], tags: {env: prod}}
allow_destroy: {modules: ["module.legacy*"]}
stateful_types: {acme_database: data, "Acme::Db::Cluster": data}
blast_radius: {min_deletes: 10, delete_share: 0.3, module_min_deletes: 1}
"""
        + WAIVER.format(expires="2026-12-31")
    )
    assert policy.rules["PL001"].severity == "critical"
    assert policy.approval.approvals == 2 and policy.approval.teams == ("acme/platform",)
    assert policy.protect.tags == {"env": "prod"} and policy.protect.modules == ("module.core*",)
    assert policy.allow_destroy.modules == ("module.legacy*",)
    assert policy.stateful_types == {"acme_database": "data", "Acme::Db::Cluster": "data"}
    assert policy.blast_radius == {"min_deletes": 10, "delete_share": 0.3, "module_min_deletes": 1}
    assert policy.waivers[0].expires == datetime.date(2026, 12, 31)
    assert policy.as_of == TODAY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("protec: {tags: {env: prod}}", r"\(top level\): unknown key 'protec' \(did you mean 'protect'\?\)"),
        ("protect: {tag: {env: prod}}", r"protect: unknown key 'tag' \(did you mean 'tags'\?\)"),
        (
            "blast_radius: {min_delete: 3}",
            r"blast_radius: unknown key 'min_delete' \(did you mean 'min_deletes'\?\)",
        ),
        (
            "waivers: [{rule: PL001, adress: x, reason: long enough reason, expires: 2026-01-01}]",
            r"did you mean 'address'",
        ),
        (WAIVER.format(expires="2026-02-30"), r"waivers/0/expires: '2026-02-30' is not a calendar date"),
        (WAIVER.format(expires="soon"), r"waivers/0/expires: 'soon' does not match"),
        ("stateful_types: {acme_db: database}", r"stateful_types/acme_db: 'database' is not one of"),
        ("blast_radius: {delete_share: 1.5}", r"blast_radius/delete_share: 1.5 is greater than"),
        ("rules: [PL001]", r"rules: \['PL001'\] is not of type 'object'"),
        ("protect: {tags: {env: prod}", r"line \d+: invalid YAML"),
    ],
)
def test_bad_policy_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        _policy(text)
    assert str(caught.value).startswith(".planlint.yml: ")


def test_active_waiver_waives_and_leaves_the_digest_of_nothing() -> None:
    waived = judge([_plan(BUCKET)], _policy(WAIVER.format(expires="2026-06-01")))
    unwaived = judge([_plan()], _policy(""))
    pl001 = [f for f in waived.findings if f.rule_id == "PL001"]
    assert len(pl001) == 1 and pl001[0].waived_by is not None
    assert "scratch buckets are recreated" in pl001[0].waived_by
    assert waived.decision == "pass"
    assert waived.destructive_digest == unwaived.destructive_digest


def test_expired_waiver_is_a_finding_not_a_silent_pass() -> None:
    verdict = judge([_plan(BUCKET)], _policy(WAIVER.format(expires="2026-05-31")))
    pl001 = next(f for f in verdict.findings if f.rule_id == "PL001")
    assert pl001.waived_by is None and pl001.gated
    assert "expired on 2026-05-31" in pl001.message
    expired = [f for f in verdict.findings if f.rule_id == "PL021"]
    assert len(expired) == 1 and expired[0].enforcement == "warn"
    assert "waivers[0]" in expired[0].message and "aws_s3_bucket.scratch_1" in expired[0].message
    assert verdict.decision == "approval_required"


def test_waiver_without_a_date_to_judge_against_is_not_applied() -> None:
    policy = parse_policy(WAIVER.format(expires="2099-01-01"), ".planlint.yml")
    undated = Policy(waivers=policy.waivers)  # as_of None: fail closed
    assert judge([_plan(BUCKET)], undated).decision == "approval_required"


def test_waiver_for_another_rule_or_address_does_nothing() -> None:
    policy = _policy(WAIVER.format(expires="2026-12-31").replace("scratch*", "logs*"))
    assert judge([_plan(BUCKET)], policy).decision == "approval_required"


def test_allow_destroy_waives_but_protect_wins() -> None:
    legacy_db = _delete(
        "module.legacy.aws_db_instance.old", "aws_db_instance", {"tags": {"env": "dev"}}, "module.legacy"
    )
    legacy_prod = _delete(
        "module.legacy.aws_s3_bucket.b", "aws_s3_bucket", {"tags": {"env": "prod"}}, "module.legacy"
    )
    policy = _policy("allow_destroy: {modules: ['module.legacy*']}\nprotect: {tags: {env: prod}}")
    verdict = judge([_plan(legacy_db, legacy_prod)], policy)
    by_key = {(f.rule_id, f.address): f for f in verdict.findings}
    assert by_key["PL001", legacy_db.address].waived_by == "policy allow_destroy: may be destroyed freely"
    assert by_key["PL020", legacy_prod.address].waived_by is None
    assert verdict.decision == "approval_required"
    only_dev = judge([_plan(legacy_db)], policy)
    assert only_dev.decision == "pass"


def test_extra_stateful_types_are_judged_like_the_catalogue() -> None:
    custom = _delete("acme_database.main", "acme_database")
    unknown = judge([_plan(custom)], _policy(""))
    assert [(f.rule_id, f.severity, f.gated) for f in unknown.findings] == [("PL004", "high", True)]
    verdict = judge([_plan(custom)], _policy("stateful_types: {acme_database: data}"))
    assert [f.rule_id for f in verdict.findings] == ["PL001"]
    assert "declared stateful in policy" in verdict.findings[0].message


def test_unknown_type_is_asked_about_and_the_policy_classes_it() -> None:
    widget = _delete("acme_widget.main", "acme_widget")
    verdict = judge([_plan(widget)], _policy(""))
    assert [(f.rule_id, f.severity, f.enforcement) for f in verdict.findings] == [
        ("PL003", "medium", "approve")
    ]
    message = verdict.findings[0].message
    assert "planlint does not know" in message
    assert (
        "`stateful_types: {acme_widget: data}`" in message and "`stateless_types: [acme_widget]`" in message
    )
    assert judge([_plan(widget)], _policy("stateless_types: [acme_widget]")).findings == ()
    warned = judge([_plan(widget)], _policy("unknown_types: warn"))
    assert warned.decision == "pass" and [f.enforcement for f in warned.findings] == ["warn"]
    # a per-rule override is more specific than the unknown_types default
    both = judge([_plan(widget)], _policy("unknown_types: info\nrules: {PL003: {enforcement: deny}}"))
    assert [f.enforcement for f in both.findings] == ["deny"]


def test_policy_cannot_declare_a_catalogued_type_stateless() -> None:
    with pytest.raises(ConfigError, match="stateless_types: aws_s3_bucket is stateful"):
        judge([_plan(BUCKET)], _policy("stateless_types: [aws_s3_bucket]"))


def test_policy_names_cloudformation_custom_resource_types() -> None:
    policy = _policy(
        "stateful_types: {'Custom::S3AutoDeleteObjects': data}\nstateless_types: ['Custom::Noop']"
    )
    assert policy.stateful_types == {"Custom::S3AutoDeleteObjects": "data"}
    assert policy.stateless_types == ("Custom::Noop",)
    with pytest.raises(ConfigError, match="stateful_types"):
        _policy("stateful_types: {'Custom::Two::Colons::Four': data}")


def test_rule_override_changes_enforcement() -> None:
    verdict = judge([_plan(BUCKET)], _policy("rules: {PL001: {enforcement: warn}}"))
    assert verdict.decision == "pass" and verdict.findings[0].enforcement == "warn"


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / ".planlint.yml"
    path.write_text(text)
    return str(path)


def test_config_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "rules: {PL001: {severity: critical}}\n" + WAIVER.format(expires="2020-01-01"))
    assert main(["config", "validate", path]) == 0
    out, err = capsys.readouterr()
    assert "valid (1 rule override(s); 1 waiver(s)" in out
    assert "waivers[0] (PL001 for 'aws_s3_bucket.scratch*') expired on 2020-01-01" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rules: {PL013: {severity: low}, PL093: {severity: low}}",
            "rules: no loaded rule 'PL093'; did you mean",
        ),
        (WAIVER.format(expires="2030-01-01").replace("PL001", "PL999"), "waivers: no loaded rule 'PL999'"),
        ("stateful_types: {aws_s3_bucket: environment}", "catalogue already lists it as 'data'"),
        ("protec: {}", "did you mean 'protect'?"),
    ],
)
def test_config_validate_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert main(["config", "validate", _write(tmp_path, text)]) == 2
    assert message in capsys.readouterr().err


def test_config_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "validate", str(tmp_path / "nope.yml")]) == 2
    assert "config file not found" in capsys.readouterr().err


# Type names as the loaders produce them, none of them catalogued: Terraform, CloudFormation (a registry
# type, a module `::MODULE`, a custom resource) and Pulumi type tokens (bridged and native providers).
UNKNOWN_TYPE_NAMES = (
    "acme_widget",
    "Acme::Service::Widget",
    "Acme::Service::Widget::MODULE",
    "Custom::WidgetCleaner",
    "acme:index/widget:Widget",
    "azure-native:acme:Widget",
    "acme-co:widgets/v1:Widget",
)


@pytest.mark.parametrize("name", UNKNOWN_TYPE_NAMES)
def test_the_suggested_classing_of_an_unknown_type_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """What `planlint catalogue TYPE` tells the user to write is accepted by `planlint config validate`."""
    assert main(["catalogue", name]) == 1  # unknown
    out = capsys.readouterr().out
    snippets = re.findall(r"`([^`]+)`", out)
    assert [s.split(":", 1)[0] for s in snippets] == ["stateful_types", "stateless_types"], out
    for snippet in snippets:
        assert main(["config", "validate", _write(tmp_path, snippet + "\n")]) == 0, snippet
        assert "valid" in capsys.readouterr().out
