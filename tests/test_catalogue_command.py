"""`planlint catalogue [TYPE...]`: how a type is classed, and the source of that fact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlint.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["catalogue", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_stateful_stateless_and_unknown_types_are_explained(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "github_repository", "github_team", "acme_bucket", "Custom::Seeder")
    lines = out.splitlines()
    assert code == 1  # a named type is unknown
    assert lines[0].startswith("github_repository: stateful (data): GitHub repository")
    assert lines[0].endswith("[catalogue/github.yaml]")
    assert lines[1].startswith(
        "github_team: known stateless [catalogue/stateless/github.yaml (npm @cdktf/provider-github@"
    )
    assert '("bucket"), PL004' in lines[2] and "`stateless_types: [acme_bucket]`" in lines[2]
    assert "PL003" in lines[3] and "`stateful_types: {Custom::Seeder: data}`" in lines[3]


def test_every_named_type_known_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "AWS::DAX::Cluster", "terraform_data")
    assert code == 0
    assert "AWS::DAX::Cluster: stateful (data)" in out and "terraform_data: known stateless" in out


def test_kind_judged_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "kubernetes_manifest", "--kind", "Secret", "--format", "json")
    assert code == 0
    (record,) = json.loads(out)
    assert record["standing"] == "stateful" and record["class"] == "crypto-identity"
    assert record["kind_path"] == "manifest.kind"
    code, _, err = _run(capsys, "kubernetes_manifest")
    assert code == 1 and "judged by its object kind (manifest.kind)" in err and "PersistentVolumeClaim" in err


def test_policy_classes_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / ".planlint.yml"
    policy.write_text("stateful_types: {acme_widget: data}\nstateless_types: [acme_bucket]\n")
    code, out, _ = _run(capsys, "--config", str(policy), "acme_widget", "acme_bucket")
    assert code == 0
    assert "acme_widget: stateful (data): declared stateful in policy" in out
    assert f"acme_bucket: known stateless [{policy} (stateless_types)]" in out


def test_summary_counts_every_provider(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--format", "json")
    counts = json.loads(out)
    assert code == 0
    stateful = {p for p, row in counts.items() if any(k != "stateless" for k in row)}
    assert {"aws", "azurerm", "google", "kubernetes", "cloudformation", "github", "oci", "helm"} <= stateful
    assert counts["random"] == {"stateless": 8}
    code, text, _ = _run(capsys)
    assert text.splitlines()[0].split() == [
        *("provider", "data", "crypto-identity", "network-foundation", "environment", "stateless", "stateful")
    ]
    assert text.splitlines()[-1].startswith("all ")
