"""Extract the Terraform resource type names of a provider from its prebuilt CDKTF npm package.

The `@cdktf/provider-*` packages are generated from each provider's schema, so every resource class in
them carries the exact Terraform type name (`DbInstance.tfResourceType = "aws_db_instance"`). This script
reads those names out of the package tarball and writes one sorted list per provider to
tests/data/provider-types/<provider>.txt, with a header naming the package, its version and the provider
version it was generated from. tests/test_catalogue.py checks every catalogue type against these lists.

    python scripts/provider_types.py                 # npm pack every package below into a temp dir
    python scripts/provider_types.py --tarball X.tgz # use tarballs you already have

The tarballs are never committed (the AWS one is ~37 MB); only the extracted lists are. The hashicorp
`http` and `external` providers have data sources only (no managed types), so they have no list: data
sources are stateless by mode. Providers with no prebuilt CDKTF package (Oracle Cloud, Alibaba Cloud, IBM
Cloud, Linode, Hetzner, Confluent, Elastic Cloud, Heroku, MySQL) are checked against their documentation
instead, with scripts/provider_types_from_docs.py.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

PACKAGES = (
    *("aws", "azurerm", "google", "kubernetes"),
    *("cloudflare", "databricks", "digitalocean", "github", "gitlab", "helm", "mongodbatlas"),
    *("postgresql", "snowflake", "vault"),
    *("archive", "cloudinit", "local", "null", "random", "time", "tls"),  # utility providers
)
# Older major versions whose types were removed since but still appear in plans (azurerm 4.0 removed
# azurerm_sql_database, azurerm_postgresql_server, ...): list file name -> npm package@version range.
PINNED = {"azurerm-v3": "@cdktf/provider-azurerm@12"}
OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "provider-types"
_LIB_INDEX = re.compile(r"^package/lib/([a-z0-9-]+)/index\.js$")
# data-<provider>-* directories are data sources (same type names, other mode); provider/ is the provider
# block. A resource may itself start with "data" (azurerm_data_protection_backup_vault), hence the prefix.
_DATA_SOURCE_DIR = re.compile(rf"^data-(?:{'|'.join(PACKAGES)})(?:-|$)")
_TF_TYPE = re.compile(r'\.tfResourceType = "([a-z0-9_]+)";')


def resource_types(tarball: Path) -> tuple[dict[str, object], list[str]]:
    """Return (package.json, sorted managed resource types) read from one CDKTF provider tarball."""
    manifest: dict[str, object] = {}
    types: set[str] = set()
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            if member.name == "package/package.json":
                extracted = archive.extractfile(member)
                assert extracted is not None
                manifest = json.load(extracted)
                continue
            found = _LIB_INDEX.match(member.name)
            if not found or _DATA_SOURCE_DIR.match(found.group(1)) or found.group(1) == "provider":
                continue
            extracted = archive.extractfile(member)
            assert extracted is not None
            types.update(_TF_TYPE.findall(extracted.read().decode("utf-8")))
    if not manifest or not types:
        raise SystemExit(f"{tarball}: not a CDKTF provider package (no package.json or no resources)")
    return manifest, sorted(types)


def header(manifest: dict[str, object], tarball_url: str) -> str:
    cdktf = manifest.get("cdktf")
    provider = cdktf.get("provider", {}) if isinstance(cdktf, dict) else {}
    return (
        f"# source: npm {manifest['name']}@{manifest['version']} ({tarball_url})\n"
        f"# generated from: {provider.get('name', '?')} {provider.get('version', '?')}\n"
        "# managed resource types, one per line; regenerate with: python scripts/provider_types.py\n"
    )


def _npm_pack(package: str, into: Path) -> Path:
    done = subprocess.run(
        ["npm", "pack", package, "--silent", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    return into / done.stdout.strip().splitlines()[-1]


def write_list(tarball: Path, out_dir: Path = OUT_DIR, list_name: str | None = None) -> Path:
    """Write `<list_name or the package's short name>.txt` with its source header; return its path."""
    manifest, types = resource_types(tarball)
    name = str(manifest["name"])
    short = list_name or name.rsplit("provider-", 1)[-1]
    url = f"https://registry.npmjs.org/{name}/-/{tarball.name.removeprefix('cdktf-')}"
    target = out_dir / f"{short}.txt"
    target.write_text(header(manifest, url) + "".join(f"{t}\n" for t in types), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None, allow_abbrev=False
    )
    parser.add_argument("--tarball", action="append", type=Path, default=[], help="a downloaded .tgz")
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if args.tarball:
        tarballs: list[Path] = args.tarball
        for tarball in tarballs:
            print(write_list(tarball))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for short in PACKAGES:
            print(write_list(_npm_pack(f"@cdktf/provider-{short}", Path(tmp))))
        for list_name, spec in PINNED.items():
            print(write_list(_npm_pack(spec, Path(tmp)), list_name=list_name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
