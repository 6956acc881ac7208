"""Guard's classification is an allowlist: read-only subcommands pass, everything else is judged or refused."""

from __future__ import annotations

import shlex

import pytest

from planlint.guard.classify import classify
from planlint.guard.shell import SimpleCommand


def _kind(command: str) -> str:
    return classify(SimpleCommand(tuple(shlex.split(command)), ())).kind


@pytest.mark.parametrize(
    "command",
    [
        "terragrunt run --graph apply",
        "terragrunt destroy-all",
        "terragrunt apply-all",
        "terragrunt stack run destroy",
        "terragrunt run --all init -migrate-state -force-copy",
        "terraform stacks deployment-run approve-all-plans -deployment-run-id dr-123",
        "terraform stacks deployment-group approve-all-plans -deployment-group-id dg-1",
        "terraform stacks deployment-group rerun -deployment-group-id dg-1",
        "terraform stacks create",
        "terraform test",
        "tofu test -filter=tests/x.tftest.hcl",
        "terraform init -migrate-state -force-copy",
        "terraform init -force-copy",
        "terraform -chdir=envs/prod init -migrate-state",
    ],
)
def test_many_units_stack_approvals_tests_and_state_moves_need_an_exact_command_approval(
    command: str,
) -> None:
    assert _kind(command) == "approval"


@pytest.mark.parametrize(
    "command",
    [
        "terragrunt run --all",
        "terragrunt run-all",
        "terragrunt --all",
        "terragrunt stack frobnicate",
        "terraform frobnicate",
        "terraform workspace frobnicate",
        "cdk frobnicate",
    ],
)
def test_unknown_is_not_run(command: str) -> None:
    assert _kind(command) == "unverifiable"


@pytest.mark.parametrize(
    "command",
    [
        "terragrunt run --all plan",
        "terragrunt run-all plan",
        "terragrunt plan --all",
        "terragrunt output --all",
        "terragrunt plan-all",
        "terragrunt stack run plan",
        "terragrunt stack generate",
        "terraform stacks validate",
        "terraform stacks deployment-run list",
        "terraform stacks configuration fetch -configuration-id c-1",
        "terraform init -reconfigure -backend-config=prod.hcl",
        "terraform plan -var-file=prod.tfvars",
        "terraform -chdir=envs/prod plan",
    ],
)
def test_read_only_forms_pass(command: str) -> None:
    assert _kind(command) == "pass"


@pytest.mark.parametrize(
    ("command", "kind"),
    [("terragrunt destroy --all", "destroy"), ("terragrunt apply --all", "apply"),
     ("terragrunt --all destroy", "destroy"), ("terragrunt run --all destroy", "destroy"),
     ("terragrunt run --all -- apply -auto-approve", "apply"), ("terragrunt --all run -- apply", "apply"),
     ("terragrunt run -a -- apply -destroy", "destroy"), ("terragrunt run-all destroy", "destroy")],
)  # fmt: skip
def test_apply_or_destroy_in_every_unit_is_planned_and_judged_as_one_set(command: str, kind: str) -> None:
    c = classify(SimpleCommand(tuple(shlex.split(command)), ()))
    assert (c.kind, c.flow) == (kind, "terragrunt-all")
