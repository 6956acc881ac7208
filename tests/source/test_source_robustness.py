"""Whatever text a .tf file or a template holds, the answer is blocks or an InputError, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.errors import InputError
from planlint.source.hcl import parse_text
from planlint.templates.decode import decode_template

HCL_PIECES = st.sampled_from(
    [
        'resource "a" "b" {',
        "}",
        "{",
        "lifecycle {",
        "prevent_destroy = true",
        'x = "${',
        "<<EOF",
        "EOF",
        "moved {",
        "from = a.b",
        "[",
        "]",
        "=",
        '"',
        "\n",
        " ",
        "#",
        "/*",
        "*/",
        "x = 1",
        "a.b[0]",
        "\\",
        "\t",
    ]
)
YAML_PIECES = st.sampled_from(
    [
        "Resources:",
        "\n",
        "  ",
        "A:",
        "Type: AWS::S3::Bucket",
        "DeletionPolicy: !Ref X",
        "{",
        "}",
        "[",
        "]",
        "- ",
        ":",
        '"',
        "'",
        "!GetAtt",
        "Fn::ForEach::L:",
        "\t",
        "&a",
        "*a",
        "<<:",
        "Properties:",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HCL_PIECES, max_size=30).map("".join))
def test_hcl_text_parses_or_is_an_input_error(text: str) -> None:
    try:
        blocks = parse_text(text, "synthetic.tf")
    except InputError as exc:
        assert exc.origin == "synthetic.tf" and exc.message
    else:
        assert all(b.line >= 1 and b.end_line >= b.line for b in blocks)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_PIECES, max_size=30).map("".join))
def test_template_text_decodes_or_is_an_input_error(text: str) -> None:
    try:
        template = decode_template(text, "synthetic.yaml")
    except InputError as exc:
        assert exc.origin == "synthetic.yaml" and exc.message
    else:
        assert template.resources


FIXTURE_TEXT = "\n".join(
    p.read_text()
    for p in sorted((Path(__file__).resolve().parent.parent / "fixtures" / "source").glob("synthetic-*/*.tf"))
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(FIXTURE_TEXT) - 1), st.integers(1, 40), st.sampled_from(["", "{", "}", '"', "=", "\n"])
)
def test_mutated_fixture_source_parses_or_is_an_input_error(start: int, length: int, insert: str) -> None:
    text = FIXTURE_TEXT[:start] + insert + FIXTURE_TEXT[start + length :]
    try:
        parse_text(text, "synthetic-mutated.tf")
    except InputError as exc:
        assert exc.origin == "synthetic-mutated.tf"
