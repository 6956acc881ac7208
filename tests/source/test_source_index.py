"""The Terraform source index: blocks with file and line spans, local modules, address -> location."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlint.cli import main
from planlint.errors import InputError
from planlint.source.address import _split_by_characters, parse_address, split_segments
from planlint.source.hcl import parse_text
from planlint.source.index import build_index, locate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "source"
HEAD = FIXTURES / "synthetic-head"
BASE = FIXTURES / "synthetic-base"


def _line_of(path: Path, text: str) -> int:
    """1-based line of the first line containing `text`: expectations come from the fixture, not a constant."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def head_index():  # type: ignore[no-untyped-def]
    return build_index(HEAD)


def test_every_indexed_kind_is_found_with_its_span(head_index) -> None:  # type: ignore[no-untyped-def]
    kinds = sorted({b.block.kind for b in head_index.blocks})
    assert kinds == ["import", "module", "moved", "removed", "resource"]
    storage = HEAD / "storage.tf"
    moved = head_index.of_kind("moved")[0]
    assert moved.block.path.endswith("synthetic-head/storage.tf")
    assert moved.block.line == _line_of(storage, "moved {")
    assert moved.block.end_line == moved.block.line + 3
    removed_lines = [b.block.line for b in head_index.of_kind("removed")]
    assert removed_lines == [
        n for n, line in enumerate(storage.read_text().splitlines(), 1) if line == "removed {"
    ]
    assert head_index.of_kind("import")[0].block.body["id"] == "imported-bucket"


def test_local_modules_are_indexed_under_their_module_path(head_index) -> None:  # type: ignore[no-untyped-def]
    assert "module.db.aws_rds_cluster.this" in head_index.by_address
    assert "module.db.module.key.aws_kms_key.this" in head_index.by_address
    kms = head_index.by_address["module.db.module.key.aws_kms_key.this"]
    assert kms.block.path.endswith("synthetic-head/modules/kms/main.tf")
    assert kms.block.line == _line_of(HEAD / "modules/kms/main.tf", 'resource "aws_kms_key"')
    # a registry module is not followed, and the index says so
    assert any("module.network" in note and "not indexed" in note for note in head_index.notes)


def test_count_and_for_each_are_recorded(head_index) -> None:  # type: ignore[no-untyped-def]
    assert head_index.by_address["aws_db_instance.main"].repetition == "count"
    assert head_index.by_address["aws_s3_bucket.logs"].repetition == "for_each"
    assert head_index.by_address["module.db"].repetition == "for_each"
    assert head_index.by_address["aws_s3_bucket.assets"].repetition is None


@pytest.mark.parametrize(
    ("address", "file", "marker", "offset"),
    [
        ("aws_db_instance.main[1]", "main.tf", 'resource "aws_db_instance" "main"', 0),
        ('aws_s3_bucket.logs["eu"]', "storage.tf", 'resource "aws_s3_bucket" "logs"', 0),
        ('module.db["us"].aws_rds_cluster.this', "modules/db/main.tf", 'resource "aws_rds_cluster"', 0),
        ('module.db["eu"].module.key.aws_kms_key.this', "modules/kms/main.tf", 'resource "aws_kms_key"', 0),
        # inside a registry module: the module block that calls it
        ("module.network.aws_vpc.this[0]", "main.tf", 'module "network"', 0),
        # deleted from head, destroyed by a `removed` block: that block (it opens the line above `from`)
        ("aws_ebs_volume.scratch", "storage.tf", "from = aws_ebs_volume.scratch", -1),
    ],
)
def test_plan_addresses_map_to_their_block(  # type: ignore[no-untyped-def]
    head_index, address: str, file: str, marker: str, offset: int
) -> None:
    where = locate(head_index, address)
    assert where is not None
    assert where.path.endswith(f"synthetic-head/{file}")
    assert where.line == _line_of(HEAD / file, marker) + offset
    assert where.end_line is not None and where.end_line >= where.line


def test_deleted_block_is_located_in_the_base_checkout(head_index) -> None:  # type: ignore[no-untyped-def]
    assert locate(head_index, "aws_db_instance.legacy") is None
    where = locate(head_index, "aws_db_instance.legacy", build_index(BASE))
    assert where is not None and where.path.endswith("synthetic-base/main.tf")
    assert where.line == _line_of(BASE / "main.tf", 'resource "aws_db_instance" "legacy"')


def test_addresses_with_dots_and_brackets_in_keys() -> None:
    assert split_segments('module.a["x.y[1]"].aws_s3_bucket.b["k.\\"q"]') == [
        "module",
        'a["x.y[1]"]',
        "aws_s3_bucket",
        'b["k.\\"q"]',
    ]
    parsed = parse_address('module.a["x.y"].module.b[0].data.aws_iam_policy.p')
    assert parsed.module == ("a", "b")
    assert parsed.key == "data.aws_iam_policy.p"
    assert parsed.text == "module.a.module.b.data.aws_iam_policy.p"


def test_unparseable_hcl_names_file_and_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  tags = {\n}\n', "bad.tf")
    assert caught.value.origin == "bad.tf"
    assert "line 5" in caught.value.message or "line 4" in caught.value.message


def test_check_on_broken_source_exits_2_with_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--source", str(FIXTURES / "synthetic-broken")])
    err = capsys.readouterr().err
    assert code == 2
    broken = FIXTURES / "synthetic-broken" / "main.tf"
    assert err.startswith("planlint: error: ")
    assert "synthetic-broken/main.tf: line " in err
    assert f"line {_line_of(broken, 'bucket =')}" in err
    assert "Traceback" not in err


def test_missing_source_directory_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--source", str(tmp_path / "nope")]) == 2
    assert "Terraform source directory not found" in capsys.readouterr().err


def test_check_with_neither_plan_nor_source_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "--source" in capsys.readouterr().err


@given(st.text(alphabet='ab.[]"\\0 ', max_size=16))
@settings(max_examples=300)
def test_the_fast_address_split_agrees_with_the_character_walk(address: str) -> None:
    """Well-formed addresses are split by a regular expression; anything else by the character walk."""
    assert split_segments(address) == _split_by_characters(address)
