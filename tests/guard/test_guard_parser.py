"""The shell parser and the classifier, asserted precisely (the hook table asserts only the decision)."""

from __future__ import annotations

import pytest

from planlint.guard.classify import classify
from planlint.guard.shell import SimpleCommand, parse


def test_wrappers_are_peeled_and_recorded() -> None:
    line = parse("sudo -u ops env TF_LOG=1 timeout 10m nice -n 5 terraform -chdir=prod destroy")
    (command,) = line.commands
    assert command.argv == ("terraform", "-chdir=prod", "destroy")
    assert command.env == (("TF_LOG", "1"),)
    assert command.via == ("sudo", "env", "timeout", "nice")
    c = classify(command)
    assert (c.kind, c.tool, c.subcommand, c.chdir) == ("destroy", "terraform", "destroy", "prod")


def test_separators_split_every_command_and_redirections_vanish() -> None:
    line = parse("cd a && terraform plan 2>&1 | tee log; (terraform validate) || echo x\nterraform fmt")
    assert [c.argv for c in line.commands] == [
        ("cd", "a"), ("terraform", "plan"), ("tee", "log"), ("terraform", "validate"), ("echo", "x"),
        ("terraform", "fmt"),
    ]  # fmt: skip


def test_nested_shells_are_followed() -> None:
    line = parse("bash -c \"sh -c 'terraform apply -auto-approve'\"")
    assert [c.argv for c in line.commands] == [("terraform", "apply", "-auto-approve")]
    assert line.commands[0].via == ("bash", "sh")


def test_xargs_marks_arguments_from_a_pipe() -> None:
    command = parse("ls | xargs -n1 terraform").commands[1]
    assert command.stdin_args and classify(command).kind == "unverifiable"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("$TOOL destroy", "computed at run time"),
        ('eval "$X"', "computed at run time"),
        ("$(echo terr)aform destroy", "computed at run time"),
        ("{terraform,destroy}", "cannot read"),
        ("echo dGVycmFmb3Jt | base64 -d | bash", "computed at run time"),
        ("cat <<EOF | python3\nimport os; os.system(os.environ['CMD'])\nEOF", "computes at run time"),
    ],
)
def test_unverifiable_constructs_are_named(text: str, reason: str) -> None:
    assert any(reason in r for r in parse(text).unverifiable), parse(text)


@pytest.mark.parametrize(
    ("text", "argv"),
    [
        ("terr\\\naform destroy", ("terraform", "destroy")),  # backslash-newline joins the word
        ("$'terr\\x61form' destroy", ("terraform", "destroy")),
        ("te'rr'a\"form\" d\\estroy", ("terraform", "destroy")),
        ("cat <<EOF | sh\nterraform destroy\nEOF", ("terraform", "destroy")),
        ("bash <<<'terraform destroy'", ("terraform", "destroy")),
        ("echo 'terraform destroy' | sh", ("terraform", "destroy")),
        ("f() { terraform destroy; }", ("terraform", "destroy")),
        ("function f { terraform destroy; }", ("terraform", "destroy")),
        ("coproc terraform destroy", ("terraform", "destroy")),
        ("coproc X { terraform destroy; }", ("terraform", "destroy")),
        ("trap 'terraform destroy' EXIT", ("terraform", "destroy")),
        ("alias x='terraform destroy'", ("terraform", "destroy")),
        ("echo $(terraform destroy)", ("terraform", "destroy")),
        ("cat <<EOF\n$(terraform destroy)\nEOF", ("terraform", "destroy")),
        ("diff <(terraform destroy) x", ("terraform", "destroy")),
        ("if true; then terraform destroy; fi", ("terraform", "destroy")),
        ("X=$(terraform destroy)", ("terraform", "destroy")),
    ],
)
def test_bash_constructs_are_read_as_bash_reads_them(text: str, argv: tuple[str, ...]) -> None:
    assert argv in [c.argv for c in parse(text).commands], parse(text)


def test_substitution_without_an_iac_tool_is_not_a_concern() -> None:
    assert parse("echo $(date) `whoami`").unverifiable == ()


def test_tf_cli_args_prefix_counts_as_what_terraform_will_run() -> None:
    command = parse('TF_CLI_ARGS_state="rm aws_db_instance.main" terraform state list').commands[0]
    assert classify(command).kind == "approval"
    command = parse('TF_CLI_ARGS_apply="-destroy" terraform apply').commands[0]
    assert classify(command).kind == "destroy"


@pytest.mark.parametrize(
    ("argv", "kind", "tool"),
    [
        (("/opt/tf/terraform_1.9.8", "apply"), "apply", "terraform"),
        (("tofu", "state", "rm", "x"), "approval", "tofu"),
        (("terragrunt", "run-all", "plan"), "pass", "terragrunt"),
        (
            ("aws", "--profile", "p", "cloudformation", "delete-stack", "--stack-name", "s"),
            "approval",
            "cloudformation",
        ),
        (("aws", "s3", "rb", "s3://b", "--force"), "approval", "aws"),
        (("aws", "s3", "ls", "s3://b"), "other", ""),
        (("cdk", "deploy", "--method=direct"), "approval", "cdk"),
        (("cdk", "--profile", "p", "deploy", "Stack"), "apply", "cdk"),
        (("sam", "deploy", "--no-execute-changeset"), "pass", "sam"),
        (("pulumi", "stack", "rm", "prod"), "approval", "pulumi"),
        (("terraform", "frobnicate"), "unverifiable", "terraform"),
    ],
)
def test_classification(argv: tuple[str, ...], kind: str, tool: str) -> None:
    c = classify(SimpleCommand(argv))
    assert (c.kind, c.tool) == (kind, tool)


def test_a_quoted_hash_never_hides_the_commands_after_it() -> None:
    line = parse('echo "#"; terraform destroy')
    assert ("terraform", "destroy") in [c.argv for c in line.commands]
