"""The stateful catalogue (rules/catalogue/*.yaml): well-formed, sorted, and every type name is real.

CloudFormation names are checked against the resource schemas bundled with the installed cfn-lint (read
from disk; planlint never imports cfn-lint to do this). Terraform names are checked against the provider
resource lists in tests/data/provider-types/, extracted by scripts/provider_types.py from the
@cdktf/provider-* npm packages, which are generated from the providers' own schemas.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import json
import re
import sys
import tarfile
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "rules" / "catalogue"
PROVIDER_TYPES = REPO / "tests" / "data" / "provider-types"
CLASSES = {"data", "crypto-identity", "network-foundation", "environment"}
# Which catalogue file a type must live in, by its name's prefix (the longest prefix wins).
FILE_FOR_PREFIX = {
    "aws_": "aws",
    "AWS::": "aws",
    "Custom::": "cloudformation-custom",
    "azurerm_": "azure",
    "google_": "google",
    "kubernetes_": "kubernetes",
    **{
        f"{provider}_": provider
        for provider in (
            *("alicloud", "cloudflare", "confluent", "databricks", "digitalocean", "ec", "github", "gitlab"),
            *("hcloud", "helm", "heroku", "ibm", "linode", "mongodbatlas", "mysql", "oci", "postgresql"),
            *("snowflake", "vault"),
        )
    },
}
CATALOGUE_FILES = sorted(CATALOGUE.glob("*.yaml"))
STATEFUL_FILES = [p for p in CATALOGUE_FILES if p.stem != "unknown"]


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
    for path in STATEFUL_FILES:
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
    providers = _cfnlint_data() / "schemas" / "providers"
    for region in providers.glob("*.json"):
        if region.name != "sam.json":
            names.update(json.loads(region.read_text(encoding="utf-8")))
    if not names:  # cfn-lint before the one-file-per-region layout: a directory per region, a file per type
        first: dict[str, Path] = {}
        for schema in sorted(providers.glob("*/*.json")):
            first.setdefault(schema.name, schema)
        names.update(json.loads(path.read_text(encoding="utf-8"))["typeName"] for path in first.values())
    assert len(names) > 1000, "cfn-lint's bundled schemas look truncated"
    return frozenset(names)


@cache
def _provider_lists() -> dict[str, frozenset[str]]:
    """Type prefix ("github_") -> every type of the provider lists for it (any major version kept)."""
    merged: dict[str, set[str]] = {}
    for path in sorted(PROVIDER_TYPES.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        provider = (
            lines[1].split()[-2].rsplit("/", 1)[-1]
        )  # "# generated from: .../integrations/github 6.9.0"
        merged.setdefault(f"{provider}_", set()).update(ln for ln in lines if ln and not ln.startswith("#"))
    return {prefix: frozenset(types) for prefix, types in merged.items()}


def _provider_types_for(name: str) -> frozenset[str] | None:
    prefixes = [p for p in _provider_lists() if name.startswith(p)]
    return _provider_lists()[max(prefixes, key=len)] if prefixes else None


def test_catalogue_files_exist() -> None:
    assert {p.stem for p in CATALOGUE_FILES} >= {"aws", "azure", "google", "kubernetes", "unknown"}


@pytest.mark.parametrize(
    "path",
    [*CATALOGUE_FILES, *sorted((CATALOGUE / "stateless").glob("*.yaml"))],
    ids=lambda p: str(p.relative_to(CATALOGUE)),
)
def test_catalogue_file_validates_against_the_schema(path: Path) -> None:
    schema = json.loads((REPO / "planlint" / "schemas" / "catalogue.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    assert [e.message for e in validator.iter_errors(_load(path))] == []


@pytest.mark.parametrize("path", STATEFUL_FILES, ids=lambda p: p.name)
def test_catalogue_file_shape(path: Path) -> None:
    document = _load(path)
    assert set(document) <= {"title", "types", "kind_types", "kinds", "stateless_kinds"}
    names = list(document["types"])
    assert names == sorted(names), f"{path.name}: keep types sorted"
    for name in names:
        prefixes = [p for p in FILE_FOR_PREFIX if name.startswith(p)]
        assert prefixes, f"{name}: not a Terraform or CloudFormation type planlint knows"
        home = FILE_FOR_PREFIX[max(prefixes, key=len)]
        assert home == path.stem, f"{name} belongs in {home}.yaml"


def test_every_cloudformation_type_is_real() -> None:
    """Custom::* types have no schema: they are the CDK's own names (cloudformation-custom.yaml cites them)."""
    names = [n for n in _catalogue() if "::" in n and not n.startswith("Custom::")]
    unknown = sorted(n for n in names if n not in _cloudformation_types())
    checked_with = _cfn_lint_version_of_the_stateless_list()
    if unknown and _version(importlib.metadata.version("cfn-lint")) < _version(checked_with):
        # CI's lowest-dependency run: types newer than this cfn-lint were checked with the recorded one
        pytest.skip(f"cfn-lint older than {checked_with} (the catalogue's check) lacks {len(unknown)} types")
    assert unknown == [], f"not in cfn-lint's resource schemas: {unknown}"
    custom = _load(CATALOGUE / "cloudformation-custom.yaml")["types"]
    assert custom and all(re.fullmatch(r"Custom::[A-Za-z0-9_@-]+", n) for n in custom)


def test_every_terraform_type_is_real() -> None:
    names = [n for n in _catalogue() if "::" not in n]
    for path in STATEFUL_FILES:
        names += list(_load(path).get("kind_types") or {})
    unknown = [n for n in names if n not in (_provider_types_for(n) or ())]
    assert unknown == [], f"not in the provider resource lists of tests/data/provider-types: {unknown}"


def _cfn_lint_version_of_the_stateless_list() -> str:
    """`1.58.0` from rules/catalogue/stateless/cloudformation.yaml's source (the cfn-lint it was built from)."""
    source = _load(CATALOGUE / "stateless" / "cloudformation.yaml")["stateless"]["sources"][0]
    found = re.match(r"cfn-lint (\S+) ", source)
    assert found is not None, source
    return found.group(1)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


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


def test_issue_11_gaps_are_catalogued() -> None:
    """Types issue 11 found passing silently (aws_docdb_elastic_cluster is not a real name: the provider's
    type is aws_docdbelastic_cluster; a plan naming the former is unknown and gated by PL004)."""
    gaps = [
        "aws_docdbelastic_cluster",
        "azurerm_sql_database",
        "kubernetes_secret_v1",
        "google_memcache_instance",
        "aws_s3_object",
        "aws_dynamodb_table_item",
        "aws_ssm_parameter",
        "AWS::S3Tables::Table",
        "AWS::DAX::Cluster",
    ]
    assert [g for g in gaps if g not in _catalogue()] == []


def test_catalogue_reaches_the_issue_11_targets() -> None:
    """At least 700 stateful types over at least 20 providers; CloudFormation at least 120."""
    names = list(_catalogue())
    providers = {n.split("_", 1)[0] for n in names if "::" not in n}
    assert len(names) >= 700 and len(providers) >= 20
    assert sum("::" in n for n in names) >= 120


def test_issue_11_named_provider_types_are_catalogued() -> None:
    named = {
        "github_repository": "data",
        "oci_database_database": "data",
        "mongodbatlas_advanced_cluster": "data",
        "postgresql_database": "data",
        "heroku_addon": "data",
        "snowflake_database": "data",
        "helm_release": "environment",
        "Custom::S3AutoDeleteObjects": "data",
        "Custom::CDKBucketDeployment": "data",
        "Custom::ECRAutoDeleteImages": "data",
    }
    assert {n: _catalogue()[n]["class"] for n in named} == named


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


@pytest.mark.parametrize("path", sorted(PROVIDER_TYPES.glob("*.txt")), ids=lambda p: p.name)
def test_provider_lists_name_their_source(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    source, generated = text.splitlines()[:2]
    package = path.stem.split("-")[0]
    from_npm = rf"# source: npm @cdktf/provider-{package}@\d+\.\d+\.\d+ \(https://\S+\.tgz\)"
    # no prebuilt CDKTF package: the provider repository's resource documentation at a tag and commit
    from_docs = r"# source: docs github\.com/[\w.-]+/terraform-provider-[\w-]+ v?[\d.]+ \([0-9a-f]{40}\)"
    assert re.fullmatch(from_npm, source) or re.fullmatch(from_docs, source)
    found = re.fullmatch(
        r"# generated from: registry\.terraform\.io/[A-Za-z0-9-]+/([a-z0-9-]+) \d+\.\d+\.\d+", generated
    )
    assert found is not None
    names = [line for line in text.splitlines() if not line.startswith("#")]
    assert names == sorted(set(names)) and names
    assert all(name.startswith(f"{found.group(1)}_") for name in names)


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
