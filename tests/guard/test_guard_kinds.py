"""The kind the hook's screen gives a command, not only deny vs silent: a wrong kind changes what guard
does with it (plan and judge, demand a bound approval, or refuse as unverifiable) and what the agent is
told. Rows from the mutation run's survivors (scripts/mutation_test.py)."""

from __future__ import annotations

import pytest

from planlint.guard.screen import screen

KINDS = [
    ("cdk deploy --method=execute-change-set", "approval"),
    ("cdk deploy --method=change-set", "apply"),
    ("cdk deploy", "apply"),
    ("cdk deploy --method direct", "approval"),
    ("cdk deploy MyStack --method prepare-change-set", "pass"),
    ("cdk destroy", "approval"),
    ("cdktf deploy", "approval"),
    ("pulumi stack ls", "pass"),
    ("pulumi stack rm", "approval"),
    ("pulumi stack rm prod --yes", "approval"),
    ("TF_CLI_ARGS_apply=$X terraform apply", "unverifiable"),
    ("terraform apply $PLAN", "apply"),
    ("terraform destroy", "destroy"),
    ("terraform apply -destroy", "destroy"),
    ("terraform plan", "pass"),
    # workspace new -state=FILE copies a given state file into the new workspace (state push by another name)
    ("terraform workspace new -state=old.tfstate prod2", "approval"),
    ("terraform workspace new -state old.tfstate prod2", "approval"),
    ("terraform workspace new prod2", "pass"),
    ("terraform workspace new -lock=false prod2", "pass"),
    # the first argument computed at run time: which subcommand runs is unknown
    ("pulumi $CMD", "unverifiable"),
    # a flag before the subcommand that is neither -chdir nor help/version does not hide the subcommand
    ("terraform -no-color destroy", "destroy"),
    # terragrunt run -- COMMAND: everything after `--` is the command (its flags too)
    ("terragrunt run -- destroy", "destroy"),
    ("terragrunt run -- apply -auto-approve", "apply"),
    # terragrunt stack generate/output/clean pass; output takes an output's name
    ("terragrunt stack generate", "pass"),
    ("terragrunt stack output vpc_id", "pass"),
    # --help anywhere before `--` prints help, whatever the command
    ("terragrunt destroy --help", "pass"),
    # run-all with no command: nothing planlint can judge
    ("terragrunt run-all", "unverifiable"),
    ("terragrunt run", "unverifiable"),
    # aws global options (with a value, or =value) before the service do not hide the CloudFormation call
    ("aws --region r --profile p cloudformation deploy --stack-name x --template-file t.yaml", "apply"),
    ("aws --region=r cloudformation delete-stack --stack-name x", "approval"),
    ("aws --output json cloudformation describe-stacks", "pass"),
    ("aws cloudformation", "pass"),
    ("sam deploy", "apply"),
    ("sam delete", "approval"),
]


@pytest.mark.parametrize(("command", "kind"), KINDS)
def test_screen_gives_each_command_its_kind(command: str, kind: str) -> None:
    screening = screen(command)
    assert [c.kind for c in screening.classifications] == [kind], command
    assert screening.deny is (kind != "pass"), command


# What the agent is told (the refusal or the note names the command as planlint read it).
REASONS = [
    ("terragrunt stack output vpc_id", "stack output destroys nothing"),
    ("terragrunt stack", "stack destroys nothing"),
    ("terragrunt stack push", "planlint does not know `terragrunt stack push`"),
    (
        "terragrunt stack run destroy",
        "`stack run destroy` runs destroy in many units at once; planlint cannot judge them as one plan",
    ),
    (
        "terragrunt run-all destroy",
        "`run-all destroy` changes every unit; guard plans them all, judges the set, applies those plans",
    ),
    ("terragrunt run --all plan", "run --all plan: plan destroys nothing in any unit"),
    ("terragrunt hclfmt", "hclfmt destroys nothing"),
    ("cdk deploy --method direct", "cdk deploy direct changes stacks without a change set to judge"),
    ("cdk deploy --hotswap", "cdk deploy hotswap changes stacks without a change set to judge"),
    ("aws cloudformation delete-stack --stack-name prod", "delete-stack deletes every resource of the stack"),
    (
        "aws cloudformation update-stack --stack-name prod --template-body file://t.yaml",
        "update-stack changes a stack without a reviewable change set; use deploy",
    ),
    (
        "aws cloudformation set-stack-policy --stack-name prod",
        "cloudformation set-stack-policy changes stacks in a way planlint cannot preview",
    ),
    (
        "terraform stacks deployment-run cancel run-123",
        "stacks deployment-run cancel changes deployments; it needs an approval of the exact command",
    ),
]


@pytest.mark.parametrize(("command", "reason"), REASONS)
def test_screen_gives_each_command_its_reason(command: str, reason: str) -> None:
    (classification,) = screen(command).classifications
    assert classification.reason == reason
