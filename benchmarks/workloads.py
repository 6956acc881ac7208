"""Synthetic inputs and whole-process measurement for `benchmarks/run.py` (the one benchmark script).

- `measure(cmd, runs)`: median wall time and peak RSS of `runs` fresh child processes.
- `compile_package(dir)`: bytecode written before measuring, as an installed wheel has it.

- `write_templates(n, dir)`: an OLD and a NEW CloudFormation template (JSON) of `n` resources each, NEW
  removing, renaming, replacing (a createOnlyProperty changed), updating and weakening a few percent.
- `write_source_tree(files, blocks, dir)`: a Terraform tree of `files` `.tf` files holding `blocks`
  resource blocks in all, with a few `moved`/`removed`/`import` blocks and plain variables.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (type, a createOnlyProperty in cfn-lint's bundled schema, a plain updatable property)
TYPES = (
    ("AWS::S3::Bucket", "BucketName", "VersioningConfiguration"),
    ("AWS::DynamoDB::Table", "TableName", "BillingMode"),
    ("AWS::SQS::Queue", "QueueName", "VisibilityTimeout"),
    ("AWS::SNS::Topic", "TopicName", "DisplayName"),
    ("AWS::Logs::LogGroup", "LogGroupName", "RetentionInDays"),
)


def _resource(i: int, rng: random.Random) -> tuple[str, dict[str, Any]]:
    rtype, create_only, plain = TYPES[i % len(TYPES)]
    props: dict[str, Any] = {
        create_only: f"synthetic-{i}",
        plain: {"Status": "Enabled"} if plain == "VersioningConfiguration" else f"value-{i}",
        "Tags": [{"Key": "team", "Value": f"t{rng.randrange(50)}"}, {"Key": "n", "Value": str(i)}],
    }
    if rtype == "AWS::DynamoDB::Table":
        props["KeySchema"] = [{"AttributeName": "id", "KeyType": "HASH"}]
    body: dict[str, Any] = {"Type": rtype, "Properties": props}
    if i % 3 == 0:
        body["DeletionPolicy"] = "Retain"
        body["UpdateReplacePolicy"] = "Retain"
    if i % 7 == 0:
        body["DependsOn"] = [f"Res{i - 1:06d}"] if i else []
        props["Description"] = {"Fn::Sub": "${AWS::StackName}-" + str(i)}
    return f"Res{i:06d}", body


def templates(n: int, seed: int = 1) -> tuple[dict[str, Any], dict[str, Any]]:
    """(old, new) template documents of `n` resources; see the module docstring for the changes."""
    rng = random.Random(seed)
    old = dict(_resource(i, rng) for i in range(n))
    new: dict[str, Any] = {}
    for i, (lid, written) in enumerate(old.items()):
        roll = rng.random()
        body = json.loads(json.dumps(written))
        _, create_only, plain = TYPES[i % len(TYPES)]
        if roll < 0.04:
            continue  # removed
        if roll < 0.06:
            new[f"Renamed{i:06d}"] = body  # same type and properties under a new id
            continue
        if roll < 0.09:
            body["Properties"][create_only] = f"synthetic-{i}-v2"  # replacement
        elif roll < 0.14:
            body["Properties"][plain] = f"value-{i}-v2"  # in-place update
        elif roll < 0.16 and "DeletionPolicy" in body:
            body["DeletionPolicy"] = "Delete"  # protection weakened
        new[lid] = body
    head = {"AWSTemplateFormatVersion": "2010-09-09", "Description": f"synthetic {n}-resource template"}
    return {**head, "Resources": old}, {**head, "Resources": new}


def write_templates(n: int, out: Path, seed: int = 1) -> tuple[Path, Path]:
    """Write (old, new) as indented JSON under `out` unless already there; returns their paths."""
    paths = (out / f"template-{n}-old.json", out / f"template-{n}-new.json")
    if not all(p.exists() for p in paths):
        out.mkdir(parents=True, exist_ok=True)
        for path, doc in zip(paths, templates(n, seed), strict=True):
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            tmp.replace(path)
    return paths


def _tf_block(i: int) -> str:
    kind = i % 4
    if kind == 0:
        return (
            f'resource "aws_s3_bucket" "b{i}" {{\n  bucket        = "synthetic-{i}"\n'
            f'  force_destroy = false\n  tags = {{\n    team = var.team\n    n    = "{i}"\n  }}\n\n'
            "  lifecycle {\n    prevent_destroy = true\n  }\n}\n"
        )
    if kind == 1:
        return (
            f'resource "aws_db_instance" "db{i}" {{\n  identifier          = "db-{i}"\n'
            '  engine              = "postgres"\n  deletion_protection = true\n'
            f"  allocated_storage   = {20 + i % 50}\n  skip_final_snapshot = false\n}}\n"
        )
    if kind == 2:
        return (
            f'resource "terraform_data" "d{i}" {{\n  input = {{\n    id    = {i}\n'
            f'    names = [for n in range(3) : "n-${{n}}-{i}"]\n  }}\n}}\n'
        )
    return f'module "m{i}" {{\n  source = "./modules/m"\n  name   = "m-{i}"\n  count  = {i % 3}\n}}\n'


def write_source_tree(files: int, blocks: int, out: Path) -> Path:
    """A Terraform tree of `files` files and `blocks` resource/module blocks, plus moved/removed/import
    blocks, variables and locals (about one in five files holds no resource at all); reused if present."""
    root = out / f"source-{files}-{blocks}"
    if (root / ".complete").exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    (root / "modules" / "m").mkdir(parents=True, exist_ok=True)
    (root / "modules" / "m" / "main.tf").write_text(
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "x" {\n  input = var.name\n}\n'
    )
    with_blocks = max(1, files * 4 // 5)
    per_file = [blocks // with_blocks + (1 if f < blocks % with_blocks else 0) for f in range(with_blocks)]
    i = 0
    for f in range(files):
        parts = [f"# synthetic Terraform file {f} for benchmarks/run.py\n"]
        if f < with_blocks:
            for _ in range(per_file[f]):
                parts.append(_tf_block(i))
                i += 1
            if f % 10 == 0:
                parts.append(
                    f"moved {{\n  from = aws_s3_bucket.old{f}\n  to   = aws_s3_bucket.b{4 * f}\n}}\n"
                )
            if f % 25 == 0:
                parts.append(
                    f"removed {{\n  from = aws_s3_bucket.gone{f}\n\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"
                )
            if f % 30 == 0:
                parts.append(f'import {{\n  to = aws_s3_bucket.b{4 * f}\n  id = "synthetic-{4 * f}"\n}}\n')
        else:
            parts.append(
                f'variable "v{f}" {{\n  type    = string\n  default = "x"\n}}\n\n'
                f'locals {{\n  l{f} = upper(var.v{f})\n}}\n\noutput "o{f}" {{\n  value = local.l{f}\n}}\n'
            )
        (root / f"f{f:03d}.tf").write_text("\n".join(parts), encoding="utf-8")
    (root / "variables.tf").write_text('variable "team" {\n  type    = string\n  default = "core"\n}\n')
    (root / ".complete").write_text("")
    return root


@dataclass(frozen=True, slots=True)
class Sample:
    """Median wall time and peak RSS of one command over `runs` fresh processes."""

    wall_s: float
    rss_bytes: int
    runs: int


def measure_once(cmd: Sequence[str], stdin: Path | None = None, cwd: Path | None = None) -> tuple[float, int]:
    """Run `cmd` as a fresh child (stdin from a file, else empty; in `cwd`, else here); return wall time and
    its own peak RSS."""
    with tempfile.TemporaryFile() as err, Path(stdin or os.devnull).open("rb") as feed:
        start = time.perf_counter()  # err is a file, not a pipe: a chatty child cannot block on it
        proc = subprocess.Popen(cmd, stdin=feed, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd)
        # wait4 reports the rusage of exactly this child, so ru_maxrss is not the max over earlier runs
        # (which RUSAGE_CHILDREN of this process would be).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # planlint check: 0 pass, 1 approval required
            err.seek(0)
            message = err.read().decode(errors="replace")
            raise SystemExit(f"benchmark: {' '.join(cmd)} exited {proc.returncode}:\n{message}")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return wall, rss


def measure(cmd: Sequence[str], runs: int, stdin: Path | None = None, cwd: Path | None = None) -> Sample:
    samples = [measure_once(cmd, stdin, cwd) for _ in range(runs)]
    return Sample(
        wall_s=statistics.median(w for w, _ in samples),
        rss_bytes=int(statistics.median(r for _, r in samples)),
        runs=runs,
    )


def compile_package(package: Path) -> None:
    """Write the package's bytecode, as pip does when it installs a wheel: an editable checkout run with
    PYTHONDONTWRITEBYTECODE set (as on the shared machine) would otherwise compile every module on every run."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


def planlint_cmd() -> list[str]:
    """The installed console script beside this interpreter, else `python -m planlint`."""
    script = Path(sys.executable).parent / "planlint"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "planlint"]
