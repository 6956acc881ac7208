"""A plain `planlint check plan.json` never imports cfn-lint or python-hcl2 (~0.8 s and ~0.2 s to import);
`--source` reads .tf files with tree-sitter's HCL grammar and imports python-hcl2 only for values the
grammar's tree does not settle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("cfnlint", "hcl2", "lark", "tree_sitter_hcl")
PROBE = """
import json, sys
from planlint.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))


def _heavy_modules_after(*argv: str) -> tuple[int, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120, check=False
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], report["heavy"]


def test_plain_check_imports_neither_cfn_lint_nor_hcl2(corpus: Path) -> None:
    code, heavy = _heavy_modules_after("check", str(corpus / "terraform/snyk-cli/tf-plan-destroy.json"))
    assert code == 1  # the plan destroys an S3 bucket: the check really ran
    assert heavy == []


def test_plain_change_set_check_imports_neither(corpus: Path) -> None:
    path = corpus / "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json"
    code, heavy = _heavy_modules_after("check", "--format", "json", str(path))
    assert code in (0, 1)
    assert heavy == []


def test_source_paths_read_with_tree_sitter_and_python_hcl2_only_where_needed(tmp_path: Path) -> None:
    """The probe can fail: the paths that need the libraries show up in sys.modules."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "source" / "synthetic-head"
    assert _heavy_modules_after("check", "--source", str(source))[1] == ["tree_sitter_hcl"]
    # synthetic: the base sets prevent_destroy with an expression, a value only python-hcl2 can give
    base = tmp_path / "synthetic-base"
    base.mkdir()
    (base / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  lifecycle {\n    prevent_destroy = tobool(var.keep)\n  }\n}\n'
    )
    head = tmp_path / "synthetic-head"
    head.mkdir()
    (head / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    heavy = _heavy_modules_after("check", "--source", str(head), "--base-source", str(base))[1]
    assert heavy == ["hcl2", "lark", "tree_sitter_hcl"]


def test_template_check_and_diff_do_not_import_cfn_lint(corpus: Path, tmp_path: Path) -> None:
    """Templates decode with json / PyYAML's C loader and schemas are read by path (issue 13)."""
    template = corpus / "cloudformation-templates/aws-cloudformation-templates/DynamoDB_Table.yaml"
    code, heavy = _heavy_modules_after("check", str(template))
    assert code in (0, 1) and heavy == []
    edited = tmp_path / "synthetic-edited-DynamoDB_Table.yaml"
    edited.write_text(template.read_text().replace("AttributeName", "AttributeNameX"))
    code, heavy = _heavy_modules_after("diff", str(template), str(edited))
    assert code in (0, 1) and heavy == []


def test_an_unreadable_template_asks_cfn_lint_for_the_message(tmp_path: Path) -> None:
    broken = tmp_path / "synthetic-duplicate.yaml"
    broken.write_text("Resources:\n  A:\n    Type: x\n  A:\n    Type: y\n")
    code, heavy = _heavy_modules_after("check", str(broken))
    assert code == 2 and heavy == ["cfnlint"]
