"""`pulumi …` command lines read the way Pulumi's flag parser (cobra + pflag) reads them, and classified."""

from __future__ import annotations

import shlex

import pytest

from planlint.guard.classify import classify
from planlint.guard.pulumi_args import ArgumentError, command_words, tokens, words_of
from planlint.guard.shell import SimpleCommand

CASES = [
    ("pulumi up", "apply", "up"),
    ("pulumi update --yes", "apply", "up"),
    ("pulumi -s prod up -y", "apply", "up"),
    ("pulumi -ysprod up", "apply", "up"),
    ("pulumi --cwd infra up --refresh --target urn:a -t urn:b", "apply", "up"),
    ("pulumi destroy --yes", "destroy", "destroy"),
    ("pulumi down -y", "destroy", "destroy"),
    ("pulumi dn --stack=prod", "destroy", "destroy"),
    ("pulumi destroy --preview-only --json", "pass", "destroy"),
    # destroy.go removes the stack after a preview-only run when --remove is given
    ("pulumi destroy --preview-only --remove", "approval", "destroy"),
    ("pulumi up https://github.com/pulumi/templates/aws-typescript", "approval", "up"),
    ("pulumi up --remote --remote-git-branch main", "approval", "up"),
    ("pulumi stack rm prod", "approval", "stack"),
    ("pulumi stack import --file s.json", "approval", "stack"),
    ("pulumi stack ls", "pass", "stack"),
    ("pulumi stack", "pass", "stack"),
    # cobra takes `rm` as --show-secrets' value when it looks for the subcommand, pflag does not
    ("pulumi stack --show-secrets rm", "approval", "stack"),
    ("pulumi state delete urn:x --yes", "approval", "state"),
    ("pulumi state unprotect --all", "approval", "state"),
    ("pulumi state upgrade", "pass", "state"),
    ("pulumi refresh --yes", "approval", "refresh"),
    ("pulumi refresh --preview-only", "pass", "refresh"),
    # import adopts existing resources into the stack's state (like terraform import); its preview does not
    ("pulumi import aws:s3/bucket:Bucket logs my-bucket", "approval", "import"),
    ("pulumi import --file resources.json --yes --protect=false", "approval", "import"),
    ("pulumi import --preview-only aws:s3/bucket:Bucket logs my-bucket", "pass", "import"),
    ("pulumi import -o gen.ts --preview-only -f resources.json", "pass", "import"),
    ("pulumi import --preview-only=false -f resources.json", "approval", "import"),
    # import's value flags (-f/--file, -o/--out, --parent, --provider, --properties, --from) take the next
    # word, `--preview-only` included: then the import runs
    ("pulumi import -f --preview-only", "approval", "import"),
    ("pulumi import --from --preview-only terraform state.json", "approval", "import"),
    ("pulumi import --parent --preview-only aws:s3/bucket:Bucket logs b", "approval", "import"),
    ("pulumi cancel --yes", "approval", "cancel"),
    ("pulumi watch", "approval", "watch"),
    ("pulumi env rm org/prod", "approval", "env"),
    ("pulumi env get org/prod", "pass", "env"),
    ("pulumi preview --json", "pass", "preview"),
    ("pulumi pre", "pass", "preview"),
    ("pulumi config set aws:region eu-west-1", "pass", "config"),
    ("pulumi --help destroy", "pass", ""),
    ("pulumi", "pass", ""),
    ("pulumi frobnicate", "unverifiable", "frobnicate"),
    ("pulumi destroy -s", "unverifiable", ""),
    ("pulumi destroy -Z", "unverifiable", ""),
    # cobra would take `preview` as --diff's value and run `up` with a template called "preview"
    ("pulumi --diff preview up", "unverifiable", ""),
]


@pytest.mark.parametrize(("line", "kind", "sub"), CASES)
def test_pulumi_commands_are_classified(line: str, kind: str, sub: str) -> None:
    c = classify(SimpleCommand(tuple(shlex.split(line))))
    assert (c.kind, c.subcommand) == (kind, sub), c.reason
    assert c.flow == ("pulumi" if kind in ("apply", "destroy") else "")


def test_short_flags_are_split_and_written_back_one_by_one() -> None:
    found = tokens(["-yfsprod", "up", "-r", "--target", "urn:a", "-t=urn:b"])
    assert command_words(found) == ["up"]
    assert [(t.name, t.value) for t in found if t.name] == [
        ("yes", None), ("skip-preview", None), ("stack", "prod"), ("refresh", None), ("target", "urn:a"),
        ("target", "urn:b"),
    ]  # fmt: skip
    assert words_of(found, frozenset({"yes", "skip-preview"})) == [
        "-s=prod", "up", "-r", "--target", "urn:a", "-t=urn:b",
    ]  # fmt: skip


def test_a_flag_without_its_value_is_an_error() -> None:
    with pytest.raises(ArgumentError):
        tokens(["up", "--stack"])
