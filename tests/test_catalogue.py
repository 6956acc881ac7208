"""The stateful catalogue (rules/catalogue/*.yaml): well-formed, sorted, and every type name is real.

CloudFormation names are checked against the resource schemas bundled with the installed cfn-lint (read
from disk; planlint never imports cfn-lint to do this). Terraform names are checked against the provider
resource lists in tests/data/provider-types/, extracted by scripts/provider_types.py from the
@cdktf/provider-* npm packages, which are generated from the providers' own schemas.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import tarfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "rules" / "catalogue"
PROVIDER_TYPES = REPO / "tests" / "data" / "provider-types"
CLASSES = {"data", "crypto-identity", "network-foundation", "environment"}
# Which Terraform provider list each type prefix is checked against, and which file it must live in.
TERRAFORM_PREFIXES = {"aws_": "aws", "azurerm_": "azurerm", "google_": "google", "kubernetes_": "kubernetes"}
FILE_FOR_PREFIX = {
    "aws_": "aws",
    "AWS::": "aws",
    "azurerm_": "azure",
    "google_": "google",
    "kubernetes_": "kubernetes",
}
CATALOGUE_FILES = sorted(CATALOGUE.glob("*.yaml"))


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; a catalogue with a duplicate must fail instead."""


def _mapping_no_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise AssertionError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_no_duplicates)


def _load(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in CATALOGUE_FILES:
        for name, entry in _load(path)["types"].items():
            assert name not in merged, f"{name} is in two catalogue files"
            merged[name] = entry
    return merged


def _cfnlint_data() -> Path:
    spec = importlib.util.find_spec("cfnlint")  # locates the package without importing it
    assert spec is not None and spec.origin is not None, "cfn-lint is not installed"
    return Path(spec.origin).parent / "data"


@cache
def _cloudformation_types() -> frozenset[str]:
    """Every resource type cfn-lint has a schema for, in any region (sam.json is the SAM transform)."""
    names: set[str] = set()
    for region in (_cfnlint_data() / "schemas" / "providers").glob("*.json"):
        if region.name != "sam.json":
            names.update(json.loads(region.read_text(encoding="utf-8")))
    assert len(names) > 1000, "cfn-lint's bundled schemas look truncated"
    return frozenset(names)


@cache
def _provider_types(provider: str) -> frozenset[str]:
    lines = (PROVIDER_TYPES / f"{provider}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def test_catalogue_files_exist() -> None:
    assert {p.stem for p in CATALOGUE_FILES} >= {"aws", "azure", "google", "kubernetes"}


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=lambda p: p.name)
def test_catalogue_file_shape(path: Path) -> None:
    document = _load(path)
    assert set(document) == {"title", "types"}
    assert isinstance(document["title"], str) and document["title"]
    names = list(document["types"])
    assert names == sorted(names), f"{path.name}: keep types sorted"
    for name, entry in document["types"].items():
        assert set(entry) == {"class", "what"}, name
        assert entry["class"] in CLASSES, name
        assert isinstance(entry["what"], str) and 3 <= len(entry["what"]) <= 120, name
        prefix = next((p for p in FILE_FOR_PREFIX if name.startswith(p)), None)
        assert prefix is not None, f"{name}: not a Terraform or CloudFormation type planlint knows"
        assert FILE_FOR_PREFIX[prefix] == path.stem, f"{name} belongs in {FILE_FOR_PREFIX[prefix]}.yaml"


def test_every_cloudformation_type_is_real() -> None:
    unknown = sorted(n for n in _catalogue() if "::" in n and n not in _cloudformation_types())
    assert unknown == [], f"not in cfn-lint's resource schemas: {unknown}"


def test_every_terraform_type_is_real() -> None:
    unknown = []
    for name in _catalogue():
        if "::" in name:
            continue
        provider = next(v for p, v in TERRAFORM_PREFIXES.items() if name.startswith(p))
        if name not in _provider_types(provider):
            unknown.append(name)
    assert unknown == [], f"not in the provider resource lists of tests/data/provider-types: {unknown}"


def test_catalogue_covers_cfn_lint_stateful_resources() -> None:
    """Every type cfn-lint calls stateful (including AWS::S3::Bucket, which its own rule I3011 skips)."""
    stateful = json.loads((_cfnlint_data() / "AdditionalSpecs" / "StatefulResources.json").read_text())
    missing = sorted(set(stateful["ResourceTypes"]) - set(_catalogue()))
    assert missing == []
    assert "AWS::S3::Bucket" in _catalogue()


def test_named_types_have_the_class_the_issue_gives_them() -> None:
    expected = {
        "aws_db_instance": "data",
        "AWS::S3::Bucket": "data",
        "google_storage_bucket": "data",
        "azurerm_storage_account": "data",
        "aws_kms_key": "crypto-identity",
        "azurerm_key_vault_key": "crypto-identity",
        "AWS::Cognito::UserPool": "crypto-identity",
        "aws_secretsmanager_secret": "crypto-identity",
        "aws_vpc": "network-foundation",
        "azurerm_virtual_network": "network-foundation",
        "google_dns_managed_zone": "network-foundation",
        "aws_lb": "network-foundation",
        "azurerm_resource_group": "environment",
        "google_project": "environment",
        "aws_organizations_account": "environment",
        "kubernetes_namespace_v1": "environment",
        "aws_eks_cluster": "environment",
        "AWS::CloudFormation::Stack": "environment",
    }
    assert {n: _catalogue()[n]["class"] for n in expected} == expected


def test_every_class_is_used_on_every_cloud() -> None:
    for cloud in ("aws", "azure", "google"):
        used = {e["class"] for e in _load(CATALOGUE / f"{cloud}.yaml")["types"].values()}
        assert used == CLASSES, cloud


def test_terraform_and_cloudformation_twins_agree() -> None:
    """An AWS resource catalogued in both languages has one class (aws_s3_bucket <-> AWS::S3::Bucket)."""
    twins = {
        "aws_db_instance": "AWS::RDS::DBInstance",
        "aws_rds_cluster": "AWS::RDS::DBCluster",
        "aws_s3_bucket": "AWS::S3::Bucket",
        "aws_dynamodb_table": "AWS::DynamoDB::Table",
        "aws_ebs_volume": "AWS::EC2::Volume",
        "aws_kms_key": "AWS::KMS::Key",
        "aws_vpc": "AWS::EC2::VPC",
        "aws_route53_zone": "AWS::Route53::HostedZone",
        "aws_eks_cluster": "AWS::EKS::Cluster",
        "aws_organizations_account": "AWS::Organizations::Account",
    }
    catalogue = _catalogue()
    assert all(catalogue[tf]["class"] == catalogue[cfn]["class"] for tf, cfn in twins.items())


@pytest.mark.parametrize("provider", sorted(TERRAFORM_PREFIXES.values()))
def test_provider_lists_name_their_source(provider: str) -> None:
    text = (PROVIDER_TYPES / f"{provider}.txt").read_text(encoding="utf-8")
    source, generated = text.splitlines()[:2]
    assert re.fullmatch(
        rf"# source: npm @cdktf/provider-{provider}@\d+\.\d+\.\d+ \(https://\S+\.tgz\)", source
    )
    assert re.fullmatch(
        rf"# generated from: registry\.terraform\.io/hashicorp/{provider} \d+\.\d+\.\d+", generated
    )
    names = [line for line in text.splitlines() if not line.startswith("#")]
    assert names == sorted(set(names)) and len(names) > 50
    assert all(name.startswith(f"{provider}_") for name in names)


def _tarball(tmp_path: Path, files: dict[str, str]) -> Path:
    target = tmp_path / "cdktf-provider-azurerm-1.2.3.tgz"
    with tarfile.open(target, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def test_extractor_keeps_resources_and_drops_data_sources(tmp_path: Path) -> None:
    """A synthetic three-class package: a resource, its data source, and a resource named data_*."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import provider_types
    finally:
        sys.path.pop(0)
    manifest = {
        "name": "@cdktf/provider-azurerm",
        "version": "1.2.3",
        "cdktf": {"provider": {"name": "registry.terraform.io/hashicorp/azurerm", "version": "4.0.0"}},
    }
    tarball = _tarball(
        tmp_path,
        {
            "package/package.json": json.dumps(manifest),
            "package/lib/resource-group/index.js": 'ResourceGroup.tfResourceType = "azurerm_resource_group";',
            "package/lib/data-azurerm-resource-group/index.js": (
                'DataAzurermResourceGroup.tfResourceType = "azurerm_resource_group_data_only";'
            ),
            "package/lib/data-protection-backup-vault/index.js": (
                'DataProtectionBackupVault.tfResourceType = "azurerm_data_protection_backup_vault";'
            ),
            "package/lib/provider/index.js": 'AzurermProvider.tfResourceType = "azurerm";',
        },
    )
    written = provider_types.write_list(tarball, tmp_path)
    lines = written.read_text().splitlines()
    assert lines[0] == (
        "# source: npm @cdktf/provider-azurerm@1.2.3 "
        "(https://registry.npmjs.org/@cdktf/provider-azurerm/-/provider-azurerm-1.2.3.tgz)"
    )
    assert lines[1] == "# generated from: registry.terraform.io/hashicorp/azurerm 4.0.0"
    assert [ln for ln in lines if not ln.startswith("#")] == [
        "azurerm_data_protection_backup_vault",
        "azurerm_resource_group",
    ]
