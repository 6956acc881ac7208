"""`planlint diff`: a stateful resource whose fate hangs on what the templates do not resolve is asked about.

Real templates from the corpus with one textual edit, and small synthetic templates (written by the
tests, labelled synthetic) for SAM, modules and macros, which the corpus has none of.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planlint.cli import main
from planlint.model import ResourceChange
from planlint.pipeline import judge
from planlint.templates import read_template
from planlint.templates.diff import diff_templates

TEMPLATES = "cloudformation-templates/aws-cloudformation-templates"
REPLICA = "RDS_MySQL_With_Read_Replica.yaml"


def _edited(corpus: Path, tmp_path: Path, name: str, *edits: tuple[str, str]) -> tuple[str, str]:
    original = corpus / TEMPLATES / name
    text = original.read_text()
    for old, new in edits:
        assert old in text, f"{name} no longer contains {old!r}"
        text = text.replace(old, new, 1)
    edited = tmp_path / f"synthetic-edited-{name}"
    edited.write_text(text)
    return str(original), str(edited)


def _synthetic(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"synthetic-{name}.yaml"
    path.write_text(text)
    return str(path)


def _changes(old: str, new: str) -> dict[str, ResourceChange]:
    return {c.address: c for c in diff_templates(read_template(old), read_template(new)).changes}


def _gated(old: str, new: str) -> list[tuple[str, str, str]]:
    verdict = judge([diff_templates(read_template(old), read_template(new))])
    return [(f.rule_id, f.address, f.message) for f in verdict.findings if f.enforcement == "approve"]


def test_condition_added_to_a_database_is_asked(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(
        corpus, tmp_path, REPLICA, ("  MainDB:\n", "  MainDB:\n    Condition: EnableReadReplica\n")
    )
    main_db = _changes(old, new)["MainDB"]
    assert (main_db.actions, main_db.reason) == (("delete",), "cfn_template_unresolved")
    assert main_db.unresolved == ("condition EnableReadReplica (true with the default parameters)",)
    [(rule, address, message)] = _gated(old, new)
    assert (rule, address) == ("PL001", "MainDB")
    assert "Not resolved: condition EnableReadReplica" in message


def test_parameter_default_feeding_a_condition_is_asked(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / TEMPLATES / REPLICA).read_text()
    block = '    Default: "true"\n    ConstraintDescription: must be true or false.\n\nConditions'
    assert block in text
    edit = (block, block.replace('"true"', '"false"'))
    old, new = _edited(corpus, tmp_path, REPLICA, edit)
    replica = _changes(old, new)["ReplicaDB"]
    assert (replica.actions, replica.reason) == (("delete",), "cfn_template_unresolved")
    assert replica.unresolved == (
        "condition EnableReadReplica (false with the default parameters)",
        "parameter EnableReadReplica's value at deploy time",
    )


def test_unchanged_condition_on_unchanged_inputs_is_not_asked(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(corpus, tmp_path, REPLICA, ("Value: Master Database", "Value: Main Database"))
    changes = _changes(old, new)
    assert list(changes) == ["MainDB"] and changes["MainDB"].actions == ("update",)
    assert judge([diff_templates(read_template(old), read_template(new))]).decision == "pass"


def test_parameter_default_feeding_a_create_only_property_is_asked(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(corpus, tmp_path, REPLICA, ("Default: MyDatabase", "Default: OrdersDatabase"))
    main_db = _changes(old, new)["MainDB"]
    assert (main_db.actions, main_db.reason, main_db.replace_paths) == (
        ("replace",),
        "cfn_template_unresolved",
        ("DBName",),
    )
    assert main_db.unresolved == ("parameter DBName's value at deploy time",)
    assert main(["diff", old, new]) == 1


def test_condition_false_whatever_the_parameters_is_a_delete(tmp_path: Path) -> None:
    base = """Parameters:
  Stage: {{Type: String, AllowedValues: [dev], Default: dev}}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Db:
    Type: AWS::RDS::DBInstance
{condition}    Properties: {{Engine: postgres, DBInstanceClass: db.t3.micro, AllocatedStorage: "20"}}
"""
    old = _synthetic(tmp_path, "cond-old", base.format(condition=""))
    new = _synthetic(tmp_path, "cond-new", base.format(condition="    Condition: IsProd\n"))
    db = _changes(old, new)["Db"]
    assert (db.actions, db.reason, db.unresolved) == (("delete",), "cfn_condition_false", ())
    # the same condition, but on a parameter a deploy can set: asked, the condition named once
    text = base.format(condition="    Condition: IsProd\n").replace("AllowedValues: [dev], ", "")
    asked = _changes(old, _synthetic(tmp_path, "cond-asked", text))["Db"]
    assert asked.unresolved == (
        "condition IsProd (false with the default parameters)",
        "parameter Stage's value at deploy time",
    )
    assert [g[:2] for g in _gated(old, new)] == [("PL001", "Db")]


def test_foreach_collection_shrinking_deletes_the_item(corpus: Path, tmp_path: Path) -> None:
    old, new = _edited(
        corpus, tmp_path, "fn-foreach-s3-outputs.yaml", ("      - B\n      - C\n", "      - B\n")
    )
    changes = _changes(old, new)
    assert list(changes) == ["S3BucketC"]
    assert (changes["S3BucketC"].actions, changes["S3BucketC"].reason) == (("delete",), "cfn_remove")
    assert changes["S3BucketC"].policy_action == "Retain"  # the real template keeps its buckets


def test_foreach_over_a_parameter_that_changed_is_asked(tmp_path: Path) -> None:
    base = """Transform: AWS::LanguageExtensions
Parameters:
  Names: {{Type: CommaDelimitedList, Default: "{names}"}}
Resources:
  Fn::ForEach::Dbs:
    - Name
    - !Ref Names
    - Db${{Name}}:
        Type: AWS::RDS::DBInstance
        Properties: {{Engine: postgres, DBInstanceClass: db.t3.micro, AllocatedStorage: "20"}}
"""
    old = _synthetic(tmp_path, "foreach-old", base.format(names="A,B"))
    new = _synthetic(tmp_path, "foreach-new", base.format(names="A"))
    db = _changes(old, new)["Db${Name}"]
    assert (db.actions, db.reason, db.unresolved) == (
        ("delete",),
        "cfn_template_unresolved",
        ("Fn::ForEach::Dbs collection",),
    )
    assert main(["diff", old, new]) == 1
    # from a literal list to a parameter: the listed ids' fate is asked, not declared a certain delete
    literal = _synthetic(tmp_path, "foreach-literal", base.format(names="A").replace("!Ref Names", "[A, B]"))
    moved = _changes(literal, new)
    assert {a: (c.reason, c.unresolved) for a, c in moved.items() if c.actions == ("delete",)} == {
        "DbA": ("cfn_template_unresolved", ("Fn::ForEach::Dbs collection",)),
        "DbB": ("cfn_template_unresolved", ("Fn::ForEach::Dbs collection",)),
    }
    # and back: the id template's copies are asked about, not called a rename
    back = _changes(new, literal)
    assert (back["Db${Name}"].actions, back["Db${Name}"].reason) == (("delete",), "cfn_template_unresolved")


SAM = """Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
{table}  Fn:
    Type: AWS::Serverless::Function
    Properties: {{Runtime: {runtime}, Handler: a.b, CodeUri: .}}
"""


def test_sam_table_change_is_asked_naming_the_transform(tmp_path: Path) -> None:
    old = _synthetic(tmp_path, "sam-old", SAM.format(table="", runtime="python3.12"))
    key = "    Properties:\n      PrimaryKey: {Name: pk, Type: Number}\n"
    new = _synthetic(tmp_path, "sam-new", SAM.format(table=key, runtime="python3.12"))
    table = _changes(old, new)["Table"]
    assert (table.actions, table.unresolved) == (("replace",), ("the AWS::Serverless transform",))
    [(rule, address, message)] = _gated(old, new)
    assert (rule, address) == ("PL004", "Table") and "Not resolved: the AWS::Serverless transform" in message


def test_sam_function_change_is_an_update(tmp_path: Path) -> None:
    old = _synthetic(tmp_path, "sam-fn-old", SAM.format(table="", runtime="python3.12"))
    new = _synthetic(tmp_path, "sam-fn-new", SAM.format(table="", runtime="python3.13"))
    assert _changes(old, new)["Fn"].actions == ("update",)
    assert main(["diff", old, new]) == 0


@pytest.mark.parametrize(
    ("kind", "header", "named"),
    [
        ("MyOrg::Data::Bucket::MODULE", "", "module MyOrg::Data::Bucket::MODULE"),
        ("MyOrg::Data::Store", "", "the resource schema of MyOrg::Data::Store"),
        ("AWS::DynamoDB::Table", "Transform: MyMacro\n", "the MyMacro transform"),
    ],
)
def test_modules_macros_and_schemaless_types_are_asked(
    tmp_path: Path, kind: str, header: str, named: str
) -> None:
    text = (
        header
        + "Resources:\n  Store:\n    Type: "
        + kind
        + "\n    Properties: {{Tags: [{{Key: a, Value: {v}}}]}}\n"
    )
    old = _synthetic(tmp_path, "generated-old", text.format(v="x"))
    new = _synthetic(tmp_path, "generated-new", text.format(v="y"))
    store = _changes(old, new)["Store"]
    assert (store.actions, store.reason, store.unresolved) == (
        ("replace",),
        "cfn_template_unresolved",
        (named,),
    )
    assert main(["diff", old, new]) == 1


def test_fn_if_condition_changed_under_a_create_only_property_is_asked(tmp_path: Path) -> None:
    base = """Parameters:
  Env: {{Type: String, Default: prod}}
Conditions:
  IsProd: !Equals [!Ref Env, {value}]
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: !If [IsProd, mysql, postgres]
      DBInstanceClass: db.t3.micro
"""
    old = _synthetic(tmp_path, "if-old", base.format(value="prod"))
    new = _synthetic(tmp_path, "if-new", base.format(value="production"))
    db = _changes(old, new)["Db"]
    assert (db.actions, db.replace_paths, db.unresolved) == (("replace",), ("Engine",), ("condition IsProd",))


def test_foreach_ampersand_identifier_drops_non_alphanumerics(tmp_path: Path) -> None:
    base = """Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Tables:
    - Name
    - [{items}]
    - Table&{{Name}}:
        Type: AWS::DynamoDB::Table
        Properties: {{TableName: !Sub "${{Name}}"}}
"""
    old = _synthetic(tmp_path, "amp-old", base.format(items="orders-eu, users-eu"))
    new = _synthetic(tmp_path, "amp-new", base.format(items="orders-eu"))
    changes = _changes(old, new)
    assert list(changes) == ["Tableuserseu"] and changes["Tableuserseu"].reason == "cfn_remove"


def test_foreach_items_swapped_are_delete_and_create_not_a_rename(tmp_path: Path) -> None:
    base = """Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Tables:
    - Name
    - [{items}]
    - Table${{Name}}:
        Type: AWS::DynamoDB::Table
        Properties: {{TableName: !Ref Name}}
"""
    old = _synthetic(tmp_path, "swap-old", base.format(items="A, B"))
    new = _synthetic(tmp_path, "swap-new", base.format(items="B, C"))
    changes = _changes(old, new)
    assert {a: (c.actions, c.reason) for a, c in changes.items()} == {
        "TableA": (("delete",), "cfn_remove"),
        "TableC": (("create",), None),
    }
