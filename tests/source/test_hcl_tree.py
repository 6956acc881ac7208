"""The tree-sitter block reader gives exactly what python-hcl2 gives: kinds, labels, line spans, attribute
lines and every value a caller reads, whether the tree settles it or python-hcl2 is asked for it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from planlint.errors import InputError
from planlint.source.hcl import HclBlock, nested, parse_text, parse_with_python_hcl2
from planlint.source.hcl_tree import read_blocks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "source"

# Synthetic: one block per kind of value the reader settles from the tree or hands to python-hcl2.
VALUES = """\
resource "aws_db_instance" "main" {
  count               = 2
  identifier          = "main-${count.index}"
  engine              = "postgres"
  empty               = ""
  allocated_storage   = 20
  ratio               = 1.5
  padded              = 007
  deletion_protection = true
  skip_final_snapshot = false
  nothing             = null
  kms_key_id          = aws_kms_key.db.arn
  indexed             = aws_subnet.a[0].id
  escaped             = "a\\nb"
  dollar              = "$${literal}"
  unicode             = "café"
  list                = [1, 2]
  object              = { a = 1 }
  call                = tobool(var.keep)
  heredoc             = <<EOT
  text
EOT

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags]
  }

  provisioner "local-exec" {
    command = "echo"
  }
}

module "db" {
  source   = "./modules/db"
  for_each = toset(["eu", "us"])
}

moved {
  from = aws_s3_bucket.old
  to   = module.x.aws_s3_bucket.new["k"]
}

removed {
  from = aws_s3_bucket.gone
  lifecycle {
    destroy = false
  }
}

import {
  to = aws_s3_bucket.b
  id = "b"
}

variable "skipped" {
  default = 1
}

data "aws_caller_identity" "me" {}
"""


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _same(tree: tuple[HclBlock, ...], hcl2: tuple[HclBlock, ...]) -> None:
    assert [(b.kind, b.labels, b.line, b.end_line, dict(b.lines)) for b in tree] == [
        (b.kind, b.labels, b.line, b.end_line, dict(b.lines)) for b in hcl2
    ]
    for fast, slow in zip(tree, hcl2, strict=True):
        for key, value in slow.body.items():
            assert key in fast.body
            assert _plain(fast.body[key]) == value, (fast.labels, key)
        assert "absent" not in fast.body and fast.body.get("absent") is None
        assert _plain(nested(fast.body, "lifecycle")) == _plain(nested(slow.body, "lifecycle"))
        assert _plain(dict(fast.body)) == dict(slow.body)


def test_values_match_python_hcl2() -> None:
    tree = read_blocks(VALUES, "synthetic.tf")
    assert tree is not None
    _same(tree, parse_with_python_hcl2(VALUES, "synthetic.tf"))


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.rglob("*.tf")), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_fixture_files_match_python_hcl2(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    try:
        expected = parse_with_python_hcl2(text, path.name)
    except InputError as exc:
        with pytest.raises(InputError) as raised:
            parse_text(text, path.name)
        assert str(raised.value) == str(exc)  # a broken file is refused in python-hcl2's words
        return
    tree = read_blocks(text, path.name)
    assert tree is not None
    _same(tree, expected)


def test_a_repeated_attribute_leaves_the_file_to_python_hcl2() -> None:
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = "a"\n  bucket = "b"\n}\n'
    assert read_blocks(text, "synthetic.tf") is None
    [block] = parse_text(text, "synthetic.tf")
    assert dict(block.body) == dict(parse_with_python_hcl2(text, "synthetic.tf")[0].body)


def test_a_block_python_hcl2_refuses_is_refused_when_its_value_is_read() -> None:
    """Synthetic: tree-sitter accepts the file; python-hcl2, asked for the expression, names the line."""
    text = '\n\nresource "aws_s3_bucket" "b" {\n  bucket = upper("x",)\n}\n'
    blocks = parse_text(text, "synthetic.tf")
    try:
        expected = parse_with_python_hcl2(text, "synthetic.tf")[0].body["bucket"]
    except InputError as exc:
        with pytest.raises(InputError) as raised:
            blocks[0].body["bucket"]
        assert str(raised.value) == str(exc)
    else:
        assert blocks[0].body["bucket"] == expected
