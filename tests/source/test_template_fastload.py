"""The fast template decoder (`json` + PyYAML's C loader) agrees with cfn-lint's decoder, or defers to it.

Every text is decoded twice: by `decode_template` as shipped, and with the fast path switched off so
cfn-lint's `decode_str` decides. The two must give the same resources (ids, types, lines, policies,
properties, with the same Python types) or the same InputError. Texts are the real corpus templates,
their JSON renderings (indented, compact, tab-indented, CRLF), and small labelled synthetic ones.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

from planlint.errors import InputError
from planlint.templates import decode as decode_module
from planlint.templates import fastload
from planlint.templates.decode import Template, decode_template

TEMPLATES = "cloudformation-templates/aws-cloudformation-templates"

SYNTHETIC_YAML = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::LanguageExtensions
Resources:
  # synthetic: short forms, anchors, merges, dates, numbers, non-str keys
  Base: &base
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties: &props
      BucketName: !Sub "${AWS::StackName}-logs"
      Arn: !GetAtt Other.Arn
      Arn2: !GetAtt [Other, Arn]
      Nested: !If [Prod, !Ref Name, !Ref "AWS::NoValue"]
      Join: !Join ["-", [a, !Select [0, !GetAZs ""]]]
      Numbers: [1, 1.5, 1e5, 1.0e+5, -0, 0x10, 017, .inf, yes, ~, 2020-01-02]
      1: int key
      2021-03-04: date key
      Cond: !Condition IsProd

  Copy:
    <<: *base
    Properties:
      <<: *props
      BucketName: other

  "Fn::ForEach::Topics":
    - TopicName
    - [A, B]
    - Topic${TopicName}:
        Type: AWS::SNS::Topic
        Properties: {TopicName: !Ref TopicName}


  Last: {Type: "AWS::SQS::Queue", UpdateReplacePolicy: !If [P, Retain, Delete]}
"""

SYNTHETIC_JSON = (
    '{"Resources": {\n  "A": {"Type": "AWS::S3::Bucket", "Properties": {"F": [1.5, 1e5, 1.5E+3, -0, '
    '123456789012345678901234567890, true, null, "\\u00e9\\/\\n", "x"]}},\n'
    '  "Fn::ForEach::Q": ["N", ["a", "b"], {"Q${N}": {"Type": "AWS::SQS::Queue"}\n  }],\n'
    '  "B": {"Type": "AWS::SNS::Topic",\n "DeletionPolicy": "Snapshot"\n}\n}, "Outputs": {}}\n'
)

# Texts cfn-lint refuses (the fast path must hand them over, never accept them).
REFUSED = [
    "Resources:\n  A:\n    Type: x\n  A:\n    Type: y\n",  # duplicate key
    '{"Resources": {"A": {"Type": "x"}, "A": {"Type": "y"}}}',
    '{"Resources": {"A": {"Type": "x", "Properties": {"P": 1, "P": 2}}}}',
    "Resources:\n  A:\n    Type: x\n    Properties:\n      ~: 1\n",  # null key
    "Resources:\n  A: !!python/object:os.system {}\n",  # unsafe tag
    "Resources:\n  A: {Type: x}\n---\nResources: {}\n",  # two documents
    "Resources:\n  A: [\n",
    '{"Resources": {"A": {"Type": "x"}}',
    "a: &a [*a, *a]\nResources: {A: {Type: x}}\n",  # recursive alias
]


def _typed(value: Any) -> Any:
    """Structure with exact base types kept (cfn-lint's str_node/dict_node compare as str/dict)."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    for kind in (bool, int, float, str, datetime.datetime, datetime.date, bytes):
        if isinstance(value, kind):
            return (kind.__name__, value if kind is not str else str(value))
    return (type(value).__name__, value)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Template | str, Template | str]:
    def decode() -> Template | str:
        try:
            return decode_template(text, "synthetic.yaml")
        except InputError as error:
            return error.message

    fast = decode()
    with monkeypatch.context() as patch:
        patch.setattr(fastload, "load", lambda _text: None)
        slow = decode()
    return fast, slow


def _same(text: str, monkeypatch: pytest.MonkeyPatch) -> Template:
    fast, slow = _both(text, monkeypatch)
    assert isinstance(fast, Template) and isinstance(slow, Template), (fast, slow)
    assert fast == slow  # ids, types, lines, end lines, policies, ForEach, transforms, notes
    for mine, theirs in zip(fast.resources, slow.resources, strict=True):
        assert _typed(mine.properties) == _typed(theirs.properties), mine.logical_id
    return fast


def _renderings(document: Any) -> list[str]:
    indented = json.dumps(document, indent=2)
    return [
        indented,
        json.dumps(document),
        json.dumps(document, indent="\t"),
        indented.replace("\n", "\r\n"),
        "\n\n" + json.dumps(document, indent=4, ensure_ascii=False) + "\n",
    ]


def test_corpus_templates_and_their_json_decode_as_cfn_lint_does(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = sorted((corpus / TEMPLATES).glob("*.yaml"))
    assert len(paths) >= 5
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert fastload.load(text) is not None, f"{path.name}: the fast path should take a real template"
        template = _same(text, monkeypatch)
        document = {
            "Resources": {
                r.logical_id: {"Type": r.type, "Properties": r.properties} for r in template.resources
            }
        }
        for rendering in _renderings(document):
            assert fastload.load(rendering) is not None
            _same(rendering, monkeypatch)


def test_synthetic_yaml_features_decode_as_cfn_lint_does(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastload.load(SYNTHETIC_YAML) is not None
    template = _same(SYNTHETIC_YAML, monkeypatch)
    by_id = template.by_id()
    assert by_id["Copy"].properties["BucketName"] == "other" and by_id["Copy"].deletion_policy == "Retain"
    assert by_id["Base"].properties["Arn"] == {"Fn::GetAtt": ["Other", "Arn"]}
    assert by_id["Topic${TopicName}"].foreach == "Topics"
    assert (by_id["Last"].line, by_id["Last"].update_replace_policy) == (33, "(expression)")


def test_synthetic_json_numbers_escapes_and_foreach_decode_as_cfn_lint_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert fastload.load(SYNTHETIC_JSON) is not None
    template = _same(SYNTHETIC_JSON, monkeypatch)
    values = template.by_id()["A"].properties["F"]
    assert values[:3] == [1.5, "1e5", 1500.0]  # YAML 1.1: an exponent needs its sign and a '.'
    assert [(r.line, r.end_line) for r in template.resources] == [(2, 2), (3, 3), (5, 7)]
    for rendering in ("\t" + SYNTHETIC_JSON, SYNTHETIC_JSON.replace("\n", "\r"), '{"R": "\\ud83d\\ude00"}'):
        _same_or_same_error(rendering, monkeypatch)


def _same_or_same_error(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(text, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("text", REFUSED)
def test_what_cfn_lint_refuses_goes_to_cfn_lint(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastload.load(text) is None
    fast, slow = _both(text, monkeypatch)
    assert isinstance(fast, str) and fast == slow and "not a readable CloudFormation template" in fast


def test_not_plain_json_is_every_character_outside_yamls_printable_set_or_a_yaml_line_break() -> None:
    """`_NOT_PLAIN_JSON` is written as the complement's ranges (cheap to compile): check every code point
    against PyYAML's own definition (yaml/reader.py NON_PRINTABLE) plus the breaks \\x85, \\u2028, \\u2029."""
    pyyaml = re.compile(
        "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]"
    )
    everything = "".join(map(chr, range(0x110000)))
    assert fastload._NOT_PLAIN_JSON.findall(everything) == pyyaml.findall(everything)


def test_decoding_a_template_does_not_import_cfn_lint() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\nfrom planlint.templates.decode import decode_template\n"
        "from planlint.templates.diff import create_only\n"
        f"decode_template({SYNTHETIC_YAML!r}, 'synthetic.yaml')\n"
        "assert ('BucketName',) in create_only('AWS::S3::Bucket').always\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cfnlint'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
    assert decode_module.FOREACH_PREFIX == fastload.FOREACH_PREFIX


def test_schemas_by_path_agree_with_cfn_lint_and_older_layouts_ask_cfn_lint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    from planlint.templates import schemas

    for name in ("AWS::S3::Bucket", "AWS::RDS::DBInstance", "AWS::Serverless::Function", "Custom::X"):
        theirs = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", name).schema
        assert schemas.resource_schema("us-east-1", name) == theirs
    assert schemas.resource_schema("us-east-1", "AWS::Nothing::Here") is None
    monkeypatch.setattr(schemas, "schema_dir", lambda: None)  # a cfn-lint without the hash layout
    schemas.resource_schema.cache_clear()
    try:
        assert schemas.resource_schema("us-east-1", "AWS::SQS::Queue") is not None
        assert schemas.resource_schema("us-east-1", "AWS::Nothing::Here") is None
    finally:
        schemas.resource_schema.cache_clear()
