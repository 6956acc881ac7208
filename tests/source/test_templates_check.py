"""`planlint check template.yaml` on real templates, cross-checked with cfn-lint's I3011 counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.errors import InputError
from planlint.pipeline import run_check
from planlint.templates import read_template
from planlint.templates.check import policy_gaps
from planlint.templates.decode import decode_template

TEMPLATES = "cloudformation-templates/aws-cloudformation-templates"


def _i3011_expectations(corpus: Path) -> dict[str, int]:
    """file -> cfn-lint 1.58.0 I3011 hit count, read from the corpus folder's PROVENANCE.md table."""
    provenance = (corpus / "cloudformation-templates" / "PROVENANCE.md").read_text()
    expected: dict[str, int] = {}
    for line in provenance.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith((".yaml", ".json")):
            hits = re.match(r"(\d+) hits?", cells[3])
            expected[cells[0]] = int(hits.group(1)) if hits else 0
    return expected


def _cfn_lint_stateful(corpus: Path) -> set[str]:
    """The types I3011 checks: cfn-lint's StatefulResources.json minus types it skips (S3 buckets)."""
    import cfnlint.data.AdditionalSpecs as specs

    data = json.loads((Path(specs.__file__).parent / "StatefulResources.json").read_text())
    return {t for t, d in data["ResourceTypes"].items() if not d.get("DeleteRequiresEmptyResource")}


def test_policy_gaps_match_cfn_lint_i3011_counts(corpus: Path) -> None:
    expected = _i3011_expectations(corpus)
    assert len(expected) == 6, "PROVENANCE.md table changed shape"
    stateful = _cfn_lint_stateful(corpus)
    for name, hits in expected.items():
        template = read_template(str(corpus / TEMPLATES / name))
        missing = sum(len(g.missing) for g in policy_gaps(template) if g.resource.type in stateful)
        assert missing == hits, name


def test_findings_carry_the_resource_lines(corpus: Path) -> None:
    path = corpus / TEMPLATES / "RDS_PIOPS.yaml"
    verdict = run_check([str(path)])
    lines = path.read_text().splitlines()
    located = {f.address: f.location for f in verdict.findings if f.rule_id == "PL061"}
    assert sorted(located) == ["DBCredential", "myDB"]
    for logical_id, where in located.items():
        assert where is not None
        assert lines[where.line - 1].strip() == f"{logical_id}:"
        assert where.end_line is not None and where.end_line > where.line
    assert verdict.decision == "pass"  # a missing policy warns; nothing is destroyed yet
    plan = verdict.plans[0]
    assert plan.format == "cloudformation-template" and plan.tool == "cloudformation-template"
    assert any("not from AWS's change set" in note for note in plan.notes)


def test_check_template_cli_text_and_exit_code(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(corpus / TEMPLATES / "DynamoDB_Table.yaml"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    findings = report["findings"]
    assert [f["address"] for f in findings] == ["myDynamoDBTable"]
    assert findings[0]["location"]["line"] == 43


def test_foreach_template_is_read_through_the_language_extensions(corpus: Path) -> None:
    template = read_template(str(corpus / TEMPLATES / "fn-foreach-s3-outputs.yaml"))
    assert template.transforms == ("AWS::LanguageExtensions",)
    [bucket] = template.resources
    assert bucket.logical_id == "S3Bucket${Identifier}" and bucket.foreach == "Buckets"
    assert (bucket.deletion_policy, bucket.update_replace_policy) == ("Retain", "Retain")
    assert policy_gaps(template) == []


def test_json_template_and_short_tags_decode_with_lines() -> None:
    text = (
        '{\n  "Resources": {\n    "Table": {\n      "Type": "AWS::DynamoDB::Table",\n'
        '      "DeletionPolicy": "Retain"\n    }\n  }\n}\n'
    )
    [table] = decode_template(text, "synthetic.json").resources
    assert (table.line, table.end_line, table.deletion_policy) == (3, 6, "Retain")
    yaml_text = (
        "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    DeletionPolicy: !If [Prod, Retain, Delete]\n"
    )
    [key] = decode_template(yaml_text, "synthetic.yaml").resources
    assert key.deletion_policy == "(expression)"
    [gap] = policy_gaps(decode_template(yaml_text, "synthetic.yaml"))
    assert gap.weak == ("DeletionPolicy",) and gap.missing == ("UpdateReplacePolicy",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Resources:\n  A:\n    Type: x\n  A:\n    Type: y\n",
            "line 2: not a readable CloudFormation template",
        ),
        ("Resources:\n  A: [\n", "not a readable CloudFormation template"),
        ("Outputs: {}\n", "no `Resources` mapping"),
        ("Resources:\n  A:\n    Properties: {}\n", "line 2: resource A has no string `Type`"),
    ],
)
def test_bad_templates_are_input_errors(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_template(text, "synthetic-bad.yaml")
    assert caught.value.origin == "synthetic-bad.yaml"
    assert expected in caught.value.message


def test_broken_template_through_the_cli_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "synthetic-broken.yaml"
    path.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: [\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "synthetic-broken.yaml" in err and "Traceback" not in err
