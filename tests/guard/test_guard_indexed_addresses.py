"""Terraform addresses with instance keys (`logs[0]`, `db["a"]`) where Terraform takes an address, as
`planlint guard` classifies its argv (no shell: the words are what will run). The brackets of an instance
key are not a glob; a pattern, a computed word or an address-looking word elsewhere is still refused.
tests/guard/test_guard_real_terraform.py runs the same forms against real terraform."""

from __future__ import annotations

import pytest

from planlint.guard.classify import classify
from planlint.guard.shell import SimpleCommand

ACCEPTED = [
    (("terraform", "import", "aws_s3_bucket.logs[0]", "my-bucket"), "approval"),
    (("terraform", "import", "-var", "region=eu", 'module.x.aws_db_instance.db["a"]', "db-1"), "approval"),
    (("tofu", "state", "rm", 'module.x.aws_db_instance.db["a"]', "aws_s3_bucket.logs[1]"), "approval"),
    (("terraform", "state", "mv", "aws_s3_bucket.logs[0]", 'aws_s3_bucket.logs["main"]'), "approval"),
    (("terraform", "-chdir=envs/prod", "taint", "module.app[2].aws_instance.web[0]"), "approval"),
    (("terraform", "untaint", "aws_instance.web[0]"), "approval"),
    (("terraform", "state", "show", "data.aws_ami.base[0]"), "pass"),
    (("terraform", "state", "list", "module.x[0]"), "pass"),
    (("terraform", "plan", "-target=aws_s3_bucket.logs[0]"), "pass"),
    (("terraform", "plan", "--target", 'module.x["a"]'), "pass"),
    (("terraform", "apply", "-replace=aws_db_instance.db[0]"), "apply"),
    (("terraform", "destroy", "-target", "aws_s3_bucket.logs[0]"), "destroy"),
    (("terragrunt", "state", "rm", "aws_s3_bucket.logs[0]"), "approval"),
    (("terragrunt", "run", "--", "import", "aws_s3_bucket.logs[0]", "my-bucket"), "approval"),
]


@pytest.mark.parametrize(("argv", "kind"), ACCEPTED)
def test_an_indexed_address_where_terraform_takes_one_is_an_address(argv: tuple[str, ...], kind: str) -> None:
    assert classify(SimpleCommand(argv)).kind == kind


def test_tf_cli_args_target_with_an_index_is_an_address() -> None:
    env = (("TF_CLI_ARGS_plan", "-target='aws_s3_bucket.logs[0]' -lock=false"),)
    assert classify(SimpleCommand(("terraform", "plan"), env)).kind == "pass"


REFUSED = [
    ("terraform", "state", "rm", "aws_s3_bucket.logs[*]"),
    ("terraform", "state", "rm", "aws_s3_bucket.*"),
    ("terraform", "state", "rm", "aws_s3_bucket.logs[?]"),
    ("terraform", "state", "rm", 'aws_s3_bucket.logs["*"]'),
    ("terraform", "state", "rm", "aws_s3_bucket.logs[$I]"),
    ("terraform", "state", "rm", "aws_s3_bucket.logs[0"),
    ("terraform", "state", "rm", "aws_s3_bucket.logs[0][1]"),
    ("terraform", "state", "rm", "aws_s3_bucket.{a,b}[0]"),
    ("terraform", "state", "mv", "a.b[0]", "a.b[1]", "a.b[2]"),  # mv takes two addresses, not three
    ("terraform", "import", "aws_s3_bucket.logs[0]", "bucket[0].id"),  # the ID is not an address
    ("terraform", "output", "logs.ids[0]"),  # an output name, not an address
    ("terraform", "apply", "-var=x.y[0]"),
    ("terraform", "apply", "-target=aws_s3_bucket.logs[*]"),
    ("terraform", "import", "-var-file", "a.b[0]", "aws_s3_bucket.logs[0]", "x"),
    ("pulumi", "state", "delete", "aws_s3_bucket.logs[0]"),  # not a Terraform tool
]


@pytest.mark.parametrize("argv", REFUSED)
def test_a_pattern_or_a_word_terraform_does_not_read_as_an_address_is_still_computed(
    argv: tuple[str, ...],
) -> None:
    classification = classify(SimpleCommand(argv))
    assert classification.kind == "unverifiable" and "computed at run time" in classification.reason


@pytest.mark.parametrize(
    "value",
    [
        "-target=aws_s3_bucket.* -target=aws_s3_bucket.logs[0]",
        "-target='aws_s3_bucket.logs[0]",  # an unclosed quote cannot be split into words at all
        '-var="x=1 -target=aws_s3_bucket.logs[0]',
    ],
)
def test_tf_cli_args_pattern_or_unclosed_quote_is_still_computed(value: str) -> None:
    classification = classify(SimpleCommand(("terraform", "plan"), (("TF_CLI_ARGS_plan", value),)))
    assert classification.kind == "unverifiable" and "computed at run time" in classification.reason
