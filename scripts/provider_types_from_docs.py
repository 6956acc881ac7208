"""Extract a provider's managed resource types from its published documentation (a git checkout).

For providers with no prebuilt `@cdktf/provider-*` npm package (Oracle Cloud, Alibaba Cloud, IBM Cloud,
Linode, Hetzner, Confluent, Elastic Cloud, Heroku, MySQL), the list is the provider repository's resource
documentation, which is what the Terraform Registry publishes: `website/docs/r/*.html.markdown` or
`docs/resources/*.md`. Each page's title (`# oci_database_database`) names the type; the file name is
used when the title does not. The list goes to tests/data/provider-types/<name>.txt with a header naming
the repository, the tag and the commit.

    python scripts/provider_types_from_docs.py GIT_DIR REPO REGISTRY_NAME TAG [--name NAME]
    e.g. python scripts/provider_types_from_docs.py ~/src/terraform-provider-oci/.git \\
         oracle/terraform-provider-oci oracle/oci v8.28.0
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "provider-types"
DOC_DIRS = ("website/docs/r/", "docs/resources/")
_TITLE = re.compile(r"^# ([a-z0-9_]+)", re.MULTILINE)


def _git(git_dir: str, *args: str) -> str:
    done = subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True)
    return done.stdout


def resource_types(git_dir: str, tag: str, prefix: str) -> list[str]:
    """Sorted type names documented at `tag` (titles first, file names as the fallback)."""
    names = set()
    for path in _git(git_dir, "ls-tree", "-r", "--name-only", tag).splitlines():
        if not path.startswith(DOC_DIRS) or not path.endswith((".md", ".markdown")):
            continue
        stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
        title = _TITLE.search(_git(git_dir, "show", f"{tag}:{path}"))
        if title and title.group(1).startswith(prefix):
            names.add(title.group(1))
        else:
            names.add(stem if stem.startswith(prefix) else prefix + stem)
    if not names:
        raise SystemExit(f"{git_dir}: no resource documentation under {' or '.join(DOC_DIRS)} at {tag}")
    return sorted(names)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None, allow_abbrev=False
    )
    parser.add_argument("git_dir")
    parser.add_argument("repo", help="owner/name on GitHub")
    parser.add_argument("registry", help="namespace/type on the Terraform Registry, e.g. oracle/oci")
    parser.add_argument("tag")
    parser.add_argument("--name", help="list file name (default: the registry type)")
    args = parser.parse_args(argv)
    provider = args.registry.rsplit("/", 1)[-1]
    commit = _git(args.git_dir, "rev-list", "-n", "1", args.tag).strip()
    types = resource_types(args.git_dir, args.tag, f"{provider}_")
    target = OUT_DIR / f"{args.name or provider}.txt"
    target.write_text(
        f"# source: docs github.com/{args.repo} {args.tag} ({commit})\n"
        f"# generated from: registry.terraform.io/{args.registry} {args.tag.removeprefix('v')}\n"
        "# managed resource types, one per line; regenerate with: python scripts/provider_types_from_docs.py\n"
        + "".join(f"{t}\n" for t in types),
        encoding="utf-8",
    )
    sys.stdout.write(f"{target}: {len(types)} types\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
