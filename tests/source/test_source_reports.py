"""Source and template inputs produce JSON reports that validate against the shipped report schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from planlint.cli import main

REPO = Path(__file__).resolve().parent.parent.parent
SOURCE = REPO / "tests" / "fixtures" / "source"
TEMPLATES = "cloudformation-templates/aws-cloudformation-templates"


def _report(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main([*argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_reports_validate(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads((REPO / "planlint" / "schemas" / "report.schema.json").read_text())
    runs = [
        (
            [
                "check",
                "--source",
                str(SOURCE / "synthetic-head"),
                "--base-source",
                str(SOURCE / "synthetic-base"),
            ],
            1,
        ),
        (["check", str(corpus / TEMPLATES / "EFSAccessPoint.yaml")], 0),
        (
            [
                "diff",
                str(corpus / TEMPLATES / "RDS_PIOPS.yaml"),
                str(corpus / TEMPLATES / "RDS_Snapshot_On_Delete.yaml"),
            ],
            1,
        ),
    ]
    for argv, expected in runs:
        code, report = _report(argv, capsys)
        assert code == expected, argv
        jsonschema.validate(report, schema)


def test_json_syntax_configuration_is_named_not_silently_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text('# Synthetic (test-generated).\nresource "aws_s3_bucket" "a" {\n}\n')
    (tmp_path / "override.tf.json").write_text('{"resource": {}}')
    code, report = _report(["check", "--source", str(tmp_path)], capsys)
    assert code == 0
    assert "override.tf.json" in json.dumps(report)
