"""Which loader an input goes to, and every refusal of the front door (planlint/loaders/__init__.py).

A mistake here sends a plan to the wrong loader or lets an unreadable input through, so each path is
driven through `planlint check` and asserted by what a user sees: the format reported, or exit 2 with
one line naming the file. Inputs are real corpus files or small synthetic ones written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main
from planlint.errors import InputError
from planlint.loaders import load_inputs

TEMPLATES = "cloudformation-templates/aws-cloudformation-templates"


def _format(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main(["check", *argv, "--format", "json"]) in (0, 1)
    return [i["format"] for i in json.loads(capsys.readouterr().out)["inputs"]]


def _refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["check", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planlint: error: ") and err.count("\n") == 1, err
    return err


def test_yaml_and_json_templates_are_detected_as_templates(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_template = corpus / TEMPLATES / "EFSAccessPoint.yaml"
    assert _format(capsys, str(yaml_template)) == ["cloudformation-template"]
    # without AWSTemplateFormatVersion: a YAML file that starts with, or has a line starting with, Resources:
    first = tmp_path / "synthetic-first.yaml"
    first.write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n", encoding="utf-8")
    later = tmp_path / "synthetic-later.yaml"
    later.write_text("Description: x\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n", encoding="utf-8")
    assert _format(capsys, str(first), str(later)) == ["cloudformation-template"] * 2
    # JSON templates: with the version key, or with a Resources object alone
    versioned = tmp_path / "synthetic-versioned.json"
    versioned.write_text(
        json.dumps(
            {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
        ),
        encoding="utf-8",
    )
    bare = tmp_path / "synthetic-bare.json"
    bare.write_text(json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}), encoding="utf-8")
    assert _format(capsys, str(versioned), str(bare)) == ["cloudformation-template"] * 2


def test_json_with_a_resources_list_is_neither_template_nor_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "synthetic-resources-list.json"
    path.write_text(json.dumps({"Resources": ["not", "a", "template"]}), encoding="utf-8")
    assert "is not a plan or change set" in _refusal(capsys, str(path))


def test_plan_and_change_set_are_told_apart(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = corpus / "terraform/snyk-cli/tf-plan-create.json"
    change_set = corpus / "cloudformation/aws-cli-examples/describe-change-set.json"
    assert _format(capsys, str(plan), str(change_set)) == ["terraform", "cloudformation"]


def test_text_that_is_neither_json_nor_a_template_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "synthetic-notes.txt"
    path.write_text("terraform will destroy everything\n", encoding="utf-8")
    assert "is not JSON" in _refusal(capsys, str(path))


def test_yaml_that_is_not_a_template_is_not_called_only_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "synthetic-values.yaml"
    path.write_text("replicas: 3\nimage: nginx\n", encoding="utf-8")
    refusal = _refusal(capsys, str(path))
    assert "nor a CloudFormation template (no AWSTemplateFormatVersion or top-level Resources)" in refusal


def test_forced_formats_refuse_what_they_are_not(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change_set = str(corpus / "cloudformation/aws-cli-examples/describe-change-set.json")
    assert "is not a Terraform plan" in _refusal(capsys, change_set, "--input-format", "terraform")
    broken = tmp_path / "synthetic-broken.json"
    broken.write_text('{"ChangeSetId": "x", ', encoding="utf-8")
    assert "not valid JSON" in _refusal(capsys, str(broken), "--input-format", "cloudformation")


def test_stdin_can_be_named_only_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert "stdin ('-') can be given only once" in _refusal(capsys, "-", "-")


def test_unknown_input_format_is_refused_by_the_library_too(corpus: Path) -> None:
    with pytest.raises(InputError, match="unknown --input-format 'hcl'"):
        load_inputs([str(corpus / "terraform/snyk-cli/tf-plan-create.json")], "hcl")


@pytest.mark.parametrize(("ends_at", "is_template"), [(65536, True), (65537, False)])
def test_a_yaml_template_is_recognised_by_a_resources_line_within_its_first_64_kib(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ends_at: int, is_template: bool
) -> None:
    # docs/source-aware.md: the first 64 KiB decide. Here the "\nResources:" line break and key end at
    # byte `ends_at` of the file: inside the window it is a template, one byte past it it is refused.
    key = b"\nResources:"
    head = b"Description: " + b"x" * (ends_at - len(key) - len(b"Description: "))
    path = tmp_path / "synthetic-late-resources.yaml"
    path.write_bytes(head + key + b"\n  Topic:\n    Type: AWS::SNS::Topic\n")
    assert len(head + key) == ends_at
    if is_template:
        assert _format(capsys, str(path)) == ["cloudformation-template"]
    else:
        assert "is not JSON, nor a CloudFormation template" in _refusal(capsys, str(path))


def test_the_library_call_without_needs_values_keeps_every_value_readable(corpus: Path) -> None:
    """`load_inputs` called as a library, with no rule set to say which values matter, releases nothing."""
    (plan,) = load_inputs([str(corpus / "terraform/snyk-cli/tf-plan-create.json")])
    assert plan.changes
    for change in plan.changes:
        assert change.values.after() is not None or change.values.before() is not None, change.address


@pytest.mark.parametrize(("text", "kind"), [("null", "null"), ('"plan"', "a string"), ("42", "a number")])
def test_a_json_scalar_is_named_for_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, kind: str
) -> None:
    path = tmp_path / "synthetic-scalar.json"
    path.write_text(text + "\n")
    assert f"is JSON ({kind}), not an object, nor a CloudFormation template" in _refusal(capsys, str(path))


@pytest.mark.parametrize(
    ("size", "named"), [(4096, "is JSON (a string), not an object"), (4097, "is not JSON")]
)
def test_a_json_scalar_is_named_up_to_4_kib(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], size: int, named: str
) -> None:
    """Synthetic: a JSON string of exactly `size` bytes. Up to 4 KiB the refusal says what the input is;
    past that it is not parsed just to word the refusal (a big file that is not an object is "not JSON")."""
    path = tmp_path / "synthetic-long-scalar.json"
    path.write_bytes(b'"' + b"x" * (size - 2) + b'"')
    assert path.stat().st_size == size
    err = _refusal(capsys, str(path))
    assert f"{path}: {named}, nor a CloudFormation template" in err
