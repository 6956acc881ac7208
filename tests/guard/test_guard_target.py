"""Approvals are bound to where a change lands: an approval for one account, backend or workspace (or one
CloudFormation stack in one account) does not unlock the same destructive change anywhere else."""

from __future__ import annotations

import json
import re
from pathlib import Path

from planlint.guard.target import plan_target, stack_ids, terraform_state_target

from .test_guard_cloudformation import DESTRUCTIVE
from .test_guard_cloudformation import aws as aws  # noqa: PLC0414 (the fixture, shared)
from .test_guard_terraform import DESTROY_BUCKETS, Rig, _approve, _argvs, _trust
from .test_guard_terraform import rig as rig  # noqa: PLC0414 (the fixture, shared)

PROD_ACCOUNT = "222233334444"  # synthetic: the corpus plan's account replaced, as if planned against prod


def _prod_copy(corpus: Path, tmp: Path) -> Path:
    text = (corpus / DESTROY_BUCKETS).read_text()
    assert "719261439472" in text
    copy = tmp / "synthetic-same-destroy-in-another-account.json"
    copy.write_text(text.replace("719261439472", PROD_ACCOUNT))
    return copy


def test_plan_target_reads_accounts_and_regions_from_arns(corpus: Path) -> None:
    plan = json.loads((corpus / DESTROY_BUCKETS).read_text())
    target = plan_target(plan)
    assert target["aws_accounts"] == "719261439472" and target["aws_regions"] == "eu-west-1"


def test_dev_approval_does_not_unlock_the_same_destroy_in_another_account(rig: Rig, corpus: Path) -> None:
    keys = _trust(rig)
    refused = rig.guard("--", "terraform", "destroy")
    assert "aws_accounts=719261439472" in refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "dev.json")
    prod = rig.guard("--approval", str(approval), "--", "terraform", "destroy",
                     FAKE_TF_DESTROY_PLAN=str(_prod_copy(corpus, rig.work.parent)))  # fmt: skip
    assert prod.returncode == 12 and "it is for scope" in prod.stderr, prod.stderr
    assert f"aws_accounts={PROD_ACCOUNT}" in prod.stderr
    assert "apply" not in [a[0] for a in _argvs(rig)]
    assert rig.guard("--approval", str(approval), "--", "terraform", "destroy").returncode == 0


def test_workspace_follows_tf_data_dir_and_tf_workspace(tmp_path: Path) -> None:
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "environment").write_text("dev")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "environment").write_text("prod")
    assert terraform_state_target(tmp_path, {}, [])["workspace"] == "dev"
    assert terraform_state_target(tmp_path, {"TF_DATA_DIR": "elsewhere"}, [])["workspace"] == "prod"
    assert terraform_state_target(tmp_path, {"TF_WORKSPACE": "stage"}, [])["workspace"] == "stage"


def test_backend_is_part_of_the_scope_and_never_prints_secrets(rig: Rig) -> None:
    keys = _trust(rig)
    state = rig.work / ".terraform"
    state.mkdir()

    def backend(bucket: str) -> None:
        config = {"bucket": bucket, "key": "app/terraform.tfstate", "region": "eu-west-1",
                  "secret_key": "synthetic-secret-never-printed"}  # fmt: skip
        (state / "terraform.tfstate").write_text(
            json.dumps({"version": 3, "backend": {"type": "s3", "config": config}})
        )

    backend("tf-state-dev")
    refused = rig.guard("--", "terraform", "destroy", "-var-file=dev.tfvars")
    assert "backend=s3+bucket:tf-state-dev+key:app/terraform.tfstate" in refused.stderr
    assert "var_files=dev.tfvars" in refused.stderr and "synthetic-secret" not in refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "dev.json")
    backend("tf-state-prod")
    proc = rig.guard("--approval", str(approval), "--", "terraform", "destroy", "-var-file=dev.tfvars")
    assert proc.returncode == 12 and "it is for scope" in proc.stderr
    other_vars = rig.guard("--approval", str(approval), "--", "terraform", "destroy", "-var-file=prod.tfvars")
    assert other_vars.returncode == 12
    assert "apply" not in [a[0] for a in _argvs(rig)]


def test_cloudformation_stack_ids_carry_account_and_region(corpus: Path, tmp_path: Path) -> None:
    source = next((corpus / "cloudformation").rglob("*.json"))
    document = json.loads(source.read_text())
    stack = document["StackId"]
    other = tmp_path / "synthetic-same-stack-other-account.json"
    other.write_text(json.dumps({**document, "StackId": stack.replace(stack.split(":")[4], "222233334444")}))
    assert stack_ids([str(source)]) == stack
    assert stack_ids([str(other)]) != stack and ":222233334444:stack/" in stack_ids([str(other)])


def test_cloudformation_refusal_scope_names_the_stack_arn(aws) -> None:  # type: ignore[no-untyped-def]
    proc, _ = aws(DESTRUCTIVE, "aws", "--region", "us-east-1", "cloudformation", "deploy", "--stack-name", "app",
                  "--template-file", "t.yaml")  # fmt: skip
    assert proc.returncode == 10, proc.stderr
    assert re.search(
        r"scope:\s+cloudformation;.*stack_ids=arn:[^:;]+:cloudformation:[^:;]+:\d{12}:stack/", proc.stderr
    )
