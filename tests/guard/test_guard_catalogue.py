"""Guard and the destructive-command catalogue: a direct cloud delete runs only with an approval of that exact command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .test_guard_terraform import Rig, _approve, _trust, rig

__all__ = ["rig"]

# A stand-in `aws` that records its argv (synthetic: the real CLI would call AWS).
STUB = f"#!{sys.executable}\nimport os, sys\nopen(os.environ['FAKE_AWS_LOG'], 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"


def _stub_aws(rig: Rig) -> Path:
    bin_dir = Path(rig.env["PATH"].split(os.pathsep)[0])
    (bin_dir / "aws").write_text(STUB)
    (bin_dir / "aws").chmod(0o755)
    log = rig.work.parent / "aws.log"
    rig.env["FAKE_AWS_LOG"] = str(log)
    return log


def test_direct_cloud_delete_needs_an_approval_of_the_exact_command(rig: Rig) -> None:
    log = _stub_aws(rig)
    keys = _trust(rig)
    command = ["aws", "s3", "rb", "s3://prod-data", "--force"]
    refused = rig.guard("--", *command)
    assert refused.returncode == 10 and "cmd1:" in refused.stderr, refused.stderr
    assert "aws-s3-rb-force" in refused.stderr and not log.exists()
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "rb.json")
    other = rig.guard("--approval", str(approval), "--", "aws", "s3", "rb", "s3://other", "--force")
    assert other.returncode == 12 and not log.exists()
    ran = rig.guard("--approval", str(approval), "--", *command)
    assert ran.returncode == 0, ran.stderr
    assert log.read_text() == "s3 rb s3://prod-data --force\n"
