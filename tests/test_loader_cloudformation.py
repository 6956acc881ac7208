"""The CloudFormation change-set loader against every real sample in the corpus and small synthetic cases.

Expected counts below were derived by reading each corpus file (see its PROVENANCE.md), not by running
the loader: Add -> create, Modify + Replacement False -> update, Modify + True/Conditional -> replace,
Remove -> delete, Import -> import.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.errors import InputError
from planlint.loaders.cloudformation import is_change_set, load_cloudformation
from planlint.model import Plan, ResourceChange

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cloudformation"

# file -> (action counts, destructive changes as (address, action, reason, PolicyAction)) or an error.
Expected = tuple[dict[str, int], set[tuple[str, str, str | None, str | None]]]
CORPUS_EXPECTED: dict[str, Expected | str] = {
    "ankon-explain-cloudformation-changeset/SampleChangeSet-addremove.json": (
        {"create": 2, "delete": 1},
        {("MyEC2Instance", "delete", "cfn_remove", None)},
    ),
    "ankon-explain-cloudformation-changeset/SampleChangeSet-direct.json": ({"update": 1}, set()),
    "ankon-explain-cloudformation-changeset/SampleChangeSet-multiple.json": (
        {"replace": 1},
        {("MyEC2Instance", "replace", "cfn_replacement_true", None)},
    ),
    "ankon-explain-cloudformation-changeset/SampleChangeSet.json": ({"update": 1}, set()),
    "aws-cli-examples/describe-change-set.json": ({"update": 1}, set()),
    "awsdocs-cloudformation-user-guide/nested-child-change-set.json": "its parent change set",
    "awsdocs-cloudformation-user-guide/nested-root-change-set.json": "nested change set was not given",
    "localstack/condition-remove-plus-add.prop-values.json": (
        {"delete": 1, "create": 1},
        {("SNSTopic", "delete", "cfn_remove", "Delete")},
    ),
    "localstack/create-add-with-replacement-true.prop-values.json": ({"create": 2}, set()),
    "localstack/failed-change-set.json": "change set FAILED: Transform AWS::Include failed",
    "localstack/failed-no-changes.json": ({}, set()),
    "localstack/modify-replace-true-no-policyaction-2022.json": (
        {"replace": 1},
        {("topic123", "replace", "cfn_replacement_true", None)},
    ),
    "localstack/modify-replace-true-plus-dynamic-eval.prop-values.json": (
        {"replace": 1, "update": 1},
        {("Foo", "replace", "cfn_replacement_true", "ReplaceAndDelete")},
    ),
    "localstack/modify-replace-true-ssm-parameter.json": (
        {"replace": 1, "update": 1},
        {("Parameter1", "replace", "cfn_replacement_true", "ReplaceAndDelete")},
    ),
    "localstack/modify-replace-true-ssm-parameter.prop-values.json": (
        {"replace": 1, "update": 1},
        {("Parameter1", "replace", "cfn_replacement_true", "ReplaceAndDelete")},
    ),
    "localstack/remove-delete-log-group.prop-values.json": (
        {"delete": 1},
        {("Role", "delete", "cfn_remove", "Delete")},
    ),
    "localstack/remove-delete-sns-topic.prop-values.json": (
        {"delete": 1},
        {("Topic2", "delete", "cfn_remove", "Delete")},
    ),
    "localstack/remove-three-ssm-parameters.prop-values.json": (
        {"delete": 3},
        {(name, "delete", "cfn_remove", "Delete") for name in ("A", "B", "C")},
    ),
    "localstack/sam-transform-add-and-remove.prop-values.json": (
        {"create": 6, "delete": 1},
        {("Parameter", "delete", "cfn_remove", "Delete")},
    ),
    "trek10-cfn-changeset-viewer/deletion-policies.json": (
        {"update": 1, "forget": 1, "replace": 1},  # Remove + Retain: removed from the stack, kept
        {
            ("BucketToReplace", "replace", "cfn_replacement_true", "ReplaceAndRetain"),
        },
    ),
    "trek10-cfn-changeset-viewer/import.json": ({"import": 1}, set()),
    "trek10-cfn-changeset-viewer/multiple.json": (
        {"create": 1, "delete": 1, "update": 2},
        {("BucketToRemove", "delete", "cfn_remove", "Delete")},
    ),
    "trek10-cfn-changeset-viewer/nested.json": "nested change set was not given",
    "trek10-cfn-changeset-viewer/nested.nested.json": "its parent change set",
    "trek10-cfn-changeset-viewer/new-stack-tags.json": ({"update": 1}, set()),
    "trek10-cfn-changeset-viewer/simple.json": ({"create": 1}, set()),
    "trek10-cfn-changeset-viewer/stack-tags.json": ({"update": 3}, set()),
    "trek10-cfn-changeset-viewer/unchanged-properties.json": ({"update": 1}, set()),
}


def _doc(path: Path) -> tuple[str, dict[str, Any], str]:
    data = path.read_bytes()
    return str(path), json.loads(data), hashlib.sha256(data).hexdigest()


def load(*paths: Path) -> list[Plan]:
    return load_cloudformation([_doc(p) for p in paths])


def load_one(path: Path) -> Plan:
    plans = load(path)
    assert len(plans) == 1, f"{path}: expected one Plan, got {len(plans)}"
    return plans[0]


def by_address(plan: Plan) -> dict[str, ResourceChange]:
    return {c.address: c for c in plan.changes}


def refusal(docs: list[tuple[str, dict[str, Any], str]]) -> InputError:
    with pytest.raises(InputError) as info:
        load_cloudformation(docs)
    return info.value


def test_table_covers_every_corpus_file(corpus: Path) -> None:
    files = {
        str(p.relative_to(corpus / "cloudformation")) for p in (corpus / "cloudformation").rglob("*.json")
    }
    assert files == set(CORPUS_EXPECTED), "corpus files and CORPUS_EXPECTED differ"


@pytest.mark.parametrize("rel", sorted(CORPUS_EXPECTED))
def test_corpus_file_loads_or_is_refused_for_its_reason(corpus: Path, rel: str) -> None:
    path = corpus / "cloudformation" / rel
    doc = _doc(path)
    assert is_change_set(doc[1]), f"{rel}: not detected as a change set"
    expected = CORPUS_EXPECTED[rel]
    if isinstance(expected, str):
        error = refusal([doc])
        assert expected in error.message, f"{rel}: refused for another reason: {error}"
        assert error.origin == str(path), f"{rel}: the error does not name the file"
        return
    counts, destructive = expected
    plan = load_one(path)
    got = Counter(a for c in plan.changes for a in c.actions)
    assert dict(got) == counts, f"{rel}: action counts"
    got_destructive = {
        (c.address, c.actions[0], c.reason, c.policy_action) for c in plan.changes if c.is_destructive
    }
    assert got_destructive == destructive, f"{rel}: destructive changes"
    assert plan.format == "cloudformation" and plan.tool == "cloudformation", rel
    assert plan.origin == str(path) and plan.input_sha256 == doc[2], rel
    assert plan.scope == doc[1]["StackName"], f"{rel}: scope is the stack name"
    assert all(c.platform == "cloudformation" for c in plan.changes), rel


def test_add_with_replacement_true_is_a_create(corpus: Path) -> None:
    rel = "localstack/create-add-with-replacement-true.prop-values.json"
    plan = load_one(corpus / "cloudformation" / rel)
    assert [c.actions for c in plan.changes] == [("create",), ("create",)], rel
    assert all(c.reason is None and c.replace_order is None for c in plan.changes), rel


def test_replacement_paths_and_recreation_details(corpus: Path) -> None:
    rel = "ankon-explain-cloudformation-changeset/SampleChangeSet-multiple.json"
    change = load_one(corpus / "cloudformation" / rel).changes[0]
    assert change.replace_order == "unknown", rel
    assert change.replace_paths == ("Properties.KeyName", "Properties.InstanceType"), rel
    text = "\n".join(change.details)
    assert "Properties.KeyName requires recreation (Always)" in text, rel
    assert "Properties.InstanceType requires recreation (Conditionally)" in text, rel
    assert "parameter KeyPairName" in text, f"{rel}: CausingEntity missing from details"
    assert "UpdateReplacePolicy Delete" in text, f"{rel}: inferred default not recorded"
    assert change.policy_action is None, f"{rel}: PolicyAction must not be invented"


def test_replace_path_from_target_path(corpus: Path) -> None:
    rel = "trek10-cfn-changeset-viewer/deletion-policies.json"
    changes = by_address(load_one(corpus / "cloudformation" / rel))
    assert changes["BucketToReplace"].replace_paths == ("Properties.BucketName",), rel


def test_retain_dropped_is_a_weakened_protection(corpus: Path) -> None:
    rel = "trek10-cfn-changeset-viewer/deletion-policies.json"
    change = by_address(load_one(corpus / "cloudformation" / rel))["BucketToRemoveDeletionPolices"]
    assert change.actions == ("update",), rel
    assert change.reason == "cfn_deletion_policy_removed", rel
    assert any("DeletionPolicy Retain -> removed" in d for d in change.details), rel
    assert any("UpdateReplacePolicy Retain -> removed" in d for d in change.details), rel


def test_string_and_decoded_contexts_give_the_same_values(corpus: Path) -> None:
    string_ctx = by_address(
        load_one(corpus / "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json")
    )
    assert string_ctx["BucketToReplace"].values.before() == {
        "Properties": {"BucketName": "deletion-policies-999999999999-us-east-2-bucket"},
        "UpdateReplacePolicy": "Retain",
        "DeletionPolicy": "Retain",
    }
    assert string_ctx["BucketToRemove"].values.after() is None
    decoded = by_address(
        load_one(corpus / "cloudformation/localstack/remove-delete-sns-topic.prop-values.json")
    )
    assert decoded["Topic2"].values.before() == {
        "Properties": {"DisplayName": "{{changeSet:KNOWN_AFTER_APPLY}}", "TopicName": "topic-name-2"}
    }


def test_failed_no_changes_is_a_clean_empty_plan(corpus: Path) -> None:
    rel = "localstack/failed-no-changes.json"
    plan = load_one(corpus / "cloudformation" / rel)
    assert plan.changes == () and plan.facts.status == "FAILED", rel
    assert any("no changes" in n for n in plan.notes), rel


def test_trek10_nested_root_and_child_become_one_plan(corpus: Path) -> None:
    folder = corpus / "cloudformation" / "trek10-cfn-changeset-viewer"
    # Child first: the order of the inputs must not matter.
    plans = load(folder / "nested.nested.json", folder / "nested.json")
    assert len(plans) == 1
    plan = plans[0]
    assert plan.origin == str(folder / "nested.json") and plan.scope == "nested"
    changes = by_address(plan)
    assert set(changes) == {
        "Stack",
        "Stack/BucketToAdd",
        "Stack/BucketToRemove",
        "Stack/BucketToReplace",
        "Stack/BucketToUpdate",
        "Stack/BucketWithTags",
    }
    assert changes["Stack"].module is None and changes["Stack"].actions == ("update",)
    assert changes["Stack/BucketToReplace"].module == "Stack"
    assert changes["Stack/BucketToReplace"].actions == ("replace",)
    assert changes["Stack/BucketToReplace"].policy_action == "ReplaceAndDelete"
    assert changes["Stack/BucketToRemove"].actions == ("delete",)
    assert changes["Stack/BucketToAdd"].actions == ("create",)
    assert plan.facts.nested_change_sets == (
        "arn:aws:cloudformation:us-east-2:999999999999:changeSet/"
        "testc4f86796-eb9c-41a5-8e1a-bc3417c58b35-Stack-KGNOPQQYR087/ff0dfd97-17fe-4da9-a561-86d6efe94b43",
    )


def test_awsdocs_nested_root_and_child_become_one_plan(corpus: Path) -> None:
    folder = corpus / "cloudformation" / "awsdocs-cloudformation-user-guide"
    plan = load_one_of(load(folder / "nested-root-change-set.json", folder / "nested-child-change-set.json"))
    assert [(c.address, c.actions, c.module) for c in plan.changes] == [
        ("ChildStack", ("update",), None),
        ("ChildStack/function", ("update",), "ChildStack"),
    ]
    assert plan.scope == "my-root-stack" and len(plan.facts.nested_change_sets) == 1


def load_one_of(plans: list[Plan]) -> Plan:
    assert len(plans) == 1
    return plans[0]


def test_missing_child_names_the_change_set_to_fetch(corpus: Path) -> None:
    path = corpus / "cloudformation/awsdocs-cloudformation-user-guide/nested-root-change-set.json"
    error = refusal([_doc(path)])
    assert "aws cloudformation describe-change-set --change-set-name arn:aws:cloudformation:us-west-2:" in (
        error.message
    )
    assert "my-nested-stack-change-set" in error.message and error.origin == str(path)


def test_child_without_its_root_is_refused(corpus: Path) -> None:
    path = corpus / "cloudformation/trek10-cfn-changeset-viewer/nested.nested.json"
    error = refusal([_doc(path)])
    assert error.origin == str(path)
    assert "c4cceb1c-0cf4-4cba-9b39-cbd14d47feca" in error.message


def test_child_of_another_root_is_refused(corpus: Path) -> None:
    folder = corpus / "cloudformation"
    child = _doc(folder / "awsdocs-cloudformation-user-guide/nested-child-change-set.json")
    root = _doc(folder / "trek10-cfn-changeset-viewer/simple.json")
    error = refusal([root, child])
    assert error.origin == child[0] and "parent change set" in error.message


def test_same_change_set_twice_is_refused(corpus: Path) -> None:
    doc = _doc(corpus / "cloudformation/trek10-cfn-changeset-viewer/simple.json")
    error = refusal([doc, ("-", doc[1], doc[2])])
    assert error.origin == "-" and "give each change set once" in error.message


def test_two_unrelated_roots_give_two_plans(corpus: Path) -> None:
    folder = corpus / "cloudformation/trek10-cfn-changeset-viewer"
    plans = load(folder / "simple.json", folder / "multiple.json")
    assert [p.scope for p in plans] == ["simple", "multiple"]


def test_grandchild_addresses_carry_the_whole_stack_path(corpus: Path) -> None:
    folder = corpus / "cloudformation/awsdocs-cloudformation-user-guide"
    root_doc, child_doc = (
        _doc(folder / n) for n in ("nested-root-change-set.json", "nested-child-change-set.json")
    )
    child = copy.deepcopy(child_doc[1])
    grandchild_id = "arn:aws:cloudformation:us-west-2:123456789012:changeSet/grandchild/0000"
    child["Changes"].append(
        {
            "Type": "Resource",
            "ResourceChange": {
                "Action": "Modify",
                "LogicalResourceId": "Inner",
                "PhysicalResourceId": "arn:aws:cloudformation:us-west-2:123456789012:stack/inner/1",
                "ResourceType": "AWS::CloudFormation::Stack",
                "Replacement": "False",
                "ChangeSetId": grandchild_id,
                "Scope": ["Properties"],
                "Details": [],
            },
        }
    )
    grandchild = {
        "_synthetic": "built in this test from the awsdocs sample",
        "ChangeSetId": grandchild_id,
        "StackName": "inner",
        "StackId": "arn:aws:cloudformation:us-west-2:123456789012:stack/inner/1",
        "ParentChangeSetId": child["ChangeSetId"],
        "RootChangeSetId": root_doc[1]["ChangeSetId"],
        "Status": "CREATE_COMPLETE",
        "ExecutionStatus": "UNAVAILABLE",
        "Changes": [
            {
                "Type": "Resource",
                "ResourceChange": {
                    "Action": "Remove",
                    "LogicalResourceId": "Db",
                    "PhysicalResourceId": "db-1",
                    "ResourceType": "AWS::RDS::DBCluster",
                    "PolicyAction": "Snapshot",
                },
            }
        ],
    }
    plan = load_one_of(
        load_cloudformation(
            [root_doc, (child_doc[0], child, child_doc[2]), ("grandchild.json", grandchild, "0")]
        )
    )
    changes = by_address(plan)
    assert changes["ChildStack/Inner/Db"].module == "ChildStack/Inner"
    assert changes["ChildStack/Inner/Db"].actions == ("delete",)
    assert len(plan.facts.nested_change_sets) == 2
    # The grandchild alone (its parent given, but not pointing at it) is refused.
    child["Changes"].pop()
    error = refusal([root_doc, (child_doc[0], child, child_doc[2]), ("grandchild.json", grandchild, "0")])
    assert error.origin == "grandchild.json" and "is not named by any nested stack change" in error.message


# --- synthetic fixtures: shapes no public sample shows ------------------------------------------------


def test_fixtures_say_they_are_synthetic() -> None:
    for path in FIXTURES.glob("synthetic-*.json"):
        assert json.loads(path.read_text())["_synthetic"].startswith("synthetic"), path.name


def test_next_token_is_a_missing_page() -> None:
    path = FIXTURES / "synthetic-next-token.json"
    error = refusal([_doc(path)])
    assert error.origin == str(path)
    assert "a page is missing" in error.message
    assert "aws cloudformation describe-change-set --change-set-name" in error.message
    assert "--starting-token AAAAsyntheticPageTokenForPlanlintTests" in error.message


def test_dynamic_on_an_existing_resource_is_judged_a_replacement() -> None:
    path = FIXTURES / "synthetic-dynamic.json"
    changes = by_address(load_one(path))
    db = changes["Database"]
    assert db.actions == ("replace",) and db.reason == "cfn_replacement_conditional", path.name
    assert db.replace_order == "unknown" and db.replace_paths == ("Properties.DBInstanceClass",), path.name
    assert any("Action Dynamic" in d for d in db.details), path.name
    assert changes["NewTopic"].actions == ("create",), f"{path.name}: nothing exists yet, nothing to lose"


def test_resource_level_conditional_replacement() -> None:
    path = FIXTURES / "synthetic-conditional-replacement.json"
    change = load_one(path).changes[0]
    assert change.actions == ("replace",) and change.reason == "cfn_replacement_conditional", path.name
    assert change.replace_paths == ("Properties.EngineMode",), (
        f"{path.name}: Never targets are not replace paths"
    )
    assert change.policy_action == "ReplaceAndSnapshot", path.name
    assert any("decides at execution" in d for d in change.details), path.name


def test_snapshot_policies_and_inferred_rds_default() -> None:
    path = FIXTURES / "synthetic-snapshot-policies.json"
    changes = by_address(load_one(path))
    assert (changes["OldCluster"].actions, changes["OldCluster"].policy_action) == (("delete",), "Snapshot")
    volume = changes["DataVolume"]
    assert (volume.actions, volume.policy_action) == (("replace",), "ReplaceAndSnapshot"), path.name
    assert volume.reason == "cfn_replacement_true", path.name
    legacy = changes["LegacyDb"]
    assert legacy.policy_action is None, f"{path.name}: an absent PolicyAction stays absent"
    assert any(
        "assumed DeletionPolicy Snapshot" in d and "without DBClusterIdentifier" in d for d in legacy.details
    )


def test_sync_with_actual_and_drift() -> None:
    path = FIXTURES / "synthetic-sync-with-actual.json"
    plan = load_one(path)
    changes = by_address(plan)
    assert changes["Logs"].actions == ("update",) and changes["Logs"].reason is None, path.name
    assert any("SyncWithActual" in d for d in changes["Logs"].details), path.name
    assert changes["Table"].actions == ("update",), path.name
    assert plan.facts.drift_count == 2, path.name
    assert any("REVERT_DRIFT" in n for n in plan.notes), path.name


def test_cdk_metadata_replacement_is_noise() -> None:
    path = FIXTURES / "synthetic-cdk-metadata.json"
    plan = load_one(path)
    assert [c.address for c in plan.changes] == ["Handler"], path.name
    assert any("AWS::CDK::Metadata" in n for n in plan.notes), path.name


def test_unknown_status_is_refused() -> None:
    path = FIXTURES / "synthetic-unknown-status.json"
    error = refusal([_doc(path)])
    assert error.origin == str(path) and "unknown change set Status 'CREATE_QUEUED'" in error.message


def test_policy_change_without_values_is_judged_weakened() -> None:
    path = FIXTURES / "synthetic-deletion-policy-no-values.json"
    change = load_one(path).changes[0]
    assert change.actions == ("update",) and change.reason == "cfn_deletion_policy_removed", path.name
    assert any("--include-property-values" in d for d in change.details), path.name


# --- fail closed on anything unknown or unready ----------------------------------------------------------

BASE = "synthetic-conditional-replacement.json"


def _mutated(change: dict[str, Any] | None = None, **top: Any) -> tuple[str, dict[str, Any], str]:
    origin, doc, sha = _doc(FIXTURES / BASE)
    doc["Changes"][0]["ResourceChange"].update(change or {})
    doc.update(top)
    return origin, doc, sha


@pytest.mark.parametrize(
    ("change", "top", "message"),
    [
        ({"Action": "Obliterate"}, {}, "unknown Action 'Obliterate'"),
        ({"Replacement": "Maybe"}, {}, "unknown Replacement 'Maybe'"),
        ({"PolicyAction": "Shred"}, {}, "unknown PolicyAction 'Shred'"),
        ({"Replacement": None}, {}, "Modify without Replacement"),
        ({"BeforeContext": "{not json"}, {}, "BeforeContext is not valid JSON"),
        ({"Details": [{"Target": {"RequiresRecreation": "Sometimes"}}]}, {}, "unknown RequiresRecreation"),
        ({"LogicalResourceId": None}, {}, "no LogicalResourceId"),
        ({}, {"Status": "CREATE_PENDING"}, "not ready"),
        ({}, {"Status": "CREATE_IN_PROGRESS"}, "wait change-set-create-complete"),
        ({}, {"Status": "DELETE_COMPLETE"}, "was deleted"),
        ({}, {"Status": None}, "unknown change set Status None"),
        ({}, {"ExecutionStatus": "EXECUTE_SOMEDAY"}, "unknown change set ExecutionStatus"),
        ({}, {"Status": "FAILED", "StatusReason": "Template error: oops"}, "FAILED: Template error: oops"),
        ({}, {"Changes": "all of them"}, "has no Changes list"),
        ({}, {"Changes": [{"Type": "Hook", "ResourceChange": {}}]}, "unknown Type 'Hook'"),
    ],
)
def test_unknown_or_unready_input_is_refused(
    change: dict[str, Any], top: dict[str, Any], message: str
) -> None:
    error = refusal([_mutated(change, **top)])
    assert message in error.message, f"{BASE}: {error}"
    assert error.origin == str(FIXTURES / BASE), f"{BASE}: the error does not name the file"


def test_nested_stack_modify_without_nested_change_set_is_refused() -> None:
    doc = _mutated({"ResourceType": "AWS::CloudFormation::Stack", "Replacement": "False"})
    error = refusal([doc])
    assert "--include-nested-stacks" in error.message and error.origin == doc[0]


def test_removed_nested_stack_needs_no_child() -> None:
    plan = load_one_of(
        load_cloudformation([_mutated({"ResourceType": "AWS::CloudFormation::Stack", "Action": "Remove"})])
    )
    assert plan.changes[0].actions == ("delete",)
    assert any("whole nested stack" in d for d in plan.changes[0].details)


def test_detection() -> None:
    assert is_change_set(_doc(FIXTURES / BASE)[1])
    assert not is_change_set({"format_version": "1.2", "resource_changes": []})
    assert not is_change_set({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})


# --- malformed input: never a traceback, always an InputError naming the file ------------------------

JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (the places a mutation can hit)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_slots(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_slots(item, (*path, index)))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_change_sets_never_crash(corpus: Path, data: st.DataObject) -> None:
    paths = sorted(FIXTURES.glob("synthetic-*.json")) + [
        corpus / "cloudformation" / rel
        for rel in (
            "trek10-cfn-changeset-viewer/deletion-policies.json",
            "localstack/sam-transform-add-and-remove.prop-values.json",
            "ankon-explain-cloudformation-changeset/SampleChangeSet-multiple.json",
        )
    ]
    path = data.draw(st.sampled_from(paths))
    origin, doc, sha = _doc(path)
    for _ in range(data.draw(st.integers(1, 3))):
        slot = data.draw(st.sampled_from(_slots(doc)[1:]))
        parent = doc
        for step in slot[:-1]:
            parent = parent[step]
        parent[slot[-1]] = data.draw(JSON_VALUE)
    try:
        load_cloudformation([(origin, doc, sha)])
    except InputError as error:
        assert error.origin == origin and error.message


@pytest.mark.parametrize(
    ("before", "after", "weakened"),
    [
        ({"UpdateReplacePolicy": "Snapshot"}, {}, True),
        ({"UpdateReplacePolicy": "Retain"}, {"UpdateReplacePolicy": "Snapshot"}, True),
        ({}, {"UpdateReplacePolicy": "Retain"}, False),
        ({"UpdateReplacePolicy": "Snapshot"}, {"UpdateReplacePolicy": "Retain"}, False),
    ],
)
def test_policy_change_seen_only_in_scope_and_contexts(
    before: dict[str, str], after: dict[str, str], weakened: bool
) -> None:
    doc = _mutated(
        {
            "Replacement": "False",
            "PolicyAction": None,
            "Scope": ["UpdateReplacePolicy"],
            "Details": [],
            "BeforeContext": json.dumps({"Properties": {}, **before}),
            "AfterContext": json.dumps({"Properties": {}, **after}),
        }
    )
    change = load_one_of(load_cloudformation([doc])).changes[0]
    assert change.actions == ("update",)
    assert (change.reason == "cfn_deletion_policy_removed") is weakened, change.details


@pytest.mark.parametrize(
    ("before", "after", "weakened"),
    [
        # on an update RetainExceptOnCreate protects as Retain does: neither direction weakens
        ("Retain", "RetainExceptOnCreate", False),
        ("RetainExceptOnCreate", "Retain", False),
        ("RetainExceptOnCreate", "Snapshot", True),
        ("Snapshot", "Delete", True),
        # a policy this planlint does not know may have protected: dropping it to Delete is asked about
        ("RetainForever", "Delete", True),
        ("RetainForever", "Snapshot", True),
        ("RetainForever", "Retain", False),
        ("Delete", "RetainForever", True),
        # absent: CloudFormation's default, Snapshot for this AWS::RDS::DBCluster
        (None, "Snapshot", False),
        (None, "Delete", True),
        ("Snapshot", None, False),
        ("Retain", None, True),
    ],
)
def test_deletion_policy_change_weakens_only_when_protection_drops(
    before: str | None, after: str | None, weakened: bool
) -> None:
    doc = _mutated(
        {
            "Replacement": "False",
            "PolicyAction": None,
            "Scope": ["DeletionPolicy"],
            "Details": [],
            "BeforeContext": json.dumps({"Properties": {}, **({"DeletionPolicy": before} if before else {})}),
            "AfterContext": json.dumps({"Properties": {}, **({"DeletionPolicy": after} if after else {})}),
        }
    )
    change = load_one_of(load_cloudformation([doc])).changes[0]
    assert change.type == "AWS::RDS::DBCluster"
    assert (change.reason == "cfn_deletion_policy_removed") is weakened, change.details


@pytest.mark.parametrize("action", ["Remove", "Modify"])
def test_an_assumed_policy_says_whether_the_template_confirmed_it(action: str) -> None:
    """Without PolicyAction the policy is inferred; the detail says when no BeforeContext backs it."""
    change = {"Action": action, "PolicyAction": None, "Replacement": "True", "Scope": ["Properties"]}
    unconfirmed = "(the change set has no BeforeContext to confirm the template)"
    blind = load_one_of(load_cloudformation([_mutated({**change, "BeforeContext": None})])).changes[0]
    assert any(unconfirmed in d for d in blind.details), blind.details
    context = json.dumps({"Properties": {}})
    seen = load_one_of(load_cloudformation([_mutated({**change, "BeforeContext": context})])).changes[0]
    assert any("no PolicyAction in this change set; assumed" in d for d in seen.details), seen.details
    assert not any(unconfirmed in d for d in seen.details), seen.details


def test_replace_policy_action_overrides_replacement_false() -> None:
    never = [{"Target": {"Attribute": "Properties", "RequiresRecreation": "Never", "Name": "EngineMode"}}]
    doc = _mutated({"Replacement": "False", "PolicyAction": "ReplaceAndDelete", "Details": never})
    change = load_one_of(load_cloudformation([doc])).changes[0]
    assert change.actions == ("replace",) and change.reason == "cfn_replacement_conditional", BASE
    assert any("Replacement False but PolicyAction ReplaceAndDelete" in d for d in change.details), BASE
