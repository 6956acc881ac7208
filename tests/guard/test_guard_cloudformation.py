"""Guarded CloudFormation end to end with a fake `aws` that replays corpus change sets by ARN."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_guard_terraform import make_trust

FAKE_AWS = r"""#!{python}
import json, os, sys
argv = sys.argv[1:]
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(json.dumps(argv) + "\n")
sets = json.loads(os.environ["FAKE_AWS_CHANGESETS"])
def value(name):
    return argv[argv.index(name) + 1] if name in argv else None
op = next((a for a in argv if a in ("deploy", "describe-change-set", "execute-change-set", "delete-stack")), "")
if op == "deploy":
    if "--no-execute-changeset" not in argv:
        print("deploy would execute!", file=sys.stderr); sys.exit(99)
    print("Changeset created successfully. Run the following command to review changes:")
    print("aws cloudformation describe-change-set --change-set-name " + os.environ["FAKE_AWS_ROOT"])
elif op == "describe-change-set":
    name = value("--change-set-name")
    if name.startswith("planlint-"):  # cdk deploy --no-execute --change-set-name planlint-…
        name = os.environ["FAKE_AWS_ROOT"]
    path = sets.get(name)
    if path is None:
        print("ChangeSetNotFound: " + str(name), file=sys.stderr); sys.exit(254)
    sys.stdout.write(open(path).read())
elif op == "execute-change-set":
    sys.exit(int(os.environ.get("FAKE_AWS_EXEC_EXIT", "0")))
"""

FAKE_CDK = r"""#!{python}
import json, os, sys
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(json.dumps(["cdk", *sys.argv[1:]]) + "\n")
if "--no-execute" not in sys.argv:
    print("cdk would execute!", file=sys.stderr); sys.exit(99)
print("AppStack: deploying... [1/1]")
print("AppStack: creating CloudFormation changeset...")
print(" ✅  AppStack")
print("Stack ARN:")
print("arn:aws:cloudformation:us-east-1:123456789012:stack/AppStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001")
"""

CFN = "cloudformation"
DESTRUCTIVE = f"{CFN}/localstack/remove-delete-log-group.prop-values.json"
HARMLESS = f"{CFN}/trek10-cfn-changeset-viewer/simple.json"
NESTED_ROOT = f"{CFN}/awsdocs-cloudformation-user-guide/nested-root-change-set.json"
NESTED_CHILD = f"{CFN}/awsdocs-cloudformation-user-guide/nested-child-change-set.json"


def _arn(path: Path) -> str:
    return str(json.loads(path.read_text())["ChangeSetId"])


@pytest.fixture()
def aws(tmp_path: Path, corpus: Path):  # type: ignore[no-untyped-def]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "aws"
    script.write_text(FAKE_AWS.replace("{python}", sys.executable))
    script.chmod(0o755)
    cdk = bin_dir / "cdk"
    cdk.write_text(FAKE_CDK.replace("{python}", sys.executable))
    cdk.chmod(0o755)
    sets = {_arn(corpus / p): str(corpus / p) for p in (DESTRUCTIVE, HARMLESS, NESTED_ROOT, NESTED_CHILD)}
    sets["release-1"] = str(corpus / HARMLESS)  # a change set named rather than given by ARN
    garbled = tmp_path / "synthetic-garbled-describe-output.txt"
    garbled.write_text("<html>Service Unavailable</html>\n")
    sets["garbled"] = str(garbled)
    work = tmp_path / "work"
    work.mkdir()
    trust = make_trust(tmp_path / "trust")
    log = tmp_path / "aws.jsonl"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "FAKE_AWS_LOG": str(log),
        "FAKE_AWS_CHANGESETS": json.dumps(sets), "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }  # fmt: skip

    def run(root: str, *argv: str) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
        proc = subprocess.run(
            [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(trust), "--", *argv], cwd=work,
            env={**env, "FAKE_AWS_ROOT": _arn(corpus / root)}, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        log.unlink(missing_ok=True)
        return proc, calls

    return run


def test_harmless_deploy_executes_exactly_the_described_change_set(aws, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(
        HARMLESS, "aws", "cloudformation", "deploy", "--stack-name", "app", "--template-file", "t.yaml"
    )
    assert proc.returncode == 0, proc.stderr
    arn = _arn(corpus / HARMLESS)
    assert calls[0][-1] == "--no-execute-changeset"
    assert ["cloudformation", "describe-change-set", "--change-set-name", arn, "--output", "json"] == calls[1]
    assert calls[-1] == ["cloudformation", "execute-change-set", "--change-set-name", arn]


def test_destructive_deploy_is_refused_and_not_executed(aws) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(DESTRUCTIVE, "aws", "--region", "us-east-1", "cloudformation", "deploy", "--stack-name", "app",
                      "--template-file", "t.yaml")  # fmt: skip
    assert proc.returncode == 10, proc.stderr
    assert not any("execute-change-set" in c for c in calls)
    assert "cloudformation;region=us-east-1;stack=app" in proc.stderr
    assert "created, not executed" in proc.stderr


def test_nested_children_are_described_and_judged_together(aws, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    arn = _arn(corpus / NESTED_ROOT)
    proc, calls = aws(NESTED_ROOT, "aws", "cloudformation", "execute-change-set", "--change-set-name", arn)
    described = [c[c.index("--change-set-name") + 1] for c in calls if "describe-change-set" in c]
    assert described == [arn, _arn(corpus / NESTED_CHILD)]
    assert proc.returncode in (0, 10), proc.stderr
    executed = [c for c in calls if "execute-change-set" in c]
    assert (proc.returncode == 0) == bool(executed)


def test_delete_stack_needs_an_approval_bound_to_the_command(aws) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(HARMLESS, "aws", "cloudformation", "delete-stack", "--stack-name", "prod")
    assert proc.returncode == 10 and "cmd1:" in proc.stderr and calls == []


def test_deploy_without_a_change_set_is_a_planning_failure(aws, corpus: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """If no change set ARN can be found, guard never reports success."""
    proc, calls = aws(HARMLESS, "aws", "cloudformation", "deploy", "--stack-name", "app", "--template-file", "t.yaml",
                      "--s3-bucket", "x")  # fmt: skip
    assert proc.returncode == 0  # control: the fake prints the ARN
    bad_root = tmp_path / "no-arn.json"
    bad_root.write_text(json.dumps({"ChangeSetId": "not-an-arn"}))
    proc, calls = aws_root_override(aws, bad_root)
    assert proc.returncode == 14 and "no change set was created" in proc.stderr
    assert not any("execute-change-set" in c for c in calls)


def aws_root_override(aws, root: Path):  # type: ignore[no-untyped-def]
    return aws(
        str(root), "aws", "cloudformation", "deploy", "--stack-name", "app", "--template-file", "t.yaml"
    )


def test_cdk_deploy_creates_change_sets_judges_and_executes_them(aws, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(HARMLESS, "cdk", "deploy", "--require-approval", "never")
    assert proc.returncode == 0, proc.stderr
    assert calls[0][:4] == ["cdk", "deploy", "--require-approval", "never"] and "--no-execute" in calls[0]
    name = calls[0][calls[0].index("--change-set-name") + 1]
    assert name.startswith("planlint-")
    assert calls[1] == [
        "cloudformation",
        "describe-change-set",
        "--change-set-name",
        name,
        "--output",
        "json",
        "--stack-name",
        "arn:aws:cloudformation:us-east-1:123456789012:stack/AppStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001",
    ]
    assert calls[-1] == ["cloudformation", "execute-change-set", "--change-set-name", _arn(corpus / HARMLESS)]


def test_cdk_deploy_with_a_destructive_change_set_is_refused(aws) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(DESTRUCTIVE, "npx", "aws-cdk", "deploy", "--all")
    assert proc.returncode == 13  # guard runs the tool itself, never through npx
    proc, calls = aws(DESTRUCTIVE, "cdk", "deploy", "--all")
    assert proc.returncode == 10, proc.stderr
    assert not any("execute-change-set" in c for c in calls)


def test_execute_by_name_resolves_the_arn_and_executes_exactly_that(aws, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(HARMLESS, "aws", "cloudformation", "execute-change-set", "--change-set-name", "release-1",
                      "--stack-name", "app")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    arn = _arn(corpus / HARMLESS)
    assert calls[0][-2:] == ["--stack-name", "app"]
    assert calls[-1] == ["cloudformation", "execute-change-set", "--change-set-name", arn]


def test_describe_output_that_is_not_json_fails_closed(aws) -> None:  # type: ignore[no-untyped-def]
    proc, calls = aws(HARMLESS, "aws", "cloudformation", "execute-change-set", "--change-set-name", "garbled",
                      "--stack-name", "app")  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "garbled: describe-change-set did not return JSON" in proc.stderr
    assert not any("execute-change-set" in c for c in calls)
